"""What the victim liaison pages read: the redacted view, the victims' own details,
their consultations and ending surveys.

Each function checks access through ``app.victims.policy`` (a missing, out-of-scope or
victimless case is "not found"; partners and administrators are refused) and audits
every read of victims' personal data, in its own transaction. The view itself is built
by ``app.victims.redacted``; the victims' contact details are read here, separately, and
never enter the view or the API.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from app.audit import services as audit
from app.auth.models import User
from app.cases.models import Case, CaseStatus
from app.extensions import db
from app.outcomes.models import Survey
from app.victims import policy
from app.victims.liaison import can_consult
from app.victims.models import Victim, VictimConsultation
from app.victims.redacted import VictimUpdateView, build_view
from app.victims.vocabulary import contact_label, frequency_label


@dataclass(frozen=True)
class VictimRecord:
    """A victim's own details (personal data: reads are audited)."""

    id: uuid.UUID
    name: str
    email: str | None
    phone: str | None
    address: str | None
    preferred_contact: str | None
    enhanced_rights: bool
    wants_updates: bool
    update_frequency: str | None

    @property
    def preferred_contact_label(self) -> str:
        return contact_label(self.preferred_contact)

    @property
    def frequency_label(self) -> str:
        if not self.wants_updates:
            return "No updates wanted"
        if not self.update_frequency:
            return "Wanted (how often not recorded)"
        return frequency_label(self.update_frequency)


@dataclass(frozen=True)
class ConsultationEntry:
    id: uuid.UUID
    victim_id: uuid.UUID
    consulted_on: date
    views: str
    requested_actions: str | None
    not_included_reason: str | None
    recorded_by: str
    recorded_at: datetime


@dataclass(frozen=True)
class SurveyEntry:
    victim_id: uuid.UUID | None
    satisfaction: int
    kept_informed: int | None
    comments: str | None
    recorded_by: str
    recorded_at: datetime


@dataclass(frozen=True)
class VictimPage:
    view: VictimUpdateView
    victims: list[VictimRecord]
    consultations: list[ConsultationEntry]
    surveys: list[SurveyEntry]
    can_consult: bool

    @property
    def victim_names(self) -> dict[uuid.UUID, str]:
        return {victim.id: victim.name for victim in self.victims}

    @property
    def dues(self) -> dict:
        return {victim.id: victim for victim in self.view.victims}

    @property
    def surveyed(self) -> set[uuid.UUID | None]:
        return {survey.victim_id for survey in self.surveys}

    @property
    def survey_pending(self) -> bool:
        return self.view.closed and any(v.id not in self.surveyed for v in self.victims)


def _victim_records(case_id: uuid.UUID) -> list[VictimRecord]:
    rows = db.session.execute(
        select(
            Victim.id,
            Victim.name,
            Victim.email,
            Victim.phone,
            Victim.address,
            Victim.preferred_contact,
            Victim.enhanced_rights,
            Victim.wants_updates,
            Victim.update_frequency,
        )
        .where(Victim.case_id == case_id)
        .order_by(Victim.created_at, Victim.id)
    ).all()
    return [
        VictimRecord(
            id=row.id,
            name=row.name,
            email=row.email,
            phone=row.phone,
            address=row.address,
            preferred_contact=row.preferred_contact,
            enhanced_rights=bool(row.enhanced_rights),
            wants_updates=bool(row.wants_updates),
            update_frequency=row.update_frequency,
        )
        for row in rows
    ]


def _audit_victims_read(actor, victims: list[VictimRecord], purpose: str) -> None:
    for victim in victims:
        audit.record(
            "victim.viewed", "victim", victim.id, actor=actor, details={"purpose": purpose}
        )


def _consultations(case_id: uuid.UUID) -> list[ConsultationEntry]:
    rows = db.session.execute(
        select(VictimConsultation, User.name)
        .join(User, User.id == VictimConsultation.recorded_by_id)
        .where(VictimConsultation.case_id == case_id)
        .order_by(VictimConsultation.consulted_on.desc(), VictimConsultation.recorded_at.desc())
    ).all()
    return [
        ConsultationEntry(
            id=c.id,
            victim_id=c.victim_id,
            consulted_on=c.consulted_on,
            views=c.views,
            requested_actions=c.requested_actions,
            not_included_reason=c.not_included_reason,
            recorded_by=name,
            recorded_at=c.recorded_at,
        )
        for c, name in rows
    ]


def _surveys(case_id: uuid.UUID) -> list[SurveyEntry]:
    rows = db.session.execute(
        select(
            Survey.victim_id,
            Survey.satisfaction,
            Survey.kept_informed,
            Survey.comments,
            Survey.recorded_at,
            User.name,
        )
        .join(User, User.id == Survey.recorded_by_id)
        .where(Survey.case_id == case_id, Survey.respondent == "victim")
        .order_by(Survey.recorded_at)
    ).all()
    return [
        SurveyEntry(
            victim_id=row.victim_id,
            satisfaction=row.satisfaction,
            kept_informed=row.kept_informed,
            comments=row.comments,
            recorded_by=row.name,
            recorded_at=row.recorded_at,
        )
        for row in rows
    ]


def _status(case_id: uuid.UUID) -> CaseStatus:
    return CaseStatus(db.session.scalar(select(Case.status).where(Case.id == case_id)))


def read_view(actor, case_id: uuid.UUID, *, purpose: str = "api_victim_update") -> VictimUpdateView:
    """The redacted victim-update view of a case: policy-checked and audited."""
    policy.check_case(actor, case_id)
    view = build_view(case_id)
    audit.record("victim_update.viewed", "case", case_id, actor=actor, details={"purpose": purpose})
    db.session.commit()
    return view


def victim_page(actor, case_id: uuid.UUID) -> VictimPage:
    """Everything the victim-update page shows: the redacted view, the victims' own
    details, their consultations and ending surveys. Policy-checked and audited."""
    policy.check_case(actor, case_id)
    view = build_view(case_id)
    victims = _victim_records(case_id)
    page = VictimPage(
        view=view,
        victims=victims,
        consultations=_consultations(case_id),
        surveys=_surveys(case_id),
        can_consult=can_consult(_status(case_id)),
    )
    audit.record(
        "victim_update.viewed", "case", case_id, actor=actor, details={"purpose": "victim_page"}
    )
    _audit_victims_read(actor, victims, "victim_page")
    db.session.commit()
    return page


def victims_of(actor, case_id: uuid.UUID, *, purpose: str) -> list[VictimRecord]:
    """The victims of a case (for a form's choices): policy-checked and audited."""
    policy.check_case(actor, case_id)
    victims = _victim_records(case_id)
    _audit_victims_read(actor, victims, purpose)
    db.session.commit()
    return victims


def case_reference(actor, case_id: uuid.UUID) -> tuple[str, CaseStatus]:
    """The crime reference and status of a case (for a form's heading)."""
    policy.check_case(actor, case_id)
    row = db.session.execute(
        select(Case.crime_reference, Case.status).where(Case.id == case_id)
    ).one()
    return row.crime_reference, CaseStatus(row.status)


def victim_record(
    actor, victim_id: uuid.UUID, *, purpose: str
) -> tuple[VictimRecord, uuid.UUID, str]:
    """One victim's details, their case's id and crime reference: checked and audited."""
    victim = policy.get_victim_for(actor, victim_id)
    case_id = victim.case_id
    record = next(r for r in _victim_records(case_id) if r.id == victim.id)
    reference = db.session.scalar(select(Case.crime_reference).where(Case.id == case_id))
    _audit_victims_read(actor, [record], purpose)
    db.session.commit()
    return record, case_id, reference
