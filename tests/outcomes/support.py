"""Test data for the outcome tests: a keyworker's active case with a contract, and the
people who act on it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from app.assessments.models import AssessmentStage
from app.auth.roles import Role
from app.auth.tokens import issue_token
from app.cases.models import Case
from app.contracts.models import Contract
from app.dates import today_in_london
from app.evidence.models import ConditionEvidence
from app.extensions import db
from app.outcomes.models import Survey
from tests import factories
from tests.helpers import api_headers


@dataclass
class World:
    keyworker: object
    supervisor: object
    case: Case
    contract: Contract | None


def active_case(
    *,
    started_days_ago: int = 120,
    conditions: list[dict] | None = None,
    date_of_birth: date = date(1990, 5, 17),
    victims: int = 0,
    exit_steps_done: bool = False,
) -> World:
    """An active case whose contract started ``started_days_ago`` days ago (by default it
    has ended: 112 days); with ``exit_steps_done``, the exit needs assessment and the
    person's ending survey are recorded (so completing it needs no confirmation)."""
    keyworker = factories.user(Role.KEYWORKER, name="Kim Keyworker")
    supervisor = factories.user(Role.SUPERVISOR, name="Sam Supervisor")
    case = factories.case(
        keyworker, victims=victims, person_fields={"date_of_birth": date_of_birth}
    )
    contract = factories.contract(
        case,
        start_date=today_in_london() - timedelta(days=started_days_ago),
        conditions=conditions,
    )
    world = World(keyworker, supervisor, case, contract)
    if exit_steps_done:
        take_exit_steps(world)
    return world


def take_exit_steps(world: World) -> None:
    """The exit needs assessment and the person's ending survey, as recorded at the end."""
    factories.assessment(world.case, AssessmentStage.EXIT)
    db.session.add(
        Survey(
            case_id=world.case.id,
            respondent="person",
            satisfaction=4,
            police_legitimacy=4,
            recorded_by_id=world.keyworker.id,
        )
    )
    db.session.commit()


def mark_all_met(world: World) -> None:
    """The keyworker records evidence that marks every current condition met."""
    for condition in world.contract.current_conditions:
        db.session.add(
            ConditionEvidence(
                condition_id=condition.id,
                note="Evidence seen by the keyworker",
                marks_met=True,
                recorded_by_id=world.keyworker.id,
            )
        )
    db.session.commit()


def headers_for(user) -> dict:
    return api_headers(issue_token(user, days=1).secret)
