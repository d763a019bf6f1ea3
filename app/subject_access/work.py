"""The person's work on the scheme, for their subject access record: the contract and its
conditions, referrals, appointments and attendance, compliance, assessments and the
outcome. One query per section (``app.subject_access.person`` puts them together)."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.assessments.models import DOMAIN_LABELS, NeedDomain, NeedLevel, NeedsAssessment
from app.consent.models import CATEGORY_LABELS, ConsentCategory
from app.contracts.models import AgreementMethod, Condition, ConditionType, Contract
from app.evidence.compliance import DECISION_LABELS
from app.evidence.models import (
    Appointment,
    AttendanceRecord,
    ComplianceConcern,
    ComplianceDecision,
    ConditionEvidence,
)
from app.evidence.queries import ABSENCE_LABELS, MODE_LABELS, STATUS_LABELS
from app.extensions import db
from app.outcomes.models import OutcomeProposal, ReoffendingCheck, Survey
from app.outcomes.services import RESULT_LABELS
from app.referrals.labels import decline_reason_label, outcome_label, status_label
from app.referrals.models import ReferralTransition, ReferralUpdate
from app.subject_access.records import Section, record, section


def categories(values) -> list[str]:
    return [CATEGORY_LABELS.get(ConsentCategory(v), v) for v in values or []]


def contract(case_id: uuid.UUID) -> list[Section]:
    contract = db.session.scalar(select(Contract).where(Contract.case_id == case_id))
    conditions = db.session.scalars(
        select(Condition)
        .join(Contract)
        .where(Contract.case_id == case_id)
        .order_by(Condition.created_at, Condition.id)
    ).all()
    evidence = db.session.execute(
        select(ConditionEvidence, Condition.type)
        .join(Condition, Condition.id == ConditionEvidence.condition_id)
        .join(Contract)
        .where(Contract.case_id == case_id)
        .order_by(ConditionEvidence.recorded_at)
    ).all()
    contract_records = []
    if contract is not None:
        contract_records.append(
            record(
                ("start_date", "Start", contract.start_date),
                ("end_date", "End", contract.end_date),
                ("agreed_on", "Agreed on", contract.agreed_on),
                (
                    "agreement_method",
                    "How it was agreed",
                    AgreementMethod(contract.agreement_method).label,
                ),
            )
        )
    return [
        section("contract", "The contract", contract_records, "No contract was agreed."),
        section(
            "conditions",
            "Conditions, with every revision",
            (
                record(
                    ("type", "Type", ConditionType(c.type).label),
                    ("description", "Condition", c.description),
                    ("required_sessions", "Sessions required", c.required_sessions),
                    ("due_date", "Due by", c.due_date),
                    ("revision", "Revision", c.revision),
                    ("superseded_at", "Replaced", c.superseded_at),
                    ("variation_reason", "Reason for the variation", c.variation_reason),
                )
                for c in conditions
            ),
        ),
        section(
            "condition_evidence",
            "Evidence recorded against conditions",
            (
                record(
                    ("condition", "Condition", ConditionType(kind).label),
                    ("note", "Evidence", e.note),
                    ("marks_met", "Marked as met", e.marks_met),
                    ("recorded_at", "Recorded", e.recorded_at),
                )
                for e, kind in evidence
            ),
        ),
    ]


def referrals(referrals, refs) -> list[Section]:
    ids = list(refs)
    transitions = db.session.scalars(
        select(ReferralTransition)
        .where(ReferralTransition.referral_id.in_(ids))
        .order_by(ReferralTransition.occurred_at, ReferralTransition.id)
    ).all()
    updates = db.session.scalars(
        select(ReferralUpdate)
        .where(ReferralUpdate.referral_id.in_(ids))
        .order_by(ReferralUpdate.created_at)
    ).all()
    return [
        section(
            "referrals",
            "Referrals to partner organisations",
            (
                record(
                    ("reference", "Reference", refs[r.id][0]),
                    ("organisation", "Organisation", refs[r.id][1]),
                    ("status", "Status", status_label(r.status)),
                    ("need", "Need", r.need),
                    ("message", "Message", r.message),
                    ("shared_categories", "Shared", categories(r.shared_categories)),
                    ("shared_information", "What was shared", r.shared_snapshot),
                    ("sent_at", "Sent", r.sent_at),
                    ("acknowledged_at", "Acknowledged", r.acknowledged_at),
                    ("decline_reason", "Declined because", decline_reason_label(r.decline_reason)),
                    ("decline_details", "Details of the decline", r.decline_details),
                    ("outcome", "Outcome", outcome_label(r.outcome)),
                )
                for r in referrals
            ),
        ),
        section(
            "referral_history",
            "Referral history",
            (
                record(
                    ("reference", "Referral", refs[t.referral_id][0]),
                    ("from", "From", status_label(t.from_status) if t.from_status else None),
                    ("to", "To", status_label(t.to_status)),
                    ("reason", "Reason", t.reason),
                    ("occurred_at", "When", t.occurred_at),
                )
                for t in transitions
            ),
        ),
        section(
            "partner_updates",
            "Partners' updates",
            (
                record(
                    ("reference", "Referral", refs[u.referral_id][0]),
                    ("organisation", "From", refs[u.referral_id][1]),
                    ("body", "Update", u.body),
                    ("created_at", "When", u.created_at),
                )
                for u in updates
            ),
        ),
    ]


def appointments(case_id: uuid.UUID, refs) -> list[Section]:
    appointments = db.session.scalars(
        select(Appointment).where(Appointment.case_id == case_id).order_by(Appointment.starts_at)
    ).all()
    with_whom = {
        a.id: refs[a.referral_id][1] if a.referral_id in refs else "Keyworker" for a in appointments
    }
    attendance = db.session.scalars(
        select(AttendanceRecord)
        .join(Appointment)
        .where(Appointment.case_id == case_id)
        .order_by(AttendanceRecord.recorded_at)
    ).all()
    starts = {a.id: a.starts_at for a in appointments}
    return [
        section(
            "appointments",
            "Appointments",
            (
                record(
                    ("with", "With", with_whom[a.id]),
                    ("starts_at", "When", a.starts_at),
                    ("mode", "How", MODE_LABELS.get(a.mode, a.mode)),
                    ("location", "Where", a.location),
                    ("rescheduled_at", "Rescheduled", a.rescheduled_at),
                    ("reschedule_reason", "Reason for rescheduling", a.reschedule_reason),
                )
                for a in appointments
            ),
        ),
        section(
            "attendance",
            "Attendance",
            (
                record(
                    ("appointment", "Appointment", starts[r.appointment_id]),
                    ("status", "Attendance", STATUS_LABELS.get(r.status, r.status)),
                    ("absence_reason", "Reason for absence", ABSENCE_LABELS.get(r.absence_reason)),
                    ("acceptable_absence", "Acceptable absence", r.acceptable_absence),
                    ("notes", "Notes", r.notes),
                    ("concern", "Concern reported", r.concern),
                    ("recorded_at", "Recorded", r.recorded_at),
                    ("correction_reason", "Reason for the correction", r.correction_reason),
                )
                for r in attendance
            ),
        ),
    ]


def compliance(case_id: uuid.UUID) -> list[Section]:
    concerns = db.session.scalars(
        select(ComplianceConcern)
        .where(ComplianceConcern.case_id == case_id)
        .order_by(ComplianceConcern.raised_at)
    ).all()
    decisions = db.session.scalars(
        select(ComplianceDecision)
        .join(ComplianceConcern)
        .where(ComplianceConcern.case_id == case_id)
        .order_by(ComplianceDecision.decided_at)
    ).all()
    return [
        section(
            "compliance_concerns",
            "Compliance concerns",
            (
                record(("summary", "Concern", c.summary), ("raised_at", "Raised", c.raised_at))
                for c in concerns
            ),
        ),
        section(
            "compliance_decisions",
            "Compliance decisions",
            (
                record(
                    ("decision", "Decision", DECISION_LABELS.get(d.decision, d.decision)),
                    ("reason", "Reason", d.reason),
                    ("decided_at", "Decided", d.decided_at),
                )
                for d in decisions
            ),
        ),
    ]


def assessments(case_id: uuid.UUID) -> list[Section]:
    assessments = db.session.scalars(
        select(NeedsAssessment)
        .where(NeedsAssessment.case_id == case_id)
        .options(selectinload(NeedsAssessment.scores))
        .order_by(NeedsAssessment.assessed_at)
    ).all()
    return [
        section(
            "assessments",
            "Needs assessments",
            (
                record(
                    ("stage", "Stage", a.stage.capitalize()),
                    ("assessed_at", "Assessed", a.assessed_at),
                    ("previous_offending", "Previous offending", a.previous_offending),
                    ("offence_context", "Context of the offence", a.offence_context),
                    ("goals", "Goals", a.goals),
                    ("strengths", "Strengths", a.strengths),
                    *(
                        (
                            s.domain,
                            DOMAIN_LABELS[NeedDomain(s.domain)],
                            NeedLevel(s.level).label + (f". {s.notes}" if s.notes else ""),
                        )
                        for s in sorted(a.scores, key=lambda s: list(NeedDomain).index(s.domain))
                    ),
                )
                for a in assessments
            ),
        )
    ]


def outcome(case_id: uuid.UUID) -> list[Section]:
    proposals = db.session.scalars(
        select(OutcomeProposal)
        .where(OutcomeProposal.case_id == case_id)
        .order_by(OutcomeProposal.proposed_at)
    ).all()
    surveys = db.session.scalars(
        select(Survey).where(Survey.case_id == case_id, Survey.respondent == "person")
    ).all()
    check = db.session.scalar(select(ReoffendingCheck).where(ReoffendingCheck.case_id == case_id))
    return [
        section(
            "outcome",
            "Outcome",
            (
                record(
                    ("result", "Proposed outcome", RESULT_LABELS.get(p.result, p.result)),
                    ("reason", "Reason", p.reason),
                    ("proposed_at", "Proposed", p.proposed_at),
                    ("decision", "Decision", (p.decision or "").replace("_", " ") or None),
                    ("decision_reason", "Reason for the decision", p.decision_reason),
                    ("decided_at", "Decided", p.decided_at),
                    ("outcome_code", "Outcome code", p.outcome_code),
                )
                for p in proposals
            ),
        ),
        section(
            "ending_survey",
            "Ending survey",
            (
                record(
                    ("satisfaction", "Satisfaction (1 to 5)", s.satisfaction),
                    ("police_legitimacy", "Police act fairly (1 to 5)", s.police_legitimacy),
                    ("comments", "Comments", s.comments),
                    ("recorded_at", "Recorded", s.recorded_at),
                )
                for s in surveys
            ),
        ),
        section(
            "reoffending_check",
            "Reoffending check",
            [
                record(
                    ("due_on", "Due", check.due_on),
                    ("checked_at", "Checked", check.checked_at),
                    ("reoffended", "Reoffended", check.reoffended),
                    ("reoffence_date", "Date of the reoffence", check.reoffence_date),
                    ("reoffence", "Reoffence", check.reoffence),
                )
            ]
            if check is not None
            else [],
        ),
    ]
