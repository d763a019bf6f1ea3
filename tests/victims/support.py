"""Test data for the victim liaison tests.

``planted_case(stage)`` builds a case at one stage of its life with an unmistakable
string in every field that must never reach the victim-update view: the person's
contact details, the needs assessment, consents to share health and substance use,
a partner organisation with its service types, a referral, appointments and attendance,
condition evidence, compliance concerns, outcome proposals, rehabilitative and
non-victim restrictive conditions, and staff timeline entries. It also plants the
conditions the victim may be told about, whose text must appear.
"""

from __future__ import annotations

import html
import itertools
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from app.assessments.models import AssessmentStage, NeedDomain, NeedsAssessment, NeedScore
from app.auth.roles import Role
from app.auth.tokens import issue_token
from app.cases.models import Case, CaseEvent, CaseStatus
from app.consent.models import ConsentCategory
from app.contracts.models import Condition, ConditionType
from app.database import utcnow
from app.dates import today_in_london
from app.evidence.models import (
    Appointment,
    AttendanceRecord,
    ComplianceConcern,
    ComplianceDecision,
    ConditionEvidence,
)
from app.extensions import db
from app.outcomes.models import OutcomeProposal
from app.partners.models import ServiceType
from app.referrals.models import Referral, ReferralUpdate, referral_conditions
from app.victims.models import Victim
from tests import factories
from tests.helpers import api_headers, sign_in

PERSON_PHONE = "07700 900999"
PERSON_EMAIL = "planted.person@example.org"
PERSON_POSTCODE = "ZZ9 9ZZ"
PARTNER_SERVICE_TYPES = [ServiceType.SUBSTANCE_MISUSE.value, ServiceType.MENTAL_HEALTH.value]

ALLOWED_CONDITIONS = {
    "restorative": "Write a letter of apology to the shop owner",
    "reparative": "Pay 60 pounds compensation for the damaged window",
    "restrictive": "Do not contact the victim or go to their workplace",
}

# Every string that must never reach the victim's side (page HTML or API JSON).
FORBIDDEN = [
    "PLANTED-PERSON-GIVEN",
    "PLANTED-PERSON-FAMILY",
    "PLANTED-PERSON-ADDRESS",
    PERSON_PHONE,
    PERSON_EMAIL,
    PERSON_POSTCODE,
    "PLANTED-OFFENCE-DETAIL",
    "PLANTED-NEEDS-NOTE",
    "PLANTED-HEALTH",
    "PLANTED-SUBSTANCE",
    "PLANTED-HOUSING",
    "PLANTED-FINANCES",
    "PLANTED-PREVIOUS-OFFENDING",
    "PLANTED-OFFENCE-CONTEXT",
    "PLANTED-GOALS",
    "PLANTED-STRENGTHS",
    "PLANTED-PARTNER-NAME",
    "PLANTED-PARTNER-CONTACT",
    "planted.partner@example.org",
    "07700 900888",
    "PLANTED-PARTNER-DESCRIPTION",
    "PLANTED-REHAB-CONDITION",
    "PLANTED-REHAB-VICTIM-FLAGGED",
    "PLANTED-RESTRICTIVE-OTHER",
    "PLANTED-REFERRAL-NEED",
    "PLANTED-REFERRAL-MESSAGE",
    "PLANTED-REFERRAL-UPDATE",
    "PLANTED-DECLINE-DETAILS",
    "PLANTED-APPOINTMENT-LOCATION",
    "PLANTED-ATTENDANCE-NOTE",
    "PLANTED-ATTENDANCE-CONCERN",
    "PLANTED-EVIDENCE-NOTE",
    "PLANTED-COMPLIANCE-SUMMARY",
    "PLANTED-DECISION-REASON",
    "PLANTED-OUTCOME-REASON",
    "PLANTED-TIMELINE-SUMMARY",
    *PARTNER_SERVICE_TYPES,
    "Substance misuse",
    "Mental health",
    "substance_use",
    "Substance use",
    "needs_summary",
    "finances",
]
# Whole words that must not appear either (consent categories and need domains).
FORBIDDEN_WORDS = re.compile(r"\b(health|housing|accommodation|alcohol|drugs)\b", re.IGNORECASE)

_sequence = itertools.count(1)
STAGES = ["eligible", "allocated", "active", "completed", "breached", "opted_out"]
OUTCOME_CODES = {"completed": "24", "breached": "charge", "opted_out": "charge"}


@dataclass
class Planted:
    case: Case
    keyworker: object
    victim: Victim
    conditions: dict[str, Condition] = field(default_factory=dict)


def leaks(text: str) -> list[str]:
    """The forbidden strings found in ``text`` (unescaped HTML or JSON text)."""
    text = html.unescape(text)
    found = [needle for needle in FORBIDDEN if needle.lower() in text.lower()]
    found += sorted({m.group(0) for m in FORBIDDEN_WORDS.finditer(text)})
    return found


def browser_for(app, user):
    browser = app.test_client()
    sign_in(browser, user)
    return browser


def headers_for(user) -> dict:
    return api_headers(issue_token(user, days=1).secret)


def page_text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def event(case: Case, kind: str, at: datetime, summary: str = "An event") -> CaseEvent:
    row = CaseEvent(case_id=case.id, kind=kind, summary=summary, occurred_at=at)
    db.session.add(row)
    db.session.commit()
    return row


def london_noon(day: date) -> datetime:
    """Midday in the UK on ``day``, as UTC (11:00 or 12:00 UTC)."""
    from app.dates import LONDON

    return datetime(day.year, day.month, day.day, 12, tzinfo=LONDON).astimezone(UTC)


def victim(case: Case, **fields) -> Victim:
    values = {
        "case_id": case.id,
        "name": "Vera Victim",
        "email": "vera.victim@example.org",
        "phone": "07700 900111",
        "address": "2 Victim Lane, Exampletown",
        "preferred_contact": "email",
    }
    values.update(fields)
    row = Victim(**values)
    db.session.add(row)
    db.session.commit()
    return row


def _needs_assessment(case: Case) -> None:
    record = NeedsAssessment(
        case_id=case.id,
        stage=AssessmentStage.INITIAL.value,
        previous_offending="PLANTED-PREVIOUS-OFFENDING",
        offence_context="PLANTED-OFFENCE-CONTEXT",
        goals="PLANTED-GOALS",
        strengths="PLANTED-STRENGTHS",
        assessed_by_id=case.keyworker_id,
    )
    db.session.add(record)
    db.session.flush()
    notes = {
        NeedDomain.DRUGS: "PLANTED-SUBSTANCE daily use",
        NeedDomain.ALCOHOL: "PLANTED-SUBSTANCE weekends",
        NeedDomain.MENTAL_HEALTH_WELLBEING: "PLANTED-HEALTH depression",
        NeedDomain.ACCOMMODATION: "PLANTED-HOUSING sofa surfing",
        NeedDomain.FINANCE_DEBT: "PLANTED-FINANCES rent arrears",
    }
    for domain in NeedDomain:
        db.session.add(
            NeedScore(
                assessment_id=record.id,
                domain=domain.value,
                level=3,
                notes=notes.get(domain, f"PLANTED-NEEDS-NOTE on {domain.value}"),
            )
        )
    db.session.commit()


def planted_case(stage: str, keyworker=None, **victim_fields) -> Planted:
    """A case at ``stage`` (see STAGES) with planted strings everywhere."""
    keyworker = keyworker or factories.user(Role.KEYWORKER)
    status = {"eligible": CaseStatus.ELIGIBLE, "allocated": CaseStatus.ALLOCATED}.get(
        stage, CaseStatus.ELIGIBLE
    )
    case = factories.case(
        keyworker,
        status=status,
        offence_description="PLANTED-OFFENCE-DETAIL: broke the shop window",
        person_fields={
            "given_name": "PLANTED-PERSON-GIVEN",
            "family_name": "PLANTED-PERSON-FAMILY",
            "address": "PLANTED-PERSON-ADDRESS, 1 Hidden Road",
            "postcode": PERSON_POSTCODE,
            "email": PERSON_EMAIL,
            "phone": PERSON_PHONE,
        },
    )
    the_victim = victim(case, **victim_fields)
    _needs_assessment(case)
    partner = factories.organisation(
        name=f"PLANTED-PARTNER-NAME Recovery Service {next(_sequence)}",
        service_types=PARTNER_SERVICE_TYPES,
        contact_name="PLANTED-PARTNER-CONTACT",
        contact_phone="07700 900888",
        contact_email="planted.partner@example.org",
        description="PLANTED-PARTNER-DESCRIPTION",
    )
    factories.consent(
        case,
        partner,
        categories=[
            ConsentCategory.HEALTH,
            ConsentCategory.SUBSTANCE_USE,
            ConsentCategory.HOUSING,
            ConsentCategory.FINANCES,
            ConsentCategory.NEEDS_SUMMARY,
        ],
    )
    event(case, "note.added", utcnow(), summary="PLANTED-TIMELINE-SUMMARY")
    planted = Planted(case=case, keyworker=keyworker, victim=the_victim)
    if stage in ("eligible", "allocated"):
        _referral(case, partner, keyworker, conditions=[])
        return planted

    start = today_in_london() - timedelta(days=35)
    contract = factories.contract(
        case,
        start_date=start,
        conditions=[
            {
                "type": ConditionType.REHABILITATIVE,
                "description": "PLANTED-REHAB-CONDITION: attend PLANTED-HEALTH sessions",
                "required_sessions": 6,
            },
            {
                "type": ConditionType.REHABILITATIVE,
                "description": "PLANTED-REHAB-VICTIM-FLAGGED: alcohol awareness course",
                "victim_relevant": True,
            },
            {"type": ConditionType.RESTORATIVE, "description": ALLOWED_CONDITIONS["restorative"]},
            {"type": ConditionType.REPARATIVE, "description": ALLOWED_CONDITIONS["reparative"]},
            {
                "type": ConditionType.RESTRICTIVE,
                "description": ALLOWED_CONDITIONS["restrictive"],
                "victim_relevant": True,
            },
            {
                "type": ConditionType.RESTRICTIVE,
                "description": "PLANTED-RESTRICTIVE-OTHER: not to enter the town centre",
                "victim_relevant": False,
            },
        ],
    )
    db.session.refresh(contract)
    planted.conditions = {c.description.split(":")[0]: c for c in contract.conditions}
    rehab = next(c for c in contract.conditions if c.description.startswith("PLANTED-REHAB-C"))
    referral = _referral(case, partner, keyworker, conditions=[rehab])
    _appointments(case, referral, keyworker, rehab)
    event(case, "contract.agreed", london_noon(start), summary="Contract agreed")
    if stage != "active":
        decided = utcnow() - timedelta(days=1)
        case.status = CaseStatus(stage).value
        case.outcome_code = OUTCOME_CODES[stage]
        case.outcome_decided_at = decided
        db.session.add(
            OutcomeProposal(
                case_id=case.id,
                result=stage,
                reason="PLANTED-OUTCOME-REASON",
                proposed_by_id=keyworker.id,
                decision="approved",
                decision_reason="PLANTED-OUTCOME-REASON approved",
                decided_by_id=keyworker.id,
                decided_at=decided,
                outcome_code=OUTCOME_CODES[stage],
            )
        )
        db.session.commit()
    return planted


def _referral(case, partner, keyworker, conditions) -> Referral:
    referral = Referral(
        case_id=case.id,
        organisation_id=partner.id,
        status="accepted",
        need="PLANTED-REFERRAL-NEED: substance misuse support",
        message="PLANTED-REFERRAL-MESSAGE",
        shared_categories=["health", "substance_use"],
        shared_snapshot={"health": "PLANTED-HEALTH", "substance_use": "PLANTED-SUBSTANCE"},
        acknowledge_by=today_in_london(),
        sent_by_id=keyworker.id,
        decline_details="PLANTED-DECLINE-DETAILS",
    )
    db.session.add(referral)
    db.session.flush()
    for condition in conditions:
        db.session.execute(
            referral_conditions.insert().values(referral_id=referral.id, condition_id=condition.id)
        )
    db.session.add(
        ReferralUpdate(
            referral_id=referral.id, author_id=keyworker.id, body="PLANTED-REFERRAL-UPDATE"
        )
    )
    db.session.commit()
    return referral


def _appointments(case, referral, keyworker, condition) -> None:
    appointment = Appointment(
        case_id=case.id,
        referral_id=referral.id,
        starts_at=utcnow() - timedelta(days=7),
        mode="in_person",
        location="PLANTED-APPOINTMENT-LOCATION, 3 Clinic Street",
        created_by_id=keyworker.id,
    )
    db.session.add(appointment)
    db.session.flush()
    attendance = AttendanceRecord(
        appointment_id=appointment.id,
        status="did_not_attend",
        absence_reason="no_reason",
        acceptable_absence=False,
        notes="PLANTED-ATTENDANCE-NOTE",
        concern="PLANTED-ATTENDANCE-CONCERN",
        recorded_by_id=keyworker.id,
    )
    db.session.add(attendance)
    db.session.flush()
    db.session.add(
        ConditionEvidence(
            condition_id=condition.id, note="PLANTED-EVIDENCE-NOTE", recorded_by_id=keyworker.id
        )
    )
    concern = ComplianceConcern(
        case_id=case.id, attendance_id=attendance.id, summary="PLANTED-COMPLIANCE-SUMMARY"
    )
    db.session.add(concern)
    db.session.flush()
    db.session.add(
        ComplianceDecision(
            concern_id=concern.id,
            decision="warning",
            reason="PLANTED-DECISION-REASON",
            decided_by_id=keyworker.id,
        )
    )
    db.session.commit()
