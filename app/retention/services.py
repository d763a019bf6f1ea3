"""The retention review: what is due, an administrator's decisions, and the periodic job.

* ``review_list`` (administrators): the cases past their retention period, a page at a
  time, with how many are due under each rule. Audited as a list read.
* ``erase`` (administrators, on approval): erases one case's personal data in ``scope``
  in one transaction: the case row is locked, the rule checked again, the fields erased
  (``app.retention.erasure``), the decision recorded, the audit entry and a timeline
  event written, and all committed together. Idempotent: a case already erased in that
  scope is left as it is (``Erasure.erased`` is False), and a second erasure racing the
  first is stopped by the unique index on erased decisions.
* ``keep`` (administrators): keep a due case for another 6, 12 or 24 months.
* ``run_retention_review`` (a scheduler, or ``flask retention review``): counts what is
  due, audits the count and tells each administrator (at most once a week) that records
  wait for review. It never erases anything itself.

The audit log is never changed by any of this; its new entries hold ids, codes and
counts only.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import exists, func, literal, select, union_all
from sqlalchemy.exc import IntegrityError

from app.audit import services as audit
from app.auth.models import User
from app.auth.roles import Role
from app.cases.models import Case, CaseStatus
from app.cases.timeline import add_event
from app.database import utcnow
from app.dates import add_months, today_in_london
from app.errors import DomainError, Forbidden, InvalidInput, InvalidState, NotFound
from app.extensions import db
from app.notifications.models import Notification
from app.notifications.services import notify_all
from app.pagination import Page
from app.retention import erasure
from app.retention.models import Decision, RetentionDecision, Rule, Scope
from app.retention.schedule import (
    Schedule,
    case_end_on,
    day_of,
    due_clause,
    last_victim_update,
    rule_of,
)
from app.text import long_date

PAGE_SIZE = 50
KEEP_MONTHS = (6, 12, 24)
REASON_MAX = 500
NOTIFICATION_KIND = "retention_review"
NOTIFY_AT_MOST_EVERY = timedelta(days=7)


@dataclass(frozen=True)
class DueItem:
    case_id: uuid.UUID
    scope: Scope
    rule: Rule
    rule_text: str
    crime_reference: str
    status: str
    outcome_code: str | None
    ended_on: date | None
    last_update_on: date | None

    @property
    def status_label(self) -> str:
        return CaseStatus(self.status).label


@dataclass(frozen=True)
class ReviewList:
    items: list[DueItem]
    page: Page
    counts: dict[Rule, int]
    schedule: Schedule


@dataclass(frozen=True)
class Erasure:
    case_id: uuid.UUID
    scope: Scope
    erased: bool  # False: it had been erased already, nothing changed
    rows: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class ReviewRun:
    counts: dict[Rule, int]
    notified: int

    @property
    def due(self) -> int:
        return sum(self.counts.values())

    def as_counts(self) -> dict[str, int]:
        """For a task's result: counts only, never data."""
        return {**{rule.value: n for rule, n in self.counts.items()}, "notified": self.notified}


def _check_admin(actor) -> None:
    if actor is None or actor.role != Role.ADMIN.value:
        raise Forbidden("Only administrators review and erase records past their retention")


def _due_rows(scope: Scope, schedule: Schedule, today: date):
    return select(
        Case.id.label("case_id"),
        literal(scope.value).label("scope"),
        rule_of(scope).label("rule"),
        Case.crime_reference.label("crime_reference"),
        Case.status.label("status"),
        Case.outcome_code.label("outcome_code"),
        case_end_on().label("ended_on"),
        day_of(last_victim_update()).label("last_update_on"),
    ).where(due_clause(scope, schedule, today))


def _due(schedule: Schedule, today: date):
    return union_all(*(_due_rows(scope, schedule, today) for scope in Scope)).subquery("due")


def due_counts(schedule: Schedule | None = None, today: date | None = None) -> dict[Rule, int]:
    schedule = schedule or Schedule.from_config()
    due = _due(schedule, today or today_in_london())
    found = dict(db.session.execute(select(due.c.rule, func.count()).group_by(due.c.rule)).all())
    return {rule: int(found.get(rule.value, 0)) for rule in Rule}


def review_list(actor, page: int = 1, *, today: date | None = None) -> ReviewList:
    """The cases due for review, oldest ending first (administrators; audited)."""
    _check_admin(actor)
    schedule, today = Schedule.from_config(), today or today_in_london()
    counts = due_counts(schedule, today)
    total = sum(counts.values())
    due = _due(schedule, today)
    rows = db.session.execute(
        select(due)
        .order_by(due.c.ended_on, due.c.case_id, due.c.scope)
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    ).all()
    audit.record_list_read(
        "retention.listed",
        "case",
        list(dict.fromkeys(row.case_id for row in rows)),
        actor=actor,
        page=page,
        total=total,
    )
    items = [
        DueItem(
            case_id=row.case_id,
            scope=Scope(row.scope),
            rule=Rule(row.rule),
            rule_text=schedule.describe(Rule(row.rule)),
            crime_reference=row.crime_reference,
            status=row.status,
            outcome_code=row.outcome_code,
            ended_on=row.ended_on,
            last_update_on=row.last_update_on if row.scope == Scope.VICTIM_CONTACT else None,
        )
        for row in rows
    ]
    return ReviewList(items, Page(page, PAGE_SIZE, total), counts, schedule)


def _locked_case(case_id: uuid.UUID) -> Case:
    case = db.session.scalar(select(Case).where(Case.id == case_id).with_for_update(of=Case))
    if case is None:
        raise NotFound("No such case")
    return case


def _erased_already(case_id: uuid.UUID, scope: Scope) -> bool:
    scopes = [Scope.CASE.value] + ([scope.value] if scope != Scope.CASE else [])
    return bool(
        db.session.scalar(
            select(
                exists().where(
                    RetentionDecision.case_id == case_id,
                    RetentionDecision.scope.in_(scopes),
                    RetentionDecision.decision == Decision.ERASED.value,
                )
            )
        )
    )


def _check_due(case: Case, scope: Scope, today: date) -> Rule:
    """The rule that makes ``case`` due in ``scope`` today; InvalidState if it is not due."""
    schedule = Schedule.from_config()
    rule = db.session.scalar(
        select(rule_of(scope)).where(Case.id == case.id, due_clause(scope, schedule, today))
    )
    if rule is None:
        raise InvalidState("This case is not due for review under the retention schedule")
    return Rule(rule)


def _person_needed_elsewhere(case: Case) -> bool:
    """Another case of the same person is not erased yet: it still needs their details."""
    erased = (
        select(RetentionDecision.case_id)
        .where(
            RetentionDecision.scope == Scope.CASE.value,
            RetentionDecision.decision == Decision.ERASED.value,
        )
        .scalar_subquery()
    )
    return bool(
        db.session.scalar(
            select(
                exists().where(
                    Case.person_id == case.person_id, Case.id != case.id, Case.id.not_in(erased)
                )
            )
        )
    )


def erase(actor, case_id: uuid.UUID, scope: Scope, *, today: date | None = None) -> Erasure:
    """Erase one case's personal data in ``scope``, in one transaction (see the module)."""
    _check_admin(actor)
    scope, today = Scope(scope), today or today_in_london()
    try:
        case = _locked_case(case_id)
        if _erased_already(case.id, scope):
            db.session.rollback()
            return Erasure(case_id, scope, erased=False)
        rule = _check_due(case, scope, today)
    except DomainError:
        db.session.rollback()  # the lock goes with the transaction
        raise
    if scope == Scope.CASE:
        rows = erasure.erase_case(case.id, person_too=not _person_needed_elsewhere(case))
    else:
        rows = erasure.erase(case.id, scope)
    db.session.add(
        RetentionDecision(
            case_id=case.id,
            scope=scope.value,
            rule=rule.value,
            decision=Decision.ERASED.value,
            decided_by_id=actor.id,
        )
    )
    try:
        db.session.flush()
    except IntegrityError:  # erased meanwhile by someone else: theirs stands
        db.session.rollback()
        return Erasure(case_id, scope, erased=False)
    audit.record(
        "retention.erased",
        "case",
        case.id,
        actor=actor,
        details={"scope": scope.value, "rule": rule.value, "rows": rows},
    )
    summary = (
        "Personal data erased under the retention schedule"
        if scope == Scope.CASE
        else "Victims' contact details erased under the retention schedule"
    )
    add_event(case, "retention.erased", summary, actor=actor)
    db.session.commit()
    return Erasure(case_id, scope, erased=True, rows=rows)


def keep(
    actor,
    case_id: uuid.UUID,
    scope: Scope,
    *,
    months: int | None,
    reason: str | None,
    today: date | None = None,
) -> RetentionDecision:
    """Keep a due case (in ``scope``) for ``months`` more, for ``reason``."""
    _check_admin(actor)
    scope, today = Scope(scope), today or today_in_london()
    reason = (reason or "").strip()
    errors = {}
    if months not in KEEP_MONTHS:
        errors["months"] = "Choose how long to keep the record"
    if not reason:
        errors["reason"] = "Enter why the record is still needed"
    elif len(reason) > REASON_MAX:
        errors["reason"] = f"Reason must be {REASON_MAX} characters or fewer"
    if errors:
        raise InvalidInput(errors)
    try:
        case = _locked_case(case_id)
        rule = _check_due(case, scope, today)
    except DomainError:
        db.session.rollback()
        raise
    decision = RetentionDecision(
        case_id=case.id,
        scope=scope.value,
        rule=rule.value,
        decision=Decision.KEPT.value,
        keep_until=add_months(today, months),
        reason=reason,
        decided_by_id=actor.id,
    )
    db.session.add(decision)
    db.session.flush()
    audit.record(
        "retention.kept",
        "case",
        case.id,
        actor=actor,
        details={"scope": scope.value, "rule": rule.value, "keep_until": str(decision.keep_until)},
    )
    add_event(
        case,
        "retention.kept",
        f"Reviewed under the retention schedule: kept until {long_date(decision.keep_until)}",
        actor=actor,
    )
    db.session.commit()
    return decision


def due_for(actor, case_id: uuid.UUID, scope: Scope, *, today: date | None = None) -> DueItem:
    """One due item (for the keep form); NotFound when the case is not due in ``scope``."""
    _check_admin(actor)
    schedule, today = Schedule.from_config(), today or today_in_london()
    row = db.session.execute(
        _due_rows(Scope(scope), schedule, today).where(Case.id == case_id)
    ).one_or_none()
    if row is None:
        raise NotFound("No such case is due for review")
    return DueItem(
        case_id=row.case_id,
        scope=Scope(row.scope),
        rule=Rule(row.rule),
        rule_text=schedule.describe(Rule(row.rule)),
        crime_reference=row.crime_reference,
        status=row.status,
        outcome_code=row.outcome_code,
        ended_on=row.ended_on,
        last_update_on=row.last_update_on,
    )


def run_retention_review(today: date | None = None) -> ReviewRun:
    """The periodic job: count what is due, audit it, tell the administrators. Erases
    nothing: erasure waits for an administrator's approval."""
    counts = due_counts(today=today)
    notified = 0
    if sum(counts.values()):
        notified = _tell_administrators(sum(counts.values()))
    audit.record(
        "retention.reviewed",
        "case",
        "*",
        details={"due": {rule.value: n for rule, n in counts.items()}, "notified": notified},
    )
    db.session.commit()
    return ReviewRun(counts, notified)


def _tell_administrators(due: int) -> int:
    since = utcnow() - NOTIFY_AT_MOST_EVERY
    told_lately = (
        select(Notification.recipient_id)
        .where(Notification.kind == NOTIFICATION_KIND, Notification.created_at >= since)
        .scalar_subquery()
    )
    admins = db.session.scalars(
        select(User).where(
            User.role == Role.ADMIN.value, User.active.is_(True), User.id.not_in(told_lately)
        )
    ).all()
    return notify_all(
        admins,
        NOTIFICATION_KIND,
        "Records are due for a retention review",
        f"{due} record(s) have passed their retention period and wait for your review. "
        "Nothing is erased until an administrator approves it.",
        link_path="/retention/",
    )
