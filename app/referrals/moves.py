"""The referral lifecycle's transition table: the ONE place that says which move is
allowed from which status, by whom, and what it needs. Applying a move (what it writes,
records and sends) is ``app.referrals.lifecycle``.

Who may move a referral from which status to which (``MOVES``):

=============  ==============================================  ==============================
Who            From                                            To
=============  ==============================================  ==============================
partner        sent                                            acknowledged
partner        sent, acknowledged                              accepted (from sent, it
                                                               records the acknowledgement)
partner        sent, acknowledged                              declined (a DeclineReason;
                                                               "other" needs details)
partner        accepted                                        in_progress
partner        accepted, in_progress                           completed (a ReferralOutcome)
case staff     sent, acknowledged, accepted, in_progress,      cancelled (a reason)
               on_hold
system         accepted                                        in_progress (the first session
                                                               that took place is recorded)
system         sent, acknowledged, accepted, in_progress       on_hold (consent withdrawn or
                                                               expired; held_from_status kept)
case staff     on_hold                                         held_from_status ("resume"),
                                                               only while consent covers the
                                                               shared categories again
=============  ==============================================  ==============================

"partner" is a user of the referral's organisation; "case staff" is the keyworker of the
case or a supervisor. Anything else is refused with ``InvalidTransition`` (409,
``invalid_transition``).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from app.referrals.models import Referral, ReferralStatus
from app.referrals.policy import Actor

S = ReferralStatus
REASON_MAX = 1000
OPEN_IN_ORDER = (S.SENT, S.ACKNOWLEDGED, S.ACCEPTED, S.IN_PROGRESS)


class Requirement(StrEnum):
    DECLINE_REASON = "decline_reason"
    OUTCOME = "outcome"
    REASON = "reason"


@dataclass(frozen=True)
class Move:
    actor: Actor
    source: ReferralStatus
    target: ReferralStatus
    action: str
    requires: Requirement | None = None

    @property
    def acknowledges(self) -> bool:
        """A partner's answer straight from ``sent`` is its acknowledgement too."""
        return self.actor == Actor.PARTNER and self.source == S.SENT


# THE transition table. Nothing else decides which moves are legal.
MOVES: tuple[Move, ...] = (
    Move(Actor.PARTNER, S.SENT, S.ACCEPTED, "accept"),
    Move(Actor.PARTNER, S.SENT, S.DECLINED, "decline", Requirement.DECLINE_REASON),
    Move(Actor.PARTNER, S.SENT, S.ACKNOWLEDGED, "acknowledge"),
    Move(Actor.PARTNER, S.ACKNOWLEDGED, S.ACCEPTED, "accept"),
    Move(Actor.PARTNER, S.ACKNOWLEDGED, S.DECLINED, "decline", Requirement.DECLINE_REASON),
    Move(Actor.PARTNER, S.ACCEPTED, S.IN_PROGRESS, "start"),
    Move(Actor.PARTNER, S.ACCEPTED, S.COMPLETED, "complete", Requirement.OUTCOME),
    Move(Actor.PARTNER, S.IN_PROGRESS, S.COMPLETED, "complete", Requirement.OUTCOME),
    *(
        Move(Actor.CASE_STAFF, source, S.CANCELLED, "cancel", Requirement.REASON)
        for source in (*OPEN_IN_ORDER, S.ON_HOLD)
    ),
    # The first session that took place on an accepted referral (app.referrals.subscribers).
    Move(Actor.SYSTEM, S.ACCEPTED, S.IN_PROGRESS, "start"),
    *(
        Move(Actor.SYSTEM, source, S.ON_HOLD, "hold", Requirement.REASON)
        for source in OPEN_IN_ORDER
    ),
    # Resume: only back to the status the referral was held from (see ``guard_failure``).
    *(Move(Actor.CASE_STAFF, S.ON_HOLD, target, "resume") for target in OPEN_IN_ORDER),
)
_BY_KEY = {(m.actor, m.source, m.target): m for m in MOVES}

# Each action's wording: button, past tense for banners and the timeline, audit action.
ACTION_LABELS = {
    "acknowledge": "Acknowledge",
    "accept": "Accept",
    "decline": "Decline",
    "start": "Start work",
    "complete": "Complete",
    "cancel": "Cancel referral",
    "resume": "Resume referral",
    "hold": "Put on hold",
}
AUDIT_ACTIONS = {
    "acknowledge": "referral.acknowledged",
    "accept": "referral.accepted",
    "decline": "referral.declined",
    "start": "referral.started",
    "complete": "referral.completed",
    "cancel": "referral.cancelled",
    "resume": "referral.resumed",
    "hold": "referral.held",
}
ACTION_DONE = {
    "acknowledge": "acknowledged",
    "accept": "accepted",
    "decline": "declined",
    "start": "started",
    "complete": "completed",
    "cancel": "cancelled",
    "resume": "resumed",
    "hold": "put on hold",
}
PAGE_ACTIONS = ("acknowledge", "accept", "decline", "start", "complete", "cancel", "resume")


def find_move(actor: Actor, source: ReferralStatus, target: ReferralStatus) -> Move | None:
    return _BY_KEY.get((actor, ReferralStatus(source), ReferralStatus(target)))


def guard_failure(move: Move, referral: Referral) -> str | None:
    """Why a move in the table cannot be made to this referral now (None if it can)."""
    if move.action == "resume" and move.target.value != referral.held_from_status:
        held_from = label(referral.held_from_status) if referral.held_from_status else "none"
        return f"A referral on hold can only resume to the status it was held from ({held_from})"
    return None


def moves_for(actor: Actor | None, referral: Referral) -> list[Move]:
    """The moves ``actor`` may make on ``referral`` now, in the table's order."""
    if actor is None:
        return []
    source = ReferralStatus(referral.status)
    return [
        m
        for m in MOVES
        if m.actor == actor and m.source == source and guard_failure(m, referral) is None
    ]


def target_for_action(action: str, referral: Referral) -> ReferralStatus | None:
    """The status a page action asks for (resume goes back to where it was held from)."""
    if action == "resume":
        return ReferralStatus(referral.held_from_status) if referral.held_from_status else None
    for move in MOVES:
        if move.action == action:
            return move.target
    return None


def illegal_message(actor: Actor | None, referral: Referral, target: ReferralStatus) -> str:
    source = ReferralStatus(referral.status)
    if source == target:
        return f"This referral is already {label(source)}"
    # The table lists a partner's move before the hub's, so the person is named first.
    others = [m for m in MOVES if m.source == source and m.target == target and m.actor != actor]
    if others:
        who = {
            Actor.PARTNER: "the partner organisation",
            Actor.CASE_STAFF: "the keyworker of the case or a supervisor",
            Actor.SYSTEM: "the hub, when consent is withdrawn or expires,",
        }[others[0].actor]
        return f"Only {who} can move a referral from {label(source)} to {label(target)}"
    allowed = [label(m.target) for m in moves_for(actor, referral)]
    message = f"A referral that is {label(source)} cannot be moved to {label(target)}"
    if allowed:
        return f"{message}. You can move it to: {', '.join(allowed)}"
    return f"{message}. You cannot change it now"


def label(status) -> str:
    return ReferralStatus(status).label.lower()
