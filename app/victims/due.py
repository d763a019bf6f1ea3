"""When a victim is due an update.

After each key decision on the case (the contract agreed; the outcome decided:
completion, breach or opt-out) the victim must be told within 5 working days, or within
1 working day if they have enhanced rights. The working days count from the decision's
date in the UK (Europe/London), the decision day itself not counting, with weekends and
England and Wales bank holidays excluded (``app.workdays.add_working_days``). An update is
overdue from the day after its due date. A victim who asked for no updates is never due
one.

A decision is answered by any update given after it, to that victim or to all the
victims of the case (an update recorded without a victim). The decision still waiting
for an answer is the earliest key decision after the victim's last update.

Key decisions are read from what the other services write:

* timeline events (``app.cases.timeline``) of kind ``contract.agreed``, ``case.completed``,
  ``case.breached``, ``case.opted_out``, ``outcome.decided``, ``outcome.approved``, or any
  kind starting ``case.outcome`` that is not a proposal or a sending back;
* ``Case.outcome_decided_at``, set when the outcome is decided.

The same decision found in both places counts once in effect: only the earliest
unanswered decision sets the due date.

An update is refused if it is dated on the day of a key decision but before it
(``decision_later_that_day``): it could not have told the victim about that decision, and
the victim would stay due with nothing to say why. Such a time is almost always a slip
(a time typed wrongly, or the midday used when none is typed).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import and_, func, literal, not_, or_, select, union_all
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement

from app.cases.models import Case, CaseEvent
from app.database import UTCDateTime
from app.dates import LONDON, today_in_london
from app.extensions import db
from app.victims.models import Victim, VictimUpdate
from app.workdays import add_working_days

STANDARD_WORKING_DAYS = 5
ENHANCED_WORKING_DAYS = 1

KEY_DECISION_KINDS = (
    "contract.agreed",
    "case.completed",
    "case.breached",
    "case.opted_out",
    "outcome.decided",
    "outcome.approved",
)
OUTCOME_KIND_PREFIX = "case.outcome"
NOT_DECISIONS = ("%propos%", "%sent_back%", "%sent-back%")
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def is_key_decision(kind: str) -> bool:
    """The Python form of ``key_decision_filter`` (for tests and documentation)."""
    if kind in KEY_DECISION_KINDS:
        return True
    return (
        kind.startswith(OUTCOME_KIND_PREFIX)
        and "propos" not in kind
        and "sent_back" not in kind
        and "sent-back" not in kind
    )


def key_decision_filter() -> ColumnElement[bool]:
    return or_(
        CaseEvent.kind.in_(KEY_DECISION_KINDS),
        and_(
            CaseEvent.kind.like(OUTCOME_KIND_PREFIX + "%"),
            *(not_(CaseEvent.kind.like(pattern)) for pattern in NOT_DECISIONS),
        ),
    )


def working_days_allowed(enhanced_rights: bool) -> int:
    return ENHANCED_WORKING_DAYS if enhanced_rights else STANDARD_WORKING_DAYS


def due_on(decided_at: datetime, enhanced_rights: bool) -> date:
    """The last day to tell the victim about a decision taken at ``decided_at`` (UTC)."""
    return add_working_days(today_in_london(decided_at), working_days_allowed(enhanced_rights))


@dataclass(frozen=True)
class DueUpdate:
    """An update a victim is owed: for the decision taken at ``decided_at``."""

    decided_at: datetime
    due_on: date
    today: date

    @property
    def overdue(self) -> bool:
        return self.today > self.due_on

    @property
    def due_today(self) -> bool:
        return self.today == self.due_on


def due_update(
    pending_since: datetime | None,
    *,
    wants_updates: bool,
    enhanced_rights: bool,
    today: date | None = None,
) -> DueUpdate | None:
    """The update owed for the earliest unanswered decision, or None if none is owed."""
    if not wants_updates or pending_since is None:
        return None
    return DueUpdate(
        pending_since, due_on(pending_since, enhanced_rights), today or today_in_london()
    )


def most_urgent(dues: list[DueUpdate | None]) -> DueUpdate | None:
    owed = [due for due in dues if due is not None]
    return min(owed, key=lambda due: (due.due_on, due.decided_at)) if owed else None


# SQL ---------------------------------------------------------------------------------


def key_decisions():
    """(case_id, at) of every key decision, as a subquery."""
    decided = aliased(Case)
    events = select(CaseEvent.case_id.label("case_id"), CaseEvent.occurred_at.label("at")).where(
        key_decision_filter()
    )
    outcomes = select(decided.id.label("case_id"), decided.outcome_decided_at.label("at")).where(
        decided.outcome_decided_at.is_not(None)
    )
    return union_all(events, outcomes).subquery("key_decisions")


def last_update_at(victim=Victim):
    """The time of the last update given to ``victim`` (or to all its case's victims)."""
    return (
        select(func.max(VictimUpdate.given_at))
        .where(
            VictimUpdate.case_id == victim.case_id,
            or_(VictimUpdate.victim_id == victim.id, VictimUpdate.victim_id.is_(None)),
        )
        .correlate(victim)
        .scalar_subquery()
    )


def pending_since(victim=Victim):
    """The time of the earliest key decision the victim has not been told about (a
    correlated scalar subquery over ``victim``; NULL when there is none)."""
    decisions = key_decisions()
    last = func.coalesce(last_update_at(victim), literal(EPOCH, UTCDateTime()))
    return (
        select(func.min(decisions.c.at))
        .where(decisions.c.case_id == victim.case_id, decisions.c.at > last)
        .correlate(victim)
        .scalar_subquery()
    )


def decision_later_that_day(case_id, given_at: datetime) -> datetime | None:
    """The earliest key decision on ``case_id`` taken after ``given_at`` on the same day
    (UK time), if there is one."""
    day = given_at.astimezone(LONDON).date()
    day_ends = datetime.combine(day + timedelta(days=1), time.min, tzinfo=LONDON)
    decisions = key_decisions()
    return db.session.scalar(
        select(func.min(decisions.c.at)).where(
            decisions.c.case_id == case_id,
            decisions.c.at > given_at,
            decisions.c.at < day_ends.astimezone(UTC),
        )
    )


def owed(victim=Victim) -> ColumnElement[bool]:
    """``victim`` has a key decision it was not told about: ``pending_since(victim) IS NOT
    NULL``, read from the stored ``owed_since`` (``app.victims.owed`` keeps it), so a list
    finds the victims owed an update with one index look-up, whatever their number."""
    return victim.owed_since.is_not(None)
