"""Follow-up after the outcome: the person's ending survey and the reoffending check.

* The ending survey of the person is taken once the case is ``completed``, once per case,
  by the keyworker of the case or a supervisor: satisfaction and perceived police
  legitimacy, each 1 to 5, and optional comments.
* The reoffending check (created by the outcome decision, due 365 days after the contract
  ended) is an administrator's task. It shows on their task list from its due date and is
  recorded once: reoffended yes or no, and if yes the date and the offence. The date must
  fall in the 365 days the check covers (not before the contract ended, not in the future).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta

from sqlalchemy import func, select

from app.audit import services as audit
from app.auth.roles import Role
from app.cases.models import Case, CaseStatus
from app.cases.policy import get_case_for
from app.cases.timeline import add_event
from app.database import utcnow
from app.dates import today_in_london
from app.errors import Conflict, Forbidden, InvalidInput, InvalidState, NotFound
from app.extensions import db
from app.outcomes import surveys
from app.outcomes.models import ReoffendingCheck, Survey

OFFENCE_MAX = 1000
CHECK_WINDOW_DAYS = 365
SCALE = {
    1: "Very dissatisfied",
    2: "Dissatisfied",
    3: "Neither satisfied nor dissatisfied",
    4: "Satisfied",
    5: "Very satisfied",
}
LEGITIMACY_SCALE = {
    1: "Strongly disagree",
    2: "Disagree",
    3: "Neither agree nor disagree",
    4: "Agree",
    5: "Strongly agree",
}


class AlreadyRecorded(Conflict):
    code = "already_recorded"


def _text(value, field: str, limit: int, label: str, errors: dict) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        errors[field] = f"Enter the {label.lower()} as text"
        return None
    value = value.strip()
    if len(value) > limit:
        errors[field] = f"{label} must be {limit} characters or fewer"
    return value or None


# The ending survey --------------------------------------------------------------------


def person_survey(case_id: uuid.UUID) -> Survey | None:
    return db.session.scalar(
        select(Survey).where(Survey.case_id == case_id, Survey.respondent == "person")
    )


def survey_refusal(case: Case) -> Conflict | None:
    """Why the person's ending survey cannot be recorded on ``case`` now, or None: it is
    taken once the case is completed, and once only."""
    if case.status != CaseStatus.COMPLETED.value:
        return InvalidState("The ending survey is taken once the case has been completed")
    if person_survey(case.id) is not None:
        return AlreadyRecorded("The person's ending survey has already been recorded")
    return None


def record_person_survey(
    actor, case_id: uuid.UUID, *, satisfaction, police_legitimacy, comments=None
) -> Survey:
    """Record the person's ending survey (completed cases only, once)."""
    if actor is None or actor.role not in {Role.KEYWORKER.value, Role.SUPERVISOR.value}:
        raise Forbidden("Only keyworkers and supervisors record the ending survey")
    case = get_case_for(actor, case_id, for_update=True)
    refused = survey_refusal(case)
    if refused is not None:
        raise refused
    return surveys.record(
        actor,
        case,
        surveys.PERSON,
        {"satisfaction": satisfaction, "police_legitimacy": police_legitimacy},
        comments,
    )


# Reoffending checks -------------------------------------------------------------------


def _require_admin(actor) -> None:
    if actor is None or actor.role != Role.ADMIN.value:
        raise Forbidden("Only administrators do reoffending checks")


def _due(today: date):
    return (ReoffendingCheck.due_on <= today) & ReoffendingCheck.checked_at.is_(None)


def due_checks(
    actor, page: int, per_page: int, today: date | None = None
) -> tuple[list[ReoffendingCheck], int]:
    """The checks due and not yet done, oldest due first, each with its case and person
    (loaded in the same query). The list read is audited."""
    _require_admin(actor)
    today = today or today_in_london()
    total = db.session.scalar(select(func.count(ReoffendingCheck.id)).where(_due(today))) or 0
    audit.record(
        "reoffending_check.listed",
        "reoffending_check",
        "*",
        actor=actor,
        details={"page": page, "total": total},
    )
    db.session.commit()
    checks = list(
        db.session.scalars(
            select(ReoffendingCheck)
            .where(_due(today))
            .order_by(ReoffendingCheck.due_on, ReoffendingCheck.id)
            .limit(per_page)
            .offset((page - 1) * per_page)
        ).unique()
    )
    return checks, total


def view_check(actor, check_id: uuid.UUID) -> ReoffendingCheck:
    """One check with its case (personal data): audited."""
    _require_admin(actor)
    check = db.session.get(ReoffendingCheck, check_id)
    if check is None:
        raise NotFound("No such reoffending check")
    audit.record("reoffending_check.viewed", "reoffending_check", check.id, actor=actor)
    db.session.commit()
    return check


def is_due(check: ReoffendingCheck, today: date | None = None) -> bool:
    """A reoffending check can be recorded from its due date (UK date); ``_due`` is the
    same test for lists."""
    return check.due_on <= (today or today_in_london())


def window(check: ReoffendingCheck) -> tuple[date, date]:
    """The days the check covers: from the contract's end to the due date."""
    return check.due_on - timedelta(days=CHECK_WINDOW_DAYS), check.due_on


def record_check(
    actor,
    check_id: uuid.UUID,
    *,
    reoffended,
    reoffence_date: date | None = None,
    reoffence: str | None = None,
    today: date | None = None,
) -> ReoffendingCheck:
    """Record the result of a due reoffending check (once)."""
    _require_admin(actor)
    today = today or today_in_london()
    check = db.session.scalar(
        select(ReoffendingCheck)
        .where(ReoffendingCheck.id == check_id)
        .with_for_update(of=ReoffendingCheck)
    )
    if check is None:
        raise NotFound("No such reoffending check")
    if check.checked_at is not None:
        raise AlreadyRecorded("This reoffending check has already been recorded")
    if not is_due(check, today):
        raise InvalidState("This reoffending check is not due yet")
    errors: dict[str, str] = {}
    if not isinstance(reoffended, bool):
        errors["reoffended"] = "Select yes if the person has reoffended"
    offence = _text(reoffence, "reoffence", OFFENCE_MAX, "Offence", errors)
    if reoffended is True:
        start, end = window(check)
        if not isinstance(reoffence_date, date) or isinstance(reoffence_date, datetime):
            errors["reoffence_date"] = "Enter the date of the offence"
        elif not start <= reoffence_date <= min(end, today):
            errors["reoffence_date"] = (
                "Date of the offence must be in the year the check covers, and not in the future"
            )
        if offence is None and "reoffence" not in errors:
            errors["reoffence"] = "Enter the offence"
    if errors:
        db.session.rollback()
        raise InvalidInput(errors, "The check is not complete")
    check.reoffended = reoffended
    check.reoffence_date = reoffence_date if reoffended else None
    check.reoffence = offence if reoffended else None
    check.checked_at = utcnow()
    check.checked_by_id = actor.id
    case = db.session.get(Case, check.case_id)
    audit.record(
        "reoffending_check.recorded",
        "reoffending_check",
        check.id,
        actor=actor,
        details={"case_id": str(check.case_id), "reoffended": reoffended},
    )
    add_event(
        case,
        "reoffending.checked",
        "Reoffending check recorded: "
        + ("reoffended within the year" if reoffended else "no reoffending found"),
        actor=actor,
    )
    db.session.commit()
    return check
