"""Follow-up after the outcome: the person's ending survey (the reoffending check is in
``app.outcomes.checks``).

* The ending survey of the person is taken at the exit meeting (from week 14 of an active
  contract) or once the case is ``completed``, once per case, by the keyworker of the case
  or a supervisor: satisfaction and perceived police legitimacy, each 1 to 5, and
  optional comments. Completing a case without it needs confirming (app.outcomes.completion).
"""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import select

from app.auth.roles import Role
from app.cases.caseload import EXIT_REASSESSMENT_WEEK
from app.cases.models import Case, CaseStatus
from app.cases.policy import get_case_for
from app.dates import contract_week, today_in_london
from app.errors import AlreadyRecorded, Conflict, Forbidden, InvalidState
from app.extensions import db
from app.outcomes import surveys
from app.outcomes.models import Survey

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


def survey_refusal(case: Case) -> Conflict | None:
    """Why the person's ending survey cannot be recorded on ``case`` now, or None: it is
    taken at the exit meeting or once the case is completed (``survey_open``), and once
    only."""
    if not survey_open(case):
        return InvalidState(SURVEY_NOT_OPEN)
    if person_survey(case.id) is not None:
        return AlreadyRecorded("The person's ending survey has already been recorded")
    return None


def record_person_survey(
    actor, case_id: uuid.UUID, *, satisfaction, police_legitimacy, comments=None
) -> Survey:
    """Record the person's ending survey (from week 14, or once completed; once)."""
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
