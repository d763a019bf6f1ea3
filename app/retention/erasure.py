"""What erasure changes: one case's personal data, field by field, in the caller's
transaction (``app.retention.services.erase`` locks, checks, audits and commits).

Erased (set empty, or to ``ERASED`` where a value is required): names, contact details,
the crime reference, every free text about the person or written about them (offence,
assessments and need notes, conditions, evidence, referral needs, messages, shared
snapshots and partners' updates, appointment places, attendance notes, compliance
summaries and reasons, outcome reasons, survey comments, the reoffence, allocation
reasons, the timeline's summaries), and the victims' names, contact details, views and
the updates they were given.

Kept (the facts the performance framework counts): every date and time, statuses,
outcome codes, eligibility answers and failed rules, offence class, condition types and
sessions, referral categories, organisations and outcomes, appointments, modes and
attendance, need levels, survey scores, reoffending results, victims' preferences,
sex and ethnic group. Two values are coarsened instead of erased: the date of birth
becomes the date that gives the same age on the offence date (so the reports' age
bands are unchanged), and the postcode keeps its sector ("EX1 2"), so the reports'
area (the district, "EX1") is unchanged.

Rows are updated, never deleted, and keep their ids, so every count is unchanged. Their
``updated_at`` (where they have one) moves to the erasure, so a partner system syncing
through the API with ``updated_since`` fetches the erased record too.
"""

from __future__ import annotations

import re
import uuid
from datetime import date

from sqlalchemy import select, update

from app.assessments.models import NeedsAssessment, NeedScore
from app.cases.models import Case, CaseAllocation, CaseEvent, Person
from app.consent.models import Consent
from app.contracts.models import Condition, Contract
from app.dates import age_on
from app.evidence.models import (
    Appointment,
    AttendanceRecord,
    ComplianceConcern,
    ComplianceDecision,
    ConditionEvidence,
)
from app.extensions import db
from app.outcomes.models import OutcomeProposal, ReoffendingCheck, Survey
from app.referrals.models import Referral, ReferralTransition, ReferralUpdate
from app.retention.models import Decision, RetentionDecision, Scope
from app.victims.models import Victim, VictimConsultation, VictimUpdate

ERASED = "Erased under the retention schedule"
ERASED_NAME = ("Personal data", "erased")  # given and family name: "Personal data erased"
ERASED_REFERENCE = "Erased"
ERASED_VICTIM = "Erased"
EVENT_SUMMARY = "Details erased under the retention schedule"
# A full postcode ("EX1 2AB") or a sector already ("EX1 2"), so erasing twice is harmless.
POSTCODE = re.compile(r"^\s*([A-Z]{1,2}[0-9][0-9A-Z]?)\s*([0-9])(?:[A-Z]{2})?\s*$", re.IGNORECASE)


def age_preserving_birth_date(born: date, offence_on: date) -> date:
    """The date ``age`` years before the offence, where ``age`` is the person's age on the
    offence date: a birthday that keeps the age (and so the age band) and nothing more."""
    age = age_on(born, offence_on)
    year = offence_on.year - age
    if offence_on.month == 2 and offence_on.day == 29:
        return date(year, 2, 28)  # on 29 February the 28th is already past
    return offence_on.replace(year=year)


def postcode_sector(postcode: str | None) -> str | None:
    """``EX1 2AB`` (or ``EX1 2``) -> ``EX1 2``; anything else -> None."""
    match = POSTCODE.match(postcode or "")
    return f"{match.group(1).upper()} {match.group(2)}" if match else None


def _set(model, where, counts: dict[str, int], **values) -> None:
    statement = update(model).where(where).values(**values)
    result = db.session.execute(statement.execution_options(synchronize_session=False))
    counts[model.__tablename__] = counts.get(model.__tablename__, 0) + result.rowcount


def erase_victim_contacts(case_id: uuid.UUID, counts: dict[str, int]) -> None:
    _set(Victim, Victim.case_id == case_id, counts, email=None, phone=None, address=None)


def erase_case(case_id: uuid.UUID, *, person_too: bool = True) -> dict[str, int]:
    """Erase the personal data of the case; returns the rows changed per table.
    ``person_too=False`` leaves the person's own details, which another case still needs."""
    counts: dict[str, int] = {}
    _erase_person_and_case(case_id, counts, person_too)
    _erase_victims(case_id, counts)
    _erase_contract(case_id, counts)
    _erase_referrals(case_id, counts)
    _erase_evidence(case_id, counts)
    _erase_assessments_and_outcomes(case_id, counts)
    _set(Consent, Consent.case_id == case_id, counts, withdrawal_reason=None)
    _set(CaseAllocation, CaseAllocation.case_id == case_id, counts, reason=None)
    _set(CaseEvent, CaseEvent.case_id == case_id, counts, summary=EVENT_SUMMARY)
    _set(
        RetentionDecision,
        (RetentionDecision.case_id == case_id)
        & (RetentionDecision.decision == Decision.KEPT.value),
        counts,
        reason=None,
    )
    return counts


def _erase_person_and_case(case_id: uuid.UUID, counts: dict[str, int], person_too: bool) -> None:
    row = db.session.execute(
        select(Person.id, Person.date_of_birth, Person.postcode, Case.offence_committed_on)
        .join(Case, Case.person_id == Person.id)
        .where(Case.id == case_id)
    ).one()
    given, family = ERASED_NAME
    if person_too:
        _set(
            Person,
            Person.id == row.id,
            counts,
            given_name=given,
            family_name=family,
            # A Core UPDATE: the model's listener does not keep the search key here.
            search_name="",
            date_of_birth=age_preserving_birth_date(row.date_of_birth, row.offence_committed_on),
            address=None,
            postcode=postcode_sector(row.postcode),
            email=None,
            phone=None,
            gender=None,
        )
    _set(
        Case,
        Case.id == case_id,
        counts,
        crime_reference=ERASED_REFERENCE,
        offence_description=ERASED,
        version=Case.version + 1,  # a form opened before the erasure cannot write back
    )


def _erase_victims(case_id: uuid.UUID, counts: dict[str, int]) -> None:
    _set(
        Victim,
        Victim.case_id == case_id,
        counts,
        name=ERASED_VICTIM,
        email=None,
        phone=None,
        address=None,
    )
    _set(
        VictimConsultation,
        VictimConsultation.case_id == case_id,
        counts,
        views=ERASED,
        requested_actions=None,
        not_included_reason=None,
    )
    _set(VictimUpdate, VictimUpdate.case_id == case_id, counts, summary=ERASED)


def _erase_contract(case_id: uuid.UUID, counts: dict[str, int]) -> None:
    conditions = select(Condition.id).join(Contract).where(Contract.case_id == case_id)
    _set(
        Condition,
        Condition.id.in_(conditions),
        counts,
        description=ERASED,
        variation_reason=None,
    )
    _set(ConditionEvidence, ConditionEvidence.condition_id.in_(conditions), counts, note=ERASED)


def _erase_referrals(case_id: uuid.UUID, counts: dict[str, int]) -> None:
    referrals = select(Referral.id).where(Referral.case_id == case_id)
    _set(
        Referral,
        Referral.case_id == case_id,
        counts,
        need=ERASED,
        message=None,
        shared_snapshot={},
        decline_details=None,
        version=Referral.version + 1,
    )
    _set(ReferralTransition, ReferralTransition.referral_id.in_(referrals), counts, reason=None)
    _set(ReferralUpdate, ReferralUpdate.referral_id.in_(referrals), counts, body=ERASED)


def _erase_evidence(case_id: uuid.UUID, counts: dict[str, int]) -> None:
    appointments = select(Appointment.id).where(Appointment.case_id == case_id)
    _set(
        Appointment,
        Appointment.case_id == case_id,
        counts,
        location=None,
        reschedule_reason=None,
    )
    _set(
        AttendanceRecord,
        AttendanceRecord.appointment_id.in_(appointments),
        counts,
        notes=None,
        concern=None,
        correction_reason=None,
    )
    concerns = select(ComplianceConcern.id).where(ComplianceConcern.case_id == case_id)
    _set(ComplianceConcern, ComplianceConcern.case_id == case_id, counts, summary=ERASED)
    _set(ComplianceDecision, ComplianceDecision.concern_id.in_(concerns), counts, reason=ERASED)


def _erase_assessments_and_outcomes(case_id: uuid.UUID, counts: dict[str, int]) -> None:
    assessments = select(NeedsAssessment.id).where(NeedsAssessment.case_id == case_id)
    _set(
        NeedsAssessment,
        NeedsAssessment.case_id == case_id,
        counts,
        previous_offending=None,
        offence_context=None,
        goals=None,
        strengths=None,
    )
    _set(NeedScore, NeedScore.assessment_id.in_(assessments), counts, notes=None)
    _set(
        OutcomeProposal,
        OutcomeProposal.case_id == case_id,
        counts,
        reason=None,
        decision_reason=None,
    )
    _set(Survey, Survey.case_id == case_id, counts, comments=None)
    _set(ReoffendingCheck, ReoffendingCheck.case_id == case_id, counts, reoffence=None)


def erase(case_id: uuid.UUID, scope: Scope) -> dict[str, int]:
    if scope == Scope.CASE:
        return erase_case(case_id)
    counts: dict[str, int] = {}
    erase_victim_contacts(case_id, counts)
    return counts
