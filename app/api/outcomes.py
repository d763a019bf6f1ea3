"""Case outcomes: a keyworker proposes, a supervisor decides (see shared/API.md).

The keyworker of the case and supervisors may use these (other roles: 403); a case
outside the caller's scope answers 404, exactly as a missing one.
"""

from __future__ import annotations

import uuid

from flask_login import current_user
from flask_smorest import Blueprint

from app.auth.permissions import roles_required
from app.auth.roles import Role
from app.cases.services import view_case
from app.outcomes import services
from app.outcomes.schemas import (
    NewOutcomeSchema,
    OutcomeSchema,
    OutcomeStateSchema,
    SendBackSchema,
)

blp = Blueprint("api_outcomes", __name__, url_prefix="", description="Case outcomes")


def proposal_body(proposal) -> dict:
    return {
        "id": proposal.id,
        "result": proposal.result,
        "reason": proposal.reason,
        "state": proposal.decision or "pending",
        "proposed_by": proposal.proposed_by_id,
        "proposed_at": proposal.proposed_at,
        "decided_by": proposal.decided_by_id,
        "decided_at": proposal.decided_at,
        "decision_reason": proposal.decision_reason,
        "outcome_code": proposal.outcome_code,
    }


def outcome_body(case, proposal=None) -> dict:
    return {
        "case_id": case.id,
        "status": case.status,
        "outcome_code": case.outcome_code,
        "outcome_decided_at": case.outcome_decided_at,
        "version": case.version,
        "proposal": proposal_body(proposal) if proposal is not None else None,
    }


@blp.route("/cases/<uuid:case_id>/outcome", methods=["POST"])
@roles_required(Role.KEYWORKER, Role.SUPERVISOR)
@blp.arguments(NewOutcomeSchema)
@blp.response(200, OutcomeSchema)
@blp.alt_response(
    403,
    description="Your role may not record outcomes, or you are approving your own proposal",
)
@blp.alt_response(404, description="No such case, or not yours")
@blp.alt_response(
    409,
    description=(
        "The case is not active (opt-out: not active or allocated) (code invalid_state); a "
        "proposal is already pending (proposal_pending); the pending proposal is for another "
        "result (proposal_differs); the case changed since you read it (stale_version)"
    ),
)
@blp.alt_response(422, description="Invalid input; a reason is needed (code reason_required)")
def record_outcome(data, case_id: uuid.UUID):
    """Propose (keyworker of the case) or decide (supervisor) the case's outcome.

    Only the keyworker of the case among keyworkers. A keyworker's request is a proposal: the
    case is unchanged, ``outcome_code`` is null and ``proposal.state`` is ``pending``. A
    supervisor's request approves the pending proposal (made by someone else, for the same
    result) or, with none pending, decides directly; the answer has the case's new
    ``status`` and ``outcome_code``.
    """
    submission = services.submit_outcome(
        current_user, case_id, data["result"], data["reason"], version=data["version"]
    )
    return outcome_body(submission.case, submission.proposal)


@blp.route("/cases/<uuid:case_id>/outcome", methods=["GET"])
@roles_required(Role.KEYWORKER, Role.SUPERVISOR)
@blp.response(200, OutcomeStateSchema)
@blp.alt_response(403, description="Your role may not see outcomes")
@blp.alt_response(404, description="No such case, or not yours")
def get_outcome(case_id: uuid.UUID):
    """The case's outcome and every proposal made on it.

    The keyworker of the case, or a supervisor. ``proposal`` is the pending one, if any.
    """
    case = view_case(current_user, case_id, purpose="outcome")
    proposals = services.proposals_of(case)
    pending = next((p for p in proposals if p.decision is None), None)
    return {**outcome_body(case, pending), "proposals": [proposal_body(p) for p in proposals]}


@blp.route("/cases/<uuid:case_id>/outcome/proposals/<uuid:proposal_id>/send-back", methods=["POST"])
@roles_required(Role.SUPERVISOR)
@blp.arguments(SendBackSchema)
@blp.response(200, OutcomeSchema)
@blp.alt_response(403, description="Only supervisors send proposals back")
@blp.alt_response(404, description="No such case or proposal")
@blp.alt_response(
    409,
    description="Already decided or sent back (code proposal_not_pending), or stale_version",
)
@blp.alt_response(422, description="Invalid input: the reason is needed")
def send_back(data, case_id: uuid.UUID, proposal_id: uuid.UUID):
    """Send a pending proposal back to the keyworker, with a reason.

    The keyworker is notified; the case is unchanged.
    """
    proposal = services.send_back(
        current_user, case_id, proposal_id, data["reason"], version=data["version"]
    )
    case = view_case(current_user, case_id, purpose="outcome")
    return outcome_body(case, proposal)
