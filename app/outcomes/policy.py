"""Who records and decides an outcome, and on which cases: the per-object rules of
``app.outcomes.services`` (its docstring states them), which the pages ask too.

* Keyworkers and supervisors record outcomes (anyone else: Forbidden).
* A supervisor's outcome is the decision; a keyworker's is a proposal. Nobody approves
  their own proposal.
* The outcome is open only to an ``active`` case; opting out also to an ``eligible`` or
  ``allocated`` one (otherwise ``invalid_state``).
* A proposal is read through its case's scope: outside it, NotFound.
"""

from __future__ import annotations

import uuid

from app.auth.roles import Role
from app.cases.models import Case, CaseStatus
from app.cases.policy import get_case_for
from app.errors import Forbidden, InvalidState, NotFound
from app.extensions import db
from app.outcomes.models import OutcomeProposal, OutcomeResult

CASE_ROLES = frozenset({Role.KEYWORKER.value, Role.SUPERVISOR.value})
OPEN_STATES = {
    OutcomeResult.COMPLETED: frozenset({CaseStatus.ACTIVE.value}),
    OutcomeResult.BREACHED: frozenset({CaseStatus.ACTIVE.value}),
    OutcomeResult.OPTED_OUT: frozenset(
        {CaseStatus.ELIGIBLE.value, CaseStatus.ALLOCATED.value, CaseStatus.ACTIVE.value}
    ),
}


def require_case_role(actor) -> None:
    if actor is None or actor.role not in CASE_ROLES:
        raise Forbidden("Only keyworkers and supervisors record outcomes")


def check_state(case: Case, result: OutcomeResult) -> None:
    if case.status not in OPEN_STATES[result]:
        allowed = "an active or allocated" if result == OutcomeResult.OPTED_OUT else "an active"
        raise InvalidState(
            f"A case that is {case.status_enum.label.lower()} cannot have this outcome: "
            f"only {allowed} case can"
        )


def decides_directly(user) -> bool:
    """A supervisor's outcome is the decision; a keyworker's is a proposal."""
    return user is not None and user.role == Role.SUPERVISOR.value


def may_decide(user, proposal: OutcomeProposal) -> bool:
    """A supervisor decides a proposal, unless it is their own: nobody approves their own."""
    return decides_directly(user) and proposal.proposed_by_id != user.id


def get_proposal_for(actor, case_id: uuid.UUID, proposal_id: uuid.UUID) -> OutcomeProposal:
    """The proposal on a case ``actor`` may see; otherwise NotFound."""
    get_case_for(actor, case_id)
    proposal = db.session.get(OutcomeProposal, proposal_id)
    if proposal is None or proposal.case_id != case_id:
        raise NotFound("No such proposal")
    return proposal
