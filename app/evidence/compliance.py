"""Keyworker evidence entries on conditions, and decisions on compliance concerns
(rules: app.evidence.services)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping

from app.audit import services as audit
from app.cases.timeline import add_event
from app.contracts.models import Condition
from app.contracts.variations import apply_variation, get_condition_for
from app.errors import Conflict, InvalidInput
from app.evidence.models import (
    ComplianceDecision,
    ConcernDecision,
    ConditionEvidence,
)
from app.evidence.policy import check_case_staff, get_concern_for
from app.evidence.services import TEXT_MAX, clean_text
from app.extensions import db

# Keyworker evidence entries ----------------------------------------------------------


def add_condition_entry(actor, condition_id: uuid.UUID, *, note, marks_met=False):
    """Case staff record evidence against the current revision of a condition."""
    check_case_staff(actor, "Only case staff record evidence against a condition")
    condition, case = get_condition_for(actor, condition_id)
    note = clean_text(note, TEXT_MAX + 1)
    if not note:
        raise InvalidInput({"note": "Enter the evidence"}, "The evidence is not valid")
    if len(note) > TEXT_MAX:
        raise InvalidInput({"note": f"Evidence must be {TEXT_MAX} characters or fewer"})
    if condition.superseded_at is not None:
        raise Conflict(
            "This condition has been varied: record evidence against its current version"
        )
    entry = ConditionEvidence(
        condition_id=condition.id, note=note, marks_met=bool(marks_met), recorded_by_id=actor.id
    )
    db.session.add(entry)
    db.session.flush()
    audit.record(
        "condition.evidence_added",
        "condition",
        condition.id,
        actor=actor,
        details={"case_id": str(case.id), "entry_id": str(entry.id), "marks_met": entry.marks_met},
    )
    label = condition.type.capitalize()
    add_event(
        case,
        "condition.evidence_added",
        f"{label} condition: evidence recorded" + (" (marked as met)" if entry.marks_met else ""),
        actor=actor,
    )
    db.session.commit()
    return entry


# Compliance decisions ---------------------------------------------------------------


DECISION_LABELS = {
    ConcernDecision.NO_ACTION.value: "No action",
    ConcernDecision.WARNING.value: "Warning given",
    ConcernDecision.VARIED_CONDITION.value: "Condition varied",
    ConcernDecision.PROPOSED_BREACH.value: "Breach proposed",
}


def decide_concern(
    actor,
    concern_id: uuid.UUID,
    *,
    decision,
    reason,
    condition_id: uuid.UUID | None = None,
    changes: Mapping | None = None,
) -> ComplianceDecision:
    """Case staff decide what a compliance concern leads to. A varied condition is varied
    in the same transaction; a proposed breach is then taken forward as the case outcome."""
    concern, case = get_concern_for(actor, concern_id)
    errors: dict[str, str] = {}
    if decision not in DECISION_LABELS:
        errors["decision"] = "Choose a decision"
    reason = clean_text(reason, TEXT_MAX + 1)
    if not reason:
        errors["reason"] = "Enter the reason for the decision"
    elif len(reason) > TEXT_MAX:
        errors["reason"] = f"Reason must be {TEXT_MAX} characters or fewer"
    condition = None
    if decision == ConcernDecision.VARIED_CONDITION.value:
        condition = db.session.get(Condition, condition_id) if condition_id else None
        if (
            condition is None
            or condition.contract.case_id != case.id
            or condition.superseded_at is not None
        ):
            errors["condition_id"] = "Choose the condition to vary"
    if errors:
        raise InvalidInput(errors, "The decision is not valid")
    varied = None
    if condition is not None:
        try:
            varied = apply_variation(actor, condition, case, reason, changes or {})
        except InvalidInput as invalid:
            db.session.rollback()
            raise InvalidInput(
                {("reason" if k == "reason" else k): v for k, v in invalid.errors.items()},
                invalid.message,
            ) from None
    record = ComplianceDecision(
        concern_id=concern.id,
        decision=decision,
        reason=reason,
        varied_condition_id=varied.id if varied else None,
        decided_by_id=actor.id,
    )
    db.session.add(record)
    db.session.flush()
    audit.record(
        "compliance.decided",
        "compliance_concern",
        concern.id,
        actor=actor,
        details={
            "case_id": str(case.id),
            "decision": decision,
            "varied_condition_id": str(varied.id) if varied else None,
        },
    )
    add_event(
        case,
        "compliance.decided",
        f"Compliance decision: {DECISION_LABELS[decision].lower()}",
        actor=actor,
    )
    db.session.commit()
    return record
