"""Outcomes: the crime outcomes the scheme's cases ended with, and the completion rate.

- Outcome 24 (adult) and 23 (child) are the deferred prosecution resolutions the hub
  records on completion. Before 1 April 2026 a completion was recorded as outcome 22
  (diversionary, educational or intervention activity), so a completion decided before
  that day counts as 22 (as does any record holding "22").
- Charge: the prosecution resumed after a breach or an opt-out.
- The completion rate: completed over the cases with a decided outcome (completed,
  breached or opted out).
- Never returned for breach: of the cases that agreed a contract and ended, the share
  not breached (the practice note cites 85% to 95%).
- Outcome+, as the force reports it, counts positive outcomes and the outcome 22, 23
  and 24 resolutions across all crime. The hub counts only its own part: its
  resolutions and the charges after a breach or an opt-out.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, case, or_, select

from app.cases.models import DECIDED_STATUSES, Case, CaseStatus
from app.contracts.models import Contract
from app.extensions import db
from app.outcomes.codes import OUTCOME_24_FROM
from app.reports.filters import DateBasis, ReportFilters, start_of_day_utc
from app.reports.sql import count_where

DEFAULT_BASIS = DateBasis.REFERRAL


@dataclass(frozen=True)
class Outcomes:
    outcome_24: int
    outcome_23: int
    outcome_22: int
    charge: int
    charged_after_breach: int
    charged_after_opt_out: int
    ended: int
    completed: int
    contracts_ended: int
    breached: int

    @property
    def resolutions(self) -> int:
        return self.outcome_24 + self.outcome_23 + self.outcome_22

    @property
    def outcome_plus_hub_part(self) -> int:
        return self.resolutions + self.charge

    @property
    def completion_rate(self) -> float | None:
        return self.completed / self.ended if self.ended else None

    @property
    def never_breached_rate(self) -> float | None:
        if not self.contracts_ended:
            return None
        return (self.contracts_ended - self.breached) / self.contracts_ended


def outcomes(filters: ReportFilters) -> Outcomes:
    completed = Case.status == CaseStatus.COMPLETED.value
    # CASE takes the first branch that is true (a NULL is not), so each completion has
    # exactly one code.
    code = case(
        (~completed, None),
        (or_(Case.outcome_code == "22", _before_22_end()), "22"),
        (Case.outcome_code == "23", "23"),
        else_="24",
    )
    row = db.session.execute(
        select(
            count_where(code == "22").label("o22"),
            count_where(code == "23").label("o23"),
            count_where(code == "24").label("o24"),
            count_where(Case.status == CaseStatus.BREACHED.value).label("breached"),
            count_where(Case.status == CaseStatus.OPTED_OUT.value).label("opted_out"),
            count_where(completed).label("completed"),
            count_where(Case.status.in_(DECIDED_STATUSES)).label("ended"),
            count_where(and_(Case.status.in_(DECIDED_STATUSES), Contract.id.is_not(None))).label(
                "contracts_ended"
            ),
        )
        .select_from(Case)
        .outerjoin(Contract, Contract.case_id == Case.id)
        .where(Case.id.in_(filters.cohort()))
    ).one()
    return Outcomes(
        outcome_24=int(row.o24),
        outcome_23=int(row.o23),
        outcome_22=int(row.o22),
        charge=int(row.breached) + int(row.opted_out),
        charged_after_breach=int(row.breached),
        charged_after_opt_out=int(row.opted_out),
        ended=int(row.ended),
        completed=int(row.completed),
        contracts_ended=int(row.contracts_ended),
        breached=int(row.breached),
    )


def _before_22_end():
    decided = Case.outcome_decided_at
    return and_(decided.is_not(None), decided < start_of_day_utc(OUTCOME_24_FROM))
