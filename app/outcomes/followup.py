"""Follow-up after the outcome: the person's ending survey and the reoffending check.

* The ending survey of the person is taken at the exit meeting (from week 14 of an active
  contract) or once the case is ``completed``, once per case, by the keyworker of the case
  or a supervisor: satisfaction and perceived police legitimacy, each 1 to 5, and
  optional comments. Completing a case without it needs confirming (app.outcomes.completion).
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
from app.cases.caseload import EXIT_REASSESSMENT_WEEK
from app.cases.models import Case, CaseStatus
from app.cases.policy import get_case_for
from app.cases.timeline import add_event
from app.database import utcnow
from app.dates import contract_week, today_in_london
from app.errors import Conflict, Forbidden, InvalidInput, NotFound
from app.extensions import db
from app.outcomes.models import ReoffendingCheck, Survey

COMMENTS_MAX = 2000
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


class InvalidState(Conflict):
    code = "invalid_state"


class AlreadyRecorded(Conflict):
    code = "already_recorded"


def _score(value, field: str, message: str, errors: dict) -> int | None:
    if isinstance(value, str) and value.isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
        errors[field] = message
        return None
    return value


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


def survey_open(case: Case, today: date | None = None) -> bool:
    """The person's ending survey can be taken at the exit meeting (from week 14 of the
    contract, while it is active) or once the case is completed."""
    if case.status == CaseStatus.COMPLETED.value:
        return True
    contract = case.contract
    if case.status != CaseStatus.ACTIVE.value or contract is None:
        return False
    week = contract_week(contract.start_date, today or today_in_london())
    return week is not None and week >= EXIT_REASSESSMENT_WEEK


SURVEY_NOT_OPEN = (
    "The ending survey is taken at the exit meeting, from week 14 of the contract, or once "
    "the case has been completed"
)


def person_survey(case_id: uuid.UUID) -> Survey | None:
    return db.session.scalar(
        select(Survey).where(Survey.case_id == case_id, Survey.respondent == "person")
    )


def record_person_survey(
    actor, case_id: uuid.UUID, *, satisfaction, police_legitimacy, comments=None
) -> Survey:
    """Record the person's ending survey (from week 14, or once completed; once)."""
    if actor is None or actor.role not in {Role.KEYWORKER.value, Role.SUPERVISOR.value}:
        raise Forbidden("Only keyworkers and supervisors record the ending survey")
    case = get_case_for(actor, case_id, for_update=True)
    if not survey_open(case):
        raise InvalidState(SURVEY_NOT_OPEN)
    if person_survey(case.id) is not None:
        raise AlreadyRecorded("The person's ending survey has already been recorded")
    errors: dict[str, str] = {}
    satisfaction = _score(
        satisfaction,
        "satisfaction",
        "Select how satisfied they are with the scheme, from 1 to 5",
        errors,
    )
    police_legitimacy = _score(
        police_legitimacy,
        "police_legitimacy",
        "Select how far they agree that the police act fairly, from 1 to 5",
        errors,
    )
    comments = _text(comments, "comments", COMMENTS_MAX, "Comments", errors)
    if errors:
        db.session.rollback()
        raise InvalidInput(errors, "The survey answers are not valid")
    survey = Survey(
        case_id=case.id,
        respondent="person",
        satisfaction=satisfaction,
        police_legitimacy=police_legitimacy,
        comments=comments,
        recorded_by_id=actor.id,
    )
    db.session.add(survey)
    db.session.flush()
    audit.record(
        "survey.recorded",
        "survey",
        survey.id,
        actor=actor,
        details={"case_id": str(case.id), "respondent": "person"},
    )
    add_event(case, "survey.person", "The person's ending survey recorded", actor=actor)
    db.session.commit()
    return survey


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
    if check.due_on > today:
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
