"""Everything the hub holds about one victim: their details and preferences, the case as
the victim-update view shows it (``app.victims.redacted``, so nothing more of the person
responsible than victims are told), their consultations, the updates given to them (or
to all the case's victims) and their ending survey. Other victims of the same case are
left out, as is everything the victim view leaves out."""

from __future__ import annotations

from sqlalchemy import or_, select

from app.extensions import db
from app.outcomes.models import Survey
from app.subject_access.records import Section, record, section
from app.victims.models import Victim, VictimConsultation, VictimUpdate
from app.victims.redacted import build_view
from app.victims.vocabulary import contact_label

WITHHELD = [
    "About the person responsible: only what victims are told (the victim-update view).",
    "Other victims of the same offence: their details, views and updates.",
]


def _method(value: str | None) -> str | None:
    return contact_label(value) if value else None


def victim_sections(victim: Victim) -> list[Section]:
    view = build_view(victim.case_id)
    consultations = db.session.scalars(
        select(VictimConsultation)
        .where(VictimConsultation.victim_id == victim.id)
        .order_by(VictimConsultation.consulted_on)
    ).all()
    updates = db.session.scalars(
        select(VictimUpdate)
        .where(
            VictimUpdate.case_id == victim.case_id,
            or_(VictimUpdate.victim_id == victim.id, VictimUpdate.victim_id.is_(None)),
        )
        .order_by(VictimUpdate.given_at)
    ).all()
    surveys = db.session.scalars(
        select(Survey).where(Survey.respondent == "victim", Survey.victim_id == victim.id)
    ).all()
    return [
        section(
            "victim",
            "Your details",
            [
                record(
                    ("name", "Name", victim.name),
                    ("email", "Email", victim.email),
                    ("phone", "Phone", victim.phone),
                    ("address", "Address", victim.address),
                    (
                        "preferred_contact",
                        "How you prefer to be contacted",
                        _method(victim.preferred_contact),
                    ),
                    (
                        "enhanced_rights",
                        "Enhanced rights under the Victims' Code",
                        victim.enhanced_rights,
                    ),
                    ("wants_updates", "Wants updates", victim.wants_updates),
                    ("update_frequency", "How often", victim.update_frequency),
                    ("recorded_at", "Recorded", victim.created_at),
                )
            ],
        ),
        section(
            "case",
            "The case, as victims are told about it",
            [
                record(
                    ("crime_reference", "Crime reference", view.crime_reference),
                    ("stage", "Stage", view.stage_text),
                    ("contract_start", "Contract start", view.contract_start),
                    ("contract_end", "Contract end", view.contract_end),
                    ("progress", "Progress", view.overall_label),
                    ("outcome", "Outcome", view.outcome_text),
                    ("outcome_decided_on", "Outcome decided", view.outcome_decided_on),
                )
            ],
        ),
        section(
            "conditions",
            "Conditions that concern you",
            (
                record(
                    ("type", "Type", c.type_label),
                    ("description", "Condition", c.description),
                    ("status", "Status", c.status_label),
                )
                for c in view.conditions
            ),
        ),
        section(
            "consultations",
            "Your views before the contract",
            (
                record(
                    ("consulted_on", "When", c.consulted_on),
                    ("views", "Your views", c.views),
                    ("requested_actions", "What you asked for", c.requested_actions),
                    (
                        "not_included_reason",
                        "Why some of it was not included",
                        c.not_included_reason,
                    ),
                )
                for c in consultations
            ),
        ),
        section(
            "updates",
            "Updates you were given",
            (
                record(
                    ("given_at", "When", u.given_at),
                    ("method", "How", _method(u.method)),
                    ("summary", "What you were told", u.summary),
                )
                for u in updates
            ),
        ),
        section(
            "ending_survey",
            "Your ending survey",
            (
                record(
                    ("satisfaction", "Satisfied with the outcome (1 to 5)", s.satisfaction),
                    (
                        "kept_informed",
                        "Satisfied with being kept informed (1 to 5)",
                        s.kept_informed,
                    ),
                    ("comments", "Comments", s.comments),
                    ("recorded_at", "Recorded", s.recorded_at),
                )
                for s in surveys
            ),
        ),
    ]
