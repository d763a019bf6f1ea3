"""Follow-up after the outcome: the person's ending survey (the reoffending check is in
``app.outcomes.checks``).

* The ending survey of the person is taken once the case is ``completed``, once per case,
  by the keyworker of the case or a supervisor: satisfaction and perceived police
  legitimacy, each 1 to 5, and optional comments.
"""

from __future__ import annotations

import uuid

from sqlalchemy import select

from app.auth.roles import Role
from app.cases.models import Case, CaseStatus
from app.cases.policy import get_case_for
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
