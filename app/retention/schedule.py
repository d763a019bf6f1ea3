"""The retention schedule and the one rule of what is due for review, written as SQL.

The periods come from the settings (the README documents each):

- ``RETENTION_CASE_YEARS`` (6): all personal data of a case, that many years after the
  case ended (a completed case: its contract's end; a breached, opted-out or withdrawn
  one: the date its outcome was decided);
- ``RETENTION_INELIGIBLE_YEARS`` (2): all personal data of a case found ineligible,
  that many years after it was referred into the team;
- ``RETENTION_VICTIM_CONTACT_YEARS`` (1): the victims' contact details (email, phone,
  address) of a case that has ended (or was ineligible), that many years after the later
  of its end and the last update a victim was given.

A record is "due" once its period has passed, until an administrator erases it or keeps
it for now (a decision in ``retention_decisions``; a kept one comes back at its date).
A case due for full erasure is listed once, for full erasure, not also for its victims'
contact details. ``due_clause`` is used by the review list, the periodic job and the
erasure itself, so they can never disagree about what is due.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import current_app
from sqlalchemy import Date, and_, case, exists, func, literal, or_, select
from sqlalchemy.sql.elements import ColumnElement

from app.cases.models import CLOSED_STATUSES, Case, CaseStatus
from app.contracts.models import Contract
from app.dates import add_months
from app.retention.models import Decision, RetentionDecision, Rule, Scope
from app.victims.models import Victim, VictimUpdate

ENDED = sorted(CLOSED_STATUSES)
ENDED_OR_INELIGIBLE = [*ENDED, CaseStatus.INELIGIBLE.value]


@dataclass(frozen=True)
class Schedule:
    case_years: int
    ineligible_years: int
    victim_contact_years: int

    @classmethod
    def from_config(cls) -> Schedule:
        config = current_app.config
        return cls(
            case_years=config["RETENTION_CASE_YEARS"],
            ineligible_years=config["RETENTION_INELIGIBLE_YEARS"],
            victim_contact_years=config["RETENTION_VICTIM_CONTACT_YEARS"],
        )

    def years(self, rule: Rule) -> int:
        return {
            Rule.ENDED: self.case_years,
            Rule.INELIGIBLE: self.ineligible_years,
            Rule.VICTIM_CONTACT: self.victim_contact_years,
        }[rule]

    def cutoff(self, rule: Rule, today: date) -> date:
        """A record whose period started on or before this date is due."""
        return add_months(today, -12 * self.years(rule))

    def describe(self, rule: Rule) -> str:
        years = self.years(rule)
        period = f"{years} year{'s' if years != 1 else ''}"
        return {
            Rule.ENDED: f"Case ended more than {period} ago",
            Rule.INELIGIBLE: f"Ineligible referral more than {period} ago",
            Rule.VICTIM_CONTACT: (
                f"Victims' contact details: {period} since the case ended and the last update"
            ),
        }[rule]


def day_of(timestamp) -> ColumnElement[date]:
    """The date of a UTC timestamp column (SQLite's and PostgreSQL's ``date()``)."""
    return func.date(timestamp, type_=Date)


def case_end_on() -> ColumnElement[date]:
    """When the case ended (SQL over ``Case``): NULL while it is open."""
    contract_end = select(Contract.end_date).where(Contract.case_id == Case.id).scalar_subquery()
    return case(
        (Case.status == CaseStatus.INELIGIBLE.value, day_of(Case.created_at)),
        (
            Case.status == CaseStatus.COMPLETED.value,
            func.coalesce(contract_end, day_of(Case.outcome_decided_at)),
        ),
        (
            Case.status.in_(ENDED),
            func.coalesce(day_of(Case.outcome_decided_at), day_of(Case.updated_at)),
        ),
        else_=None,
    )


def last_victim_update() -> ColumnElement:
    return (
        select(func.max(VictimUpdate.given_at))
        .where(VictimUpdate.case_id == Case.id)
        .scalar_subquery()
    )


def _decided(scope: Scope, today: date) -> ColumnElement[bool]:
    """Erased already in ``scope``, or kept for now."""
    return exists().where(
        RetentionDecision.case_id == Case.id,
        RetentionDecision.scope == scope.value,
        or_(
            RetentionDecision.decision == Decision.ERASED.value,
            RetentionDecision.keep_until > today,
        ),
    )


def _erased(scope: Scope) -> ColumnElement[bool]:
    return exists().where(
        RetentionDecision.case_id == Case.id,
        RetentionDecision.scope == scope.value,
        RetentionDecision.decision == Decision.ERASED.value,
    )


def _victim_contact_held() -> ColumnElement[bool]:
    return exists().where(
        Victim.case_id == Case.id,
        or_(Victim.email.is_not(None), Victim.phone.is_not(None), Victim.address.is_not(None)),
    )


def rule_clause(rule: Rule, schedule: Schedule, today: date) -> ColumnElement[bool]:
    """The case's period under ``rule`` has passed (decisions aside)."""
    cutoff = schedule.cutoff(rule, today)
    if rule == Rule.ENDED:
        return and_(Case.status.in_(ENDED), case_end_on() <= cutoff)
    if rule == Rule.INELIGIBLE:
        return and_(Case.status == CaseStatus.INELIGIBLE.value, case_end_on() <= cutoff)
    last_update = last_victim_update()
    return and_(
        Case.status.in_(ENDED_OR_INELIGIBLE),
        case_end_on() <= cutoff,
        or_(last_update.is_(None), day_of(last_update) <= cutoff),
        _victim_contact_held(),
    )


def due_clause(scope: Scope, schedule: Schedule, today: date) -> ColumnElement[bool]:
    """The case is due for review in ``scope`` today."""
    whole_case = and_(
        or_(
            rule_clause(Rule.ENDED, schedule, today),
            rule_clause(Rule.INELIGIBLE, schedule, today),
        ),
        ~_decided(Scope.CASE, today),
    )
    if scope == Scope.CASE:
        return whole_case
    return and_(
        rule_clause(Rule.VICTIM_CONTACT, schedule, today),
        ~_decided(Scope.VICTIM_CONTACT, today),
        ~_erased(Scope.CASE),
        ~whole_case,
    )


def rule_of(scope: Scope) -> ColumnElement[str]:
    """The rule that makes a case due in ``scope`` (SQL over ``Case``)."""
    if scope == Scope.VICTIM_CONTACT:
        return literal(Rule.VICTIM_CONTACT.value)
    return case(
        (Case.status == CaseStatus.INELIGIBLE.value, literal(Rule.INELIGIBLE.value)),
        else_=literal(Rule.ENDED.value),
    )
