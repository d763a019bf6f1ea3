"""Condition variations: a variation never overwrites a condition: it adds a new row
(revision + 1) that supersedes the old one, and stamps the old one's ``superseded_at``.

Like the other contract use-cases (``app.contracts.services``), ``vary_condition`` owns its
transaction; ``apply_variation`` adds the change to the caller's.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping

from sqlalchemy import update

from app.audit import services as audit
from app.cases.models import Case
from app.cases.policy import get_case_for
from app.cases.timeline import add_event
from app.contracts.models import Condition, ConditionType
from app.contracts.services import (
    CONDITION_FIELDS,
    REASON_MAX,
    ConditionSuperseded,
    active_contract,
    validate_condition,
)
from app.database import utcnow
from app.errors import InvalidInput, NotFound
from app.extensions import db


def get_condition_for(
    actor, condition_id: uuid.UUID, *, case_id: uuid.UUID | None = None
) -> tuple[Condition, Case]:
    """The condition and its case, if ``actor`` may see the case (and, given ``case_id``,
    it is that case's); otherwise NotFound."""
    condition = db.session.get(Condition, condition_id)
    if condition is None or (case_id is not None and condition.contract.case_id != case_id):
        raise NotFound("No such condition")
    case = get_case_for(actor, condition.contract.case_id)
    return condition, case


def vary_condition(actor, condition_id: uuid.UUID, reason: str, changes: Mapping) -> Condition:
    """Vary a condition: a new row with revision + 1 that supersedes the old one.

    ``changes`` holds the fields that change (keys from ``CONDITION_FIELDS``); the others
    are copied from the current revision. The old row keeps its content and gets
    ``superseded_at``. A superseded condition cannot be varied again (vary its successor).
    """
    condition, case = get_condition_for(actor, condition_id)
    successor = apply_variation(actor, condition, case, reason, changes)
    db.session.commit()
    return successor


def apply_variation(actor, condition: Condition, case: Case, reason, changes: Mapping) -> Condition:
    """``vary_condition``'s change, added to the caller's transaction (the caller commits).

    Used by a compliance decision that varies a condition, so that the decision and the
    variation are written together or not at all."""
    if condition.superseded_at is not None:
        raise ConditionSuperseded(
            "This condition has already been varied: vary its current version"
        )
    contract = active_contract(case)
    errors: dict[str, str] = {}
    reason = reason.strip() if isinstance(reason, str) else ""
    if not reason:
        errors["reason"] = "Enter the reason for the variation"
    elif len(reason) > REASON_MAX:
        errors["reason"] = f"Reason must be {REASON_MAX} characters or fewer"
    merged = {name: getattr(condition, name) for name in CONDITION_FIELDS}
    merged.update(changes)
    clean, problems = validate_condition(merged, "", (contract.start_date, contract.end_date))
    errors.update(problems)
    changed = [name for name in CONDITION_FIELDS if clean.get(name) != getattr(condition, name)]
    if not problems and not changed:
        errors["changes"] = "Change at least one detail of the condition"
    if errors:
        db.session.rollback()
        raise InvalidInput(errors, "The variation is not valid")

    now = utcnow()
    # Compare-and-set, so two people varying the same condition at once cannot both win.
    result = db.session.execute(
        update(Condition)
        .where(Condition.id == condition.id, Condition.superseded_at.is_(None))
        .values(superseded_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        db.session.rollback()
        raise ConditionSuperseded(
            "This condition has already been varied: vary its current version"
        )
    successor = Condition(
        contract_id=contract.id,
        created_by_id=actor.id,
        revision=condition.revision + 1,
        supersedes_id=condition.id,
        variation_reason=reason,
        created_at=now,
        **clean,
    )
    db.session.add(successor)
    db.session.flush()
    audit.record(
        "condition.varied",
        "condition",
        successor.id,
        actor=actor,
        details={
            "case_id": str(case.id),
            "supersedes_id": str(condition.id),
            "revision": successor.revision,
            "changed": changed,
        },
    )
    add_event(
        case,
        "condition.varied",
        f"{ConditionType(clean['type']).label} condition varied (revision {successor.revision})",
        actor=actor,
    )
    return successor
