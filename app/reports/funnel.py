"""The funnel: how cases move from referral into the team to an outcome.

Definitions (each one a SQL aggregate over the cohort, ``ReportFilters.cohort``):

- referred: every case in the cohort; ineligible: the eligibility rules failed (status
  ``ineligible``), counted per failed rule as well (a case failing two rules counts under
  both); eligible: the rest;
- allocated: an eligible case given a keyworker at some point (an allocation, a
  keyworker now, or a contract, which needs one); contracts: a contract was agreed;
- opted out (before the contract, or after it), breached, completed, active: the case's
  status now;
- median days from referral into the team to the first allocation and to the contract
  agreed (calendar days, UK dates);
- per keyworker: the cohort's cases active with them now, and their allocations (each
  allocation counts, so reallocations count for the new keyworker), per month.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Text, and_, cast, func, literal, or_, select, union_all

from app.auth.models import User
from app.cases.eligibility import RULES
from app.cases.models import Case, CaseAllocation, CaseStatus
from app.contracts.models import Contract
from app.extensions import db
from app.reports.filters import DateBasis, ReportFilters
from app.reports.sql import (
    MEDIAN,
    count_where,
    days_between,
    interpolate,
    london_date,
    month_of,
    percentile_columns,
)


@dataclass(frozen=True)
class KeyworkerLoad:
    keyworker_id: uuid.UUID
    name: str
    active_now: int
    allocations: int
    allocations_per_month: float | None


@dataclass(frozen=True)
class MonthCount:
    month: str  # YYYY-MM
    count: int


@dataclass(frozen=True)
class Funnel:
    referred: int
    eligible: int
    ineligible: int
    ineligible_by_rule: dict[str, int]
    allocated: int
    contracts: int
    opted_out: int
    opted_out_before_contract: int
    opted_out_after_contract: int
    breached: int
    completed: int
    active: int
    median_days_to_allocation: float | None
    median_days_to_contract: float | None
    keyworkers: tuple[KeyworkerLoad, ...]
    allocations_by_month: tuple[MonthCount, ...]


DEFAULT_BASIS = DateBasis.REFERRAL


def first_allocations():
    return (
        select(
            CaseAllocation.case_id.label("case_id"),
            func.min(CaseAllocation.allocated_at).label("at"),
        )
        .group_by(CaseAllocation.case_id)
        .subquery("first_allocations")
    )


def _rule_count(code: str):
    return count_where(cast(Case.eligibility_failed, Text).like(f'%"{code}"%'))


def funnel(filters: ReportFilters) -> Funnel:
    cohort = filters.cohort()
    first = first_allocations()
    status = Case.status
    has_contract = Contract.id.is_not(None)
    counts = db.session.execute(
        select(
            func.count(Case.id).label("referred"),
            count_where(status == CaseStatus.INELIGIBLE.value).label("ineligible"),
            count_where(
                and_(
                    status != CaseStatus.INELIGIBLE.value,
                    or_(first.c.at.is_not(None), Case.keyworker_id.is_not(None), has_contract),
                )
            ).label("allocated"),
            count_where(has_contract).label("contracts"),
            count_where(status == CaseStatus.OPTED_OUT.value).label("opted_out"),
            count_where((status == CaseStatus.OPTED_OUT.value) & has_contract).label(
                "opted_out_after"
            ),
            count_where(status == CaseStatus.BREACHED.value).label("breached"),
            count_where(status == CaseStatus.COMPLETED.value).label("completed"),
            count_where(status == CaseStatus.ACTIVE.value).label("active"),
            *(_rule_count(rule.code).label(f"rule_{i}") for i, rule in enumerate(RULES)),
        )
        .select_from(Case)
        .outerjoin(Contract, Contract.case_id == Case.id)
        .outerjoin(first, first.c.case_id == Case.id)
        .where(Case.id.in_(cohort))
    ).one()
    by_rule = {rule.code: int(getattr(counts, f"rule_{i}")) for i, rule in enumerate(RULES)}
    medians = _medians(cohort, first)
    keyworkers, months = _keyworkers(filters, cohort)
    return Funnel(
        referred=int(counts.referred),
        eligible=int(counts.referred) - int(counts.ineligible),
        ineligible=int(counts.ineligible),
        ineligible_by_rule={code: n for code, n in by_rule.items() if n},
        allocated=int(counts.allocated),
        contracts=int(counts.contracts),
        opted_out=int(counts.opted_out),
        opted_out_before_contract=int(counts.opted_out) - int(counts.opted_out_after),
        opted_out_after_contract=int(counts.opted_out_after),
        breached=int(counts.breached),
        completed=int(counts.completed),
        active=int(counts.active),
        median_days_to_allocation=medians.get("allocation"),
        median_days_to_contract=medians.get("contract"),
        keyworkers=keyworkers,
        allocations_by_month=months,
    )


def _medians(cohort, first) -> dict[str, float | None]:
    referred_on = london_date(Case.created_at)
    to_allocation = (
        select(
            literal("allocation").label("measure"),
            days_between(referred_on, london_date(first.c.at)).label("days"),
        )
        .select_from(Case)
        .join(first, first.c.case_id == Case.id)
        .where(Case.id.in_(cohort))
    )
    to_contract = (
        select(
            literal("contract").label("measure"),
            days_between(referred_on, Contract.agreed_on).label("days"),
        )
        .select_from(Case)
        .join(Contract, Contract.case_id == Case.id)
        .where(Case.id.in_(cohort))
    )
    values = union_all(to_allocation, to_contract).subquery("durations")
    rows = db.session.execute(
        percentile_columns(values, "days", groups=("measure",), quantiles=(MEDIAN,))
    ).all()
    return {row.measure: interpolate(row, MEDIAN) for row in rows}


def _months_in(filters: ReportFilters, months: list[str]) -> int | None:
    if filters.date_from is not None and filters.date_to is not None:
        first, last = filters.date_from, filters.date_to
    elif months:
        first = date.fromisoformat(min(months) + "-01")
        last = date.fromisoformat(max(months) + "-01")
    else:
        return None
    return (last.year - first.year) * 12 + last.month - first.month + 1


def _keyworkers(filters: ReportFilters, cohort):
    loads = db.session.execute(
        select(
            Case.keyworker_id,
            count_where(Case.status == CaseStatus.ACTIVE.value).label("active_now"),
        )
        .where(Case.id.in_(cohort), Case.keyworker_id.is_not(None))
        .group_by(Case.keyworker_id)
    ).all()
    month = month_of(london_date(CaseAllocation.allocated_at))
    allocations = db.session.execute(
        select(
            CaseAllocation.keyworker_id,
            month.label("month"),
            func.count(CaseAllocation.id).label("n"),
        )
        .where(CaseAllocation.case_id.in_(cohort))
        .group_by(CaseAllocation.keyworker_id, month)
    ).all()
    names = dict(
        db.session.execute(
            select(User.id, User.name).where(
                User.id.in_(
                    select(Case.keyworker_id)
                    .where(Case.id.in_(cohort))
                    .union(
                        select(CaseAllocation.keyworker_id).where(
                            CaseAllocation.case_id.in_(cohort)
                        )
                    )
                )
            )
        ).all()
    )
    per_month: dict[str, int] = {}
    per_keyworker: dict[uuid.UUID, int] = {}
    for row in allocations:
        per_month[row.month] = per_month.get(row.month, 0) + row.n
        per_keyworker[row.keyworker_id] = per_keyworker.get(row.keyworker_id, 0) + row.n
    span = _months_in(filters, list(per_month))
    active = {row.keyworker_id: int(row.active_now) for row in loads}
    keyworkers = tuple(
        sorted(
            (
                KeyworkerLoad(
                    keyworker_id=keyworker_id,
                    name=names.get(keyworker_id, "Unknown"),
                    active_now=active.get(keyworker_id, 0),
                    allocations=per_keyworker.get(keyworker_id, 0),
                    allocations_per_month=(
                        per_keyworker.get(keyworker_id, 0) / span if span else None
                    ),
                )
                for keyworker_id in set(active) | set(per_keyworker)
                if active.get(keyworker_id) or per_keyworker.get(keyworker_id)
            ),
            key=lambda load: (load.name, str(load.keyworker_id)),
        )
    )
    months = tuple(MonthCount(month, n) for month, n in sorted(per_month.items()))
    return keyworkers, months
