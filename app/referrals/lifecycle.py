"""Applying the referral lifecycle's moves: what each move writes, records and sends.
Which moves are legal is said once, in ``app.referrals.moves`` (the transition table).

A move records a ReferralTransition (who, when, reason, outcome), an audit entry, a case
timeline event and its notifications, in one transaction. A partner's answer straight
from ``sent`` (accept or decline) stamps the acknowledgement as well, so the SLA figures
count it. Two people changing one referral at once cannot both win: the referral's
``version`` column makes the later commit fail, and that is reported as ``StaleVersion``.

Consent going away is handled here too: ``hold_referrals_for_consent`` runs in the
consent withdrawal's transaction (it receives ``app.events.consent_withdrawn``, through
``app.referrals.subscribers``); ``app.referrals.checks.check_referrals`` (the periodic
job) flags overdue acknowledgements and holds referrals whose consent expired. The first
session that took place on an accepted referral starts it (``start_on_first_session``,
receiving ``app.events.attendance_recorded``).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from app.audit import services as audit
from app.auth.models import User
from app.cases.timeline import add_event
from app.consent import rules
from app.consent.models import CATEGORY_LABELS, Consent, ConsentCategory
from app.database import utcnow
from app.errors import InvalidInput, StaleVersion
from app.extensions import db
from app.referrals import messages
from app.referrals.errors import ConsentRequired, InvalidTransition
from app.referrals.labels import DECLINE_REASON_LABELS, OUTCOME_LABELS
from app.referrals.models import (
    OPEN_STATUSES,
    DeclineReason,
    Referral,
    ReferralOutcome,
    ReferralStatus,
    ReferralTransition,
)
from app.referrals.moves import (
    ACTION_DONE,
    AUDIT_ACTIONS,
    REASON_MAX,
    Move,
    Requirement,
    find_move,
    guard_failure,
    illegal_message,
    label,
)
from app.referrals.policy import Actor, actor_for, get_referral_for
from app.referrals.reference import reference

S = ReferralStatus
HOLD_REASON = "Consent to share was withdrawn or has expired"
WITHDRAWN_REASON = "Consent to share was withdrawn"
# The notifications each action sends (app.referrals.messages); the others send none.
ACTION_MESSAGES = {
    "decline": messages.DECLINED,
    "complete": messages.COMPLETED,
    "cancel": messages.CANCELLED,
    "resume": messages.RESUMED,
    "hold": messages.ON_HOLD,
}


def is_overdue(referral: Referral, today: date) -> bool:
    """Not acknowledged by the end of its acknowledge-by date."""
    return referral.status == S.SENT.value and today > referral.acknowledge_by


def consent_covers(referral: Referral, allowed: set[str]) -> bool:
    """Whether the categories in force (``allowed``, from app.consent.rules) still cover
    everything the referral shared."""
    return categories_covered(referral.shared_categories, allowed)


def categories_covered(shared_categories, allowed: set[str]) -> bool:
    """``consent_covers`` for a referral's ``shared_categories`` read as a column."""
    return bool(allowed) and set(shared_categories or []) <= allowed


# Moving a referral --------------------------------------------------------------------


def transition(
    user,
    referral_id: uuid.UUID,
    to: str | None,
    *,
    reason: str | None = None,
    details: str | None = None,
    outcome: str | None = None,
    version: int | None = None,
) -> Referral:
    """Move a referral for ``user`` (a partner user of its organisation, or case staff).

    Raises NotFound (out of scope), InvalidInput (unknown ``to``; missing reason,
    details or outcome), StaleVersion (``version`` is not the current one, or someone
    else's change committed first), InvalidTransition, or ConsentRequired (resuming
    while consent still does not cover the shared categories). Nothing is written then.
    """
    referral = get_referral_for(user, referral_id)
    actor = actor_for(user, referral)
    try:
        target = ReferralStatus(to)
    except ValueError:
        raise InvalidInput({"to": "Choose a referral status from the list"}) from None
    if version is not None and version != referral.version:
        raise StaleVersion(stale_message(), field="version")
    move = find_move(actor, ReferralStatus(referral.status), target) if actor else None
    if move is None:
        raise InvalidTransition(illegal_message(actor, referral, target), field="to")
    problem = guard_failure(move, referral)
    if problem:
        raise InvalidTransition(problem, field="to")
    if move.action == "resume":
        missing = _not_covered(referral)
        if missing is not None:
            raise ConsentRequired(_resume_refusal(referral, missing), missing)
    values = _required_values(move, reason, details, outcome)
    try:
        apply_move(referral, move, user, **values)
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        raise StaleVersion(stale_message(), field="version") from None
    return referral


def stale_message() -> str:
    return (
        "Someone else changed this referral while you were looking at it. Check its "
        "status now and try again if you still need to"
    )


def _required_values(move: Move, reason, details, outcome) -> dict:
    reason = reason.strip() if isinstance(reason, str) else None
    details = details.strip() if isinstance(details, str) else None
    if move.requires == Requirement.DECLINE_REASON:
        errors = {}
        if reason not in {r.value for r in DeclineReason}:
            errors["reason"] = "Select why you are declining the referral"
        elif reason == DeclineReason.OTHER.value and not details:
            errors["details"] = "Enter why you are declining the referral"
        if details and len(details) > REASON_MAX:
            errors["details"] = f"Details must be {REASON_MAX} characters or fewer"
        if errors:
            raise InvalidInput(errors, "The reason for declining is missing")
        label = DECLINE_REASON_LABELS[DeclineReason(reason)]
        return {
            "decline_reason": reason,
            "decline_details": details or None,
            "reason_text": f"{label}: {details}" if details else label,
        }
    if move.requires == Requirement.OUTCOME:
        if outcome not in {o.value for o in ReferralOutcome}:
            raise InvalidInput({"outcome": "Select the outcome of the referral"})
        return {"outcome": outcome}
    if move.requires == Requirement.REASON:
        if not reason:
            raise InvalidInput({"reason": "Enter why you are cancelling the referral"})
        if len(reason) > REASON_MAX:
            raise InvalidInput({"reason": f"Reason must be {REASON_MAX} characters or fewer"})
        return {"reason_text": reason}
    return {}


def apply_move(
    referral: Referral,
    move: Move,
    user,
    *,
    reason_text: str | None = None,
    decline_reason: str | None = None,
    decline_details: str | None = None,
    outcome: str | None = None,
    now: datetime | None = None,
) -> None:
    """Make a move and everything that goes with it, in the caller's transaction."""
    now = now or utcnow()
    source = referral.status
    referral.status = move.target.value
    if move.target == S.ACKNOWLEDGED or (move.acknowledges and referral.acknowledged_at is None):
        referral.acknowledged_at = now
    if move.target == S.DECLINED:
        referral.decline_reason = decline_reason
        referral.decline_details = decline_details
    elif move.target == S.COMPLETED:
        referral.outcome = outcome
    elif move.target == S.ON_HOLD:
        referral.held_from_status = source
    if move.action == "resume":
        referral.held_from_status = None
    db.session.add(
        ReferralTransition(
            referral_id=referral.id,
            from_status=source,
            to_status=move.target.value,
            actor_id=user.id if user is not None else None,
            reason=reason_text,
            outcome=outcome,
            occurred_at=now,
        )
    )
    details = {
        "from": source,
        "to": move.target.value,
        "case_id": str(referral.case_id),
        "organisation_id": str(referral.organisation_id),
    }
    if move.acknowledges and move.target != S.ACKNOWLEDGED:
        details["acknowledged"] = True
    if decline_reason:
        details["decline_reason"] = decline_reason
    if outcome:
        details["outcome"] = outcome
    audit.record(
        AUDIT_ACTIONS[move.action],
        "referral",
        referral.id,
        actor=user,
        details=details,
    )
    add_event(
        referral.case,
        AUDIT_ACTIONS[move.action],
        _timeline_summary(referral, move, user, decline_reason, outcome, reason_text),
        actor=user,
    )
    if move.action in ACTION_MESSAGES:
        messages.send(referral, ACTION_MESSAGES[move.action])


def _timeline_summary(referral, move: Move, user, decline_reason, outcome, reason_text) -> str:
    ref, org = reference(referral.id), referral.organisation.name
    if move.action == "decline":
        why = DECLINE_REASON_LABELS[DeclineReason(decline_reason)].lower()
        return f"{org} declined referral {ref} (reason: {why})"
    if move.action == "complete":
        result = OUTCOME_LABELS[ReferralOutcome(outcome)].lower()
        return f"{org} completed referral {ref} (outcome: {result})"
    if move.action == "cancel":
        by = f" by {user.name}" if user is not None else ""
        return f"Referral {ref} to {org} cancelled{by}"
    if move.action == "hold":
        return f"Referral {ref} to {org} put on hold: {(reason_text or HOLD_REASON).lower()}"
    if move.action == "start" and move.actor == Actor.SYSTEM:
        return f"{org} started referral {ref} (the first session was recorded)"
    if move.action == "resume":
        return f"Referral {ref} to {org} resumed ({label(move.target)} again)"
    return f"{org} {ACTION_DONE[move.action]} referral {ref}"


def _not_covered(referral: Referral) -> list[str] | None:
    """The shared categories no consent in force covers now (None if all are covered)."""
    allowed = rules.shared_categories(referral.case_id, referral.organisation_id)
    if consent_covers(referral, allowed):
        return None
    return [c for c in referral.shared_categories if c not in allowed]


def _resume_refusal(referral: Referral, missing: list[str]) -> str:
    labels = ", ".join(CATEGORY_LABELS[ConsentCategory(c)].lower() for c in missing)
    return (
        f"The referral cannot resume: no consent in force covers {labels} for "
        f"{referral.organisation.name}. Record the person's consent first"
    )


# Consent going away -------------------------------------------------------------------


def hold_referrals_for_consent(consent: Consent, actor=None) -> list[Referral]:
    """Put on hold every open referral of the consent's case to its organisation that
    the consents still in force no longer cover. Called inside the consent withdrawal's
    transaction, after the consent is stamped withdrawn; does not commit.

    ``actor`` defaults to whoever withdrew the consent. When a new consent replaces the
    old one, only referrals sharing a category the new one does not cover are held.
    """
    at = consent.withdrawn_at or utcnow()
    if actor is None and consent.withdrawn_by_id is not None:
        actor = db.session.get(User, consent.withdrawn_by_id)
    referrals = db.session.scalars(
        select(Referral)
        .where(
            Referral.case_id == consent.case_id,
            Referral.organisation_id == consent.organisation_id,
            Referral.status.in_([s.value for s in OPEN_STATUSES]),
        )
        .order_by(Referral.sent_at)
    ).all()
    if not referrals:
        return []
    allowed = rules.shared_categories(consent.case_id, consent.organisation_id, at)
    held = [r for r in referrals if not consent_covers(r, allowed)]
    for referral in held:
        move = find_move(Actor.SYSTEM, ReferralStatus(referral.status), S.ON_HOLD)
        apply_move(referral, move, actor, reason_text=WITHDRAWN_REASON)
    return held


# The first session ----------------------------------------------------------------------


def start_on_first_session(referral: Referral, actor) -> bool:
    """An accepted referral whose first session took place is in progress: the hub's move
    (the table's), made in the attendance's transaction for whoever recorded it. Does
    not commit. Returns whether it moved."""
    move = find_move(Actor.SYSTEM, ReferralStatus(referral.status), S.IN_PROGRESS)
    if move is None:
        return False
    apply_move(referral, move, actor)
    return True
