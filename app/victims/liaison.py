"""Victim liaison use-cases that change something: record the victim's consultation,
their update preferences, each update given, and their ending survey.

Each public function owns its transaction (one commit). It checks access through
``app.victims.policy`` (a missing, out-of-scope or victimless case is "not found"),
raises a domain error before anything is written when the input breaks a rule, and
records an audit entry for every change. Consultations, updates, preference changes
and surveys also go on the case timeline, in words that carry no personal data.

Rules decided here:

* A consultation is about the contract, so it is recorded while the case is eligible,
  allocated or active; the date consulted cannot be in the future, before the offence,
  or (once a contract exists) after the date the contract was agreed.
* An update may be recorded at any stage, for one victim or (``victim_id`` None) for all
  the victims of the case. Its time cannot be in the future (a minute's grace for
  clocks) or before the date of the offence.
* A victim who wants updates says how often; one who wants none has no frequency, and
  is never listed as due an update.
* The ending survey is taken once per victim, when the case has closed.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import lazyload

from app.audit import services as audit
from app.cases.models import Case, CaseStatus
from app.cases.timeline import add_event
from app.contracts.models import Contract
from app.database import utcnow
from app.dates import today_in_london
from app.errors import Conflict, InvalidInput
from app.extensions import db
from app.outcomes import surveys
from app.outcomes.models import Survey
from app.victims import policy
from app.victims.models import ContactMethod, Victim, VictimConsultation, VictimUpdate
from app.victims.redacted import CLOSED
from app.victims.vocabulary import (
    CONSULTABLE,
    CONTACT_METHODS,
    FREQUENCIES,
    TEXT_MAX,
)

CLOCK_GRACE = timedelta(minutes=1)


def _case_for_event(case_id: uuid.UUID) -> Case:
    """The case row, for its timeline (the person is not loaded)."""
    return db.session.scalar(select(Case).where(Case.id == case_id).options(lazyload(Case.person)))


def _victim_of_case(case_id: uuid.UUID, victim_id) -> Victim | None:
    if victim_id is None:
        return None
    return db.session.scalar(
        select(Victim).where(Victim.id == victim_id, Victim.case_id == case_id)
    )


def _text(value) -> str | None:
    if not isinstance(value, str):
        return None
    return value.strip() or None


@dataclass
class ConsultationDetails:
    victim_id: uuid.UUID | None = None
    consulted_on: date | None = None
    views: str | None = None
    requested_actions: str | None = None
    not_included_reason: str | None = None


def can_consult(case_status: str) -> bool:
    """A victim is consulted before the contract is set: while the case is eligible,
    allocated or active."""
    return CaseStatus(case_status) in CONSULTABLE


def survey_is_taken(case_status: str) -> bool:
    """A victim's ending survey is taken once the case has closed."""
    return CaseStatus(case_status) in CLOSED


def record_consultation(
    actor, case_id: uuid.UUID, details: ConsultationDetails
) -> VictimConsultation:
    """Record that a victim was consulted before the contract: their views, what they
    asked for, and why anything they asked for is not in the contract."""
    policy.check_case(actor, case_id)
    case = _case_for_event(case_id)
    if not can_consult(case.status):
        raise Conflict(
            "A victim is consulted before the contract: this case is "
            f"{CaseStatus(case.status).label.lower()}"
        )
    errors: dict[str, str] = {}
    victim = _victim_of_case(case_id, details.victim_id)
    if victim is None:
        errors["victim_id"] = "Select the victim who was consulted"
    today = today_in_london()
    consulted_on = details.consulted_on
    agreed_on = db.session.scalar(select(Contract.agreed_on).where(Contract.case_id == case_id))
    if not isinstance(consulted_on, date) or isinstance(consulted_on, datetime):
        errors["consulted_on"] = "Enter the date the victim was consulted"
    elif consulted_on > today:
        errors["consulted_on"] = "Date consulted must be today or in the past"
    elif consulted_on < case.offence_committed_on:
        errors["consulted_on"] = "Date consulted must be on or after the date of the offence"
    elif agreed_on is not None and consulted_on > agreed_on:
        errors["consulted_on"] = (
            "Date consulted must be on or before the date the contract was agreed, "
            f"{agreed_on.day} {agreed_on:%B %Y}"
        )
    views = _text(details.views)
    requested = _text(details.requested_actions)
    reason = _text(details.not_included_reason)
    if views is None:
        errors["views"] = "Enter the victim's views"
    for name, value, label in (
        ("views", views, "The victim's views"),
        ("requested_actions", requested, "What the victim asked for"),
        ("not_included_reason", reason, "The reason"),
    ):
        if value is not None and len(value) > TEXT_MAX:
            errors[name] = f"{label} must be {TEXT_MAX} characters or fewer"
    if reason is not None and requested is None:
        errors.setdefault(
            "requested_actions",
            "Enter what the victim asked for, or leave the reason it is not included empty",
        )
    if errors:
        db.session.rollback()
        raise InvalidInput(errors, "The consultation details are not valid")

    consultation = VictimConsultation(
        case_id=case_id,
        victim_id=victim.id,
        consulted_on=consulted_on,
        views=views,
        requested_actions=requested,
        not_included_reason=reason,
        recorded_by_id=actor.id,
    )
    db.session.add(consultation)
    db.session.flush()
    audit.record(
        "victim.consulted",
        "victim_consultation",
        consultation.id,
        actor=actor,
        details={
            "case_id": str(case_id),
            "victim_id": str(victim.id),
            "fields": [
                name
                for name, value in (
                    ("views", views),
                    ("requested_actions", requested),
                    ("not_included_reason", reason),
                )
                if value is not None
            ],
        },
    )
    summary = "Victim consulted before the contract: views recorded"
    if requested:
        summary += ", with the restorative or reparative action they asked for"
    if reason:
        summary += " and why some of it is not included"
    add_event(case, "victim.consulted", summary, actor=actor)
    db.session.commit()
    return consultation


def change_preferences(
    actor,
    victim_id: uuid.UUID,
    *,
    wants_updates,
    update_frequency: str | None = None,
    preferred_contact: str | None = None,
) -> Victim:
    """Record whether the victim wants updates, how often, and how to contact them."""
    victim = policy.get_victim_for(actor, victim_id)
    errors: dict[str, str] = {}
    if not isinstance(wants_updates, bool):
        errors["wants_updates"] = "Select whether the victim wants updates"
    frequency = _text(update_frequency)
    if wants_updates is True:
        if frequency not in FREQUENCIES:
            errors["update_frequency"] = "Select how often the victim wants updates"
    else:
        frequency = None
    method = _text(preferred_contact)
    if method is not None:
        if method not in CONTACT_METHODS:
            errors["preferred_contact"] = "Select how the victim prefers to be contacted"
        elif method == ContactMethod.EMAIL and not victim.email:
            errors["preferred_contact"] = "The victim has no email address: choose another way"
        elif method == ContactMethod.PHONE and not victim.phone:
            errors["preferred_contact"] = "The victim has no phone number: choose another way"
        elif method == ContactMethod.POST and not victim.address:
            errors["preferred_contact"] = "The victim has no postal address: choose another way"
    if errors:
        db.session.rollback()
        raise InvalidInput(errors, "The update preferences are not valid")

    changed = [
        name
        for name, value in (
            ("wants_updates", wants_updates),
            ("update_frequency", frequency),
            ("preferred_contact", method),
        )
        if getattr(victim, name) != value
    ]
    if not changed:
        db.session.rollback()
        return victim
    victim.wants_updates = wants_updates
    victim.update_frequency = frequency
    victim.preferred_contact = method
    audit.record(
        "victim.preferences_changed",
        "victim",
        victim.id,
        actor=actor,
        details={"case_id": str(victim.case_id), "changed": changed},
    )
    case = _case_for_event(victim.case_id)
    if wants_updates:
        summary = f"Victim's update preferences changed: {FREQUENCIES[frequency].lower()}"
    else:
        summary = "Victim's update preferences changed: they want no updates"
    add_event(case, "victim.preferences_changed", summary, actor=actor)
    db.session.commit()
    return victim


def record_update(
    actor,
    case_id: uuid.UUID,
    *,
    method: str | None,
    summary: str | None,
    victim_id: uuid.UUID | None = None,
    given_at: datetime | None = None,
) -> VictimUpdate:
    """Record an update given to a victim (or, with no ``victim_id``, to all of them)."""
    policy.check_case(actor, case_id)
    case = _case_for_event(case_id)
    errors: dict[str, str] = {}
    if method not in CONTACT_METHODS:
        errors["method"] = "Select how the victim was told"
    text = _text(summary)
    if text is None:
        errors["summary"] = "Enter what the victim was told"
    elif len(text) > TEXT_MAX:
        errors["summary"] = f"What the victim was told must be {TEXT_MAX} characters or fewer"
    victim = _victim_of_case(case_id, victim_id)
    if victim_id is not None and victim is None:
        errors["victim_id"] = "Select a victim of this case"
    now = utcnow()
    if given_at is None:
        given_at = now
    elif not isinstance(given_at, datetime) or given_at.tzinfo is None:
        errors["given_at"] = "Enter when the update was given"
    elif given_at > now + CLOCK_GRACE:
        errors["given_at"] = "The update must have been given in the past"
    elif today_in_london(given_at) < case.offence_committed_on:
        errors["given_at"] = "The update must have been given after the offence"
    if errors:
        db.session.rollback()
        raise InvalidInput(errors, "The update details are not valid")

    update = VictimUpdate(
        case_id=case_id,
        victim_id=victim.id if victim else None,
        method=method,
        summary=text,
        given_at=given_at,
        given_by_id=actor.id,
    )
    db.session.add(update)
    db.session.flush()
    audit.record(
        "victim.update_recorded",
        "victim_update",
        update.id,
        actor=actor,
        details={
            "case_id": str(case_id),
            "victim_id": str(victim.id) if victim else None,
            "method": method,
        },
    )
    who = "Victim" if victim else "All victims"
    add_event(
        case,
        "victim.updated",
        f"{who} given an update ({ContactMethod(method).label.lower()})",
        actor=actor,
    )
    db.session.commit()
    return update


def record_survey(
    actor,
    case_id: uuid.UUID,
    *,
    victim_id: uuid.UUID | None,
    satisfaction,
    kept_informed,
    comments: str | None = None,
) -> Survey:
    """Record a victim's ending survey at the close of the case (once per victim)."""
    policy.check_case(actor, case_id)
    case = _case_for_event(case_id)
    if not survey_is_taken(case.status):
        raise Conflict("The victim's ending survey is taken when the case has closed")
    errors: dict[str, str] = {}
    victim = _victim_of_case(case_id, victim_id)
    if victim is None:
        errors["victim_id"] = "Select the victim who answered the survey"
    elif db.session.scalar(
        select(Survey.id).where(Survey.case_id == case_id, Survey.victim_id == victim.id)
    ):
        raise Conflict("This victim's ending survey has already been recorded")
    return surveys.record(
        actor,
        case,
        surveys.VICTIM,
        {"satisfaction": satisfaction, "kept_informed": kept_informed},
        comments,
        victim_id=victim.id if victim else None,
        errors=errors,
    )
