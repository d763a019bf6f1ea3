"""Everything the hub holds about the person on one case, gathered section by section,
each with one query (the number of queries does not grow with the record).

Victims' details, views, updates and surveys are third-party personal data and are left
out (``WITHHELD``), as are other people named nowhere but in free text, which the
supervisor checks before release.
"""

from __future__ import annotations

import uuid

from sqlalchemy import select

from app.cases.models import Case, CaseAllocation, CaseEvent, Ethnicity, OffenceClass, Sex
from app.consent.models import Consent
from app.extensions import db
from app.referrals.models import Referral
from app.referrals.reference import reference
from app.subject_access import work
from app.subject_access.records import Section, record, section
from app.subject_access.work import categories

WITHHELD = [
    "The victims' details, their views, the updates they were given and their surveys: "
    "personal data of other people.",
]


def _name(user) -> str | None:
    return user.name if user is not None else None


def person_sections(case: Case) -> list[Section]:
    referrals = db.session.scalars(
        select(Referral).where(Referral.case_id == case.id).order_by(Referral.sent_at)
    ).all()
    refs = {r.id: (reference(r.id), r.organisation.name) for r in referrals}
    return [
        _person(case),
        _case(case),
        section(
            "allocations",
            "Keyworkers",
            (
                record(
                    ("keyworker", "Keyworker", _name(a.keyworker)),
                    ("allocated_by", "Allocated by", _name(a.allocated_by)),
                    ("allocated_at", "When", a.allocated_at),
                    ("reason", "Reason", a.reason),
                )
                for a in db.session.scalars(
                    select(CaseAllocation)
                    .where(CaseAllocation.case_id == case.id)
                    .order_by(CaseAllocation.allocated_at)
                )
            ),
        ),
        _consents(case.id),
        *work.contract(case.id),
        *work.referrals(referrals, refs),
        *work.appointments(case.id, refs),
        *work.compliance(case.id),
        *work.assessments(case.id),
        *work.outcome(case.id),
        section(
            "timeline",
            "Timeline",
            (
                record(("occurred_at", "When", e.occurred_at), ("summary", "What", e.summary))
                for e in db.session.scalars(
                    select(CaseEvent)
                    .where(CaseEvent.case_id == case.id)
                    .order_by(CaseEvent.occurred_at, CaseEvent.id)
                )
            ),
        ),
    ]


def _person(case: Case) -> Section:
    p = case.person
    return section(
        "person",
        "Personal details",
        [
            record(
                ("given_name", "Given name", p.given_name),
                ("family_name", "Family name", p.family_name),
                ("date_of_birth", "Date of birth", p.date_of_birth),
                ("address", "Address", p.address),
                ("postcode", "Postcode", p.postcode),
                ("email", "Email", p.email),
                ("phone", "Phone", p.phone),
                ("lives_in_force_area", "Lives in the force area", p.lives_in_force_area),
                ("gender", "Gender", p.gender),
                ("sex", "Sex", Sex(p.sex).label),
                ("ethnicity", "Ethnic group", Ethnicity(p.ethnicity).label),
                ("recorded_at", "Recorded", p.created_at),
            )
        ],
    )


def _case(case: Case) -> Section:
    return section(
        "case",
        "The case",
        [
            record(
                ("crime_reference", "Crime reference", case.crime_reference),
                ("status", "Status", case.status_enum.label),
                ("offence", "Offence", case.offence_description),
                ("offence_class", "Class of offence", OffenceClass(case.offence_class).label),
                ("offence_committed_on", "Date of the offence", case.offence_committed_on),
                ("offence_in_force_area", "In the force area", case.offence_in_force_area),
                ("accepts_responsibility", "Accepts responsibility", case.accepts_responsibility),
                ("agrees_to_participate", "Agrees to take part", case.agrees_to_participate),
                ("has_dvpn_or_dvpo", "Has a DVPN or DVPO", case.has_dvpn_or_dvpo),
                ("on_court_order", "On a court order or sentence", case.on_court_order_or_sentence),
                ("on_prison_licence", "On prison licence", case.on_prison_licence),
                (
                    "on_bail",
                    "On bail or RUI for another offence",
                    case.on_bail_or_rui_other_offence,
                ),
                (
                    "offended_recently",
                    "Offended in the last two years",
                    case.offended_in_last_two_years,
                ),
                ("eligibility_failed", "Eligibility rules not met", case.eligibility_failed),
                ("outcome_code", "Outcome code", case.outcome_code),
                ("outcome_decided_at", "Outcome decided", case.outcome_decided_at),
                ("keyworker", "Keyworker", _name(case.keyworker)),
                ("referred_at", "Referred into the team", case.created_at),
            )
        ],
    )


def _consents(case_id: uuid.UUID) -> Section:
    consents = db.session.scalars(
        select(Consent).where(Consent.case_id == case_id).order_by(Consent.given_at)
    )
    return section(
        "consents",
        "Consents to share information",
        (
            record(
                ("organisation", "Organisation", c.organisation.name),
                ("categories", "What may be shared", categories(c.categories)),
                ("method", "How it was given", c.method.capitalize()),
                ("notice_version", "Privacy notice", c.notice_version),
                ("given_at", "Given", c.given_at),
                ("expires_at", "Expires", c.expires_at),
                ("withdrawn_at", "Withdrawn", c.withdrawn_at),
                ("withdrawal_reason", "Reason for withdrawal", c.withdrawal_reason),
            )
            for c in consents
        ),
    )
