"""Case use-cases: read a case, record one at intake, allocate it. Each public function
owns its transaction. Caseload lists live in ``app.cases.caseload``."""

from __future__ import annotations

import uuid

from flask import current_app
from sqlalchemy import and_, select

from app.audit import services as audit
from app.auth.models import User
from app.auth.roles import Role
from app.cases.eligibility import DEFAULT_MINIMUM_AGE, assess
from app.cases.intake import Intake, check_intake
from app.cases.models import CLOSED_STATUSES, Case, CaseAllocation, CaseStatus, Person
from app.cases.policy import get_case_for
from app.cases.timeline import add_event
from app.dates import today_in_london
from app.errors import Conflict, Forbidden, InvalidInput, StaleVersion
from app.extensions import db
from app.victims.services import add_victims

REASON_MAX = 1000


def view_case(user, case_id: uuid.UUID, *, purpose: str) -> Case:
    """Read a case (personal data) for ``user``: policy-checked and audited.

    ``purpose`` names the page or API resource that shows it (e.g. "case_page",
    "consent_list"), so the audit log says what was seen.
    """
    case = get_case_for(user, case_id)
    audit.record("case.viewed", "case", case.id, actor=user, details={"purpose": purpose})
    db.session.commit()
    return case


def minimum_age() -> int:
    """The minimum age on the offence date (the ``MINIMUM_AGE`` setting, default 18)."""
    return int(current_app.config.get("MINIMUM_AGE", DEFAULT_MINIMUM_AGE))


def _can_record(actor) -> bool:
    return actor is not None and actor.role in {Role.KEYWORKER, Role.SUPERVISOR}


def check_case_intake(intake: Intake) -> dict[str, str]:
    """Every field error of ``intake`` (empty when it can be recorded); writes nothing."""
    return check_intake(intake, today_in_london())[1]


def record_case(actor, intake: Intake) -> Case:
    """Record a case from intake: the person, the offence, the eligibility answers and
    the victims. Eligibility is decided by the rule table; an ineligible case is kept.
    A keyworker who records a case is allocated to it."""
    if not _can_record(actor):
        raise Forbidden("Only keyworkers and supervisors record cases")
    intake, errors = check_intake(intake, today_in_london())
    if errors:
        raise InvalidInput(errors)
    result = assess(intake.facts(), minimum_age())
    person = Person(
        given_name=intake.given_name,
        family_name=intake.family_name,
        date_of_birth=intake.date_of_birth,
        address=intake.address,
        postcode=intake.postcode,
        email=intake.email,
        phone=intake.phone,
        lives_in_force_area=intake.lives_in_force_area,
        gender=intake.gender,
        sex=intake.sex,
        ethnicity=intake.ethnicity,
    )
    keyworker_id = actor.id if actor.role == Role.KEYWORKER else None
    case = Case(
        crime_reference=intake.crime_reference,
        person=person,
        keyworker_id=keyworker_id,
        status=(CaseStatus.ELIGIBLE if result.eligible else CaseStatus.INELIGIBLE).value,
        offence_description=intake.offence_description,
        offence_class=intake.offence_class,
        offence_committed_on=intake.offence_committed_on,
        offence_in_force_area=intake.offence_in_force_area,
        accepts_responsibility=intake.accepts_responsibility,
        agrees_to_participate=intake.agrees_to_participate,
        has_dvpn_or_dvpo=intake.has_dvpn_or_dvpo,
        on_court_order_or_sentence=intake.on_court_order_or_sentence,
        on_prison_licence=intake.on_prison_licence,
        on_bail_or_rui_other_offence=intake.on_bail_or_rui_other_offence,
        offended_in_last_two_years=intake.offended_in_last_two_years,
        eligibility_failed=result.codes,
        created_by_id=actor.id,
    )
    db.session.add(case)
    db.session.flush()
    victims = add_victims(case, intake.victims, actor=actor)
    audit.record(
        "case.created",
        "case",
        case.id,
        actor=actor,
        details={
            "person_id": str(person.id),
            "status": case.status,
            "eligibility_failed": result.codes,
            "victims": len(victims),
        },
    )
    if result.eligible:
        summary = "Case recorded: eligible for deferred prosecution"
    else:
        count = len(result.codes)
        summary = (
            f"Case recorded: not eligible ({count} eligibility rule{'s' if count != 1 else ''} "
            "failed). The case can go no further"
        )
    add_event(case, "case.created", summary, actor=actor)
    if keyworker_id is not None:
        db.session.add(
            CaseAllocation(
                case_id=case.id,
                keyworker_id=keyworker_id,
                allocated_by_id=actor.id,
                reason="Recorded the case",
            )
        )
        audit.record(
            "case.allocated",
            "case",
            case.id,
            actor=actor,
            reason="Recorded the case",
            details={"keyworker_id": str(keyworker_id), "previous_keyworker_id": None},
        )
        add_event(
            case, "case.allocated", f"Allocated to {actor.name}, who recorded it", actor=actor
        )
    db.session.commit()
    return case


def _is_active_keyworker():
    return and_(User.role == Role.KEYWORKER.value, User.active.is_(True))


def active_keyworkers() -> list[User]:
    return list(
        db.session.scalars(select(User).where(_is_active_keyworker()).order_by(User.name, User.id))
    )


def active_keyworker_names() -> list[tuple[uuid.UUID, str]]:
    """(id, name) of each active keyworker: for lists that need no more of them."""
    return [
        tuple(row)
        for row in db.session.execute(select(User.id, User.name).where(_is_active_keyworker()))
    ]


def allocation_refusal(case: Case) -> Conflict | None:
    """Why ``case`` cannot be allocated (or reallocated) now, or None if it can."""
    if case.status == CaseStatus.INELIGIBLE:
        return Conflict("This case is not eligible, so it cannot be allocated")
    if case.status in CLOSED_STATUSES:
        return Conflict("This case is closed, so it cannot be allocated")
    return None


def allocate(
    actor,
    case_id: uuid.UUID,
    keyworker_id: uuid.UUID | None,
    reason: str | None = None,
    *,
    version: int | None = None,
) -> Case:
    """Allocate a case to a keyworker (supervisors only). Reallocation needs a reason;
    every allocation is kept as history and audited with its reason."""
    if actor is None or actor.role != Role.SUPERVISOR:
        raise Forbidden("Only supervisors allocate cases")
    case = get_case_for(actor, case_id, for_update=True)
    if version is not None and version != case.version:
        raise StaleVersion("The case changed since you read it. Read it again")
    refused = allocation_refusal(case)
    if refused is not None:
        raise refused
    reason = (reason or "").strip() or None
    errors: dict[str, str] = {}
    keyworker = db.session.get(User, keyworker_id) if keyworker_id else None
    if keyworker is None or keyworker.role != Role.KEYWORKER or not keyworker.active:
        errors["keyworker_id"] = "Select an active keyworker"
    elif keyworker.id == case.keyworker_id:
        errors["keyworker_id"] = "The case is already allocated to this keyworker"
    if reason is None and case.keyworker_id is not None:
        errors["reason"] = "Enter the reason for reallocating the case"
    elif reason is not None and len(reason) > REASON_MAX:
        errors["reason"] = f"Reason must be {REASON_MAX} characters or fewer"
    if errors:
        raise InvalidInput(errors)
    previous = case.keyworker
    case.keyworker_id = keyworker.id
    if case.status == CaseStatus.ELIGIBLE:
        case.status = CaseStatus.ALLOCATED.value
    db.session.add(
        CaseAllocation(
            case_id=case.id, keyworker_id=keyworker.id, allocated_by_id=actor.id, reason=reason
        )
    )
    audit.record(
        "case.reallocated" if previous else "case.allocated",
        "case",
        case.id,
        actor=actor,
        reason=reason,
        details={
            "keyworker_id": str(keyworker.id),
            "previous_keyworker_id": str(previous.id) if previous else None,
        },
    )
    if previous:
        add_event(
            case,
            "case.reallocated",
            f"Reallocated from {previous.name} to {keyworker.name}",
            actor=actor,
        )
    else:
        add_event(case, "case.allocated", f"Allocated to {keyworker.name}", actor=actor)
    db.session.commit()
    return case


def allocations_for(case: Case) -> list[CaseAllocation]:
    """The case's allocation history, newest first."""
    return list(
        db.session.scalars(
            select(CaseAllocation)
            .where(CaseAllocation.case_id == case.id)
            .order_by(CaseAllocation.allocated_at.desc(), CaseAllocation.id)
        )
    )
