"""Outcome use-cases: a keyworker proposes, a supervisor approves or sends back.

Each public function that changes something owns its transaction: it checks the role
and the case policy, raises a domain error before anything is written when a rule is
broken, then writes the change with its audit entry, timeline event and notifications,
and commits once.

Rules decided here (who and on which cases: app.outcomes.policy):

* The same call, ``submit_outcome``, serves the page and ``POST /cases/{id}/outcome``. By
  the case's keyworker it is a *proposal* (pending; the case is unchanged). By a
  supervisor it is the *decision*: a pending proposal by someone else is approved (its
  result must be the one posted, else ``proposal_differs``); a pending proposal by the
  supervisor themself cannot be approved by them (Forbidden: nobody approves their own
  proposal, which happens to a keyworker promoted to supervisor); with none pending the
  supervisor decides directly, recorded as a proposal approved at once.
* A case has at most one pending proposal (``proposal_pending``).
* The outcome is open only to an ``active`` case; opting out also to an ``eligible`` or
  ``allocated`` one (the person may choose court before the contract is agreed).
  Otherwise ``invalid_state``.
* A completion before the contract's end date, or without the exit steps, needs the
  proposer's confirmation and reason (app.outcomes.completion, ``confirmation_required``).
* Breach and opt-out need the proposer's reason. Completion needs the deciding
  supervisor's reason when some current condition is not ``met`` on the *check date*:
  the contract's end date, or today if that is earlier (completing before the end is
  allowed when everything is already met). Both are 422 with code ``reason_required``.
* The code comes from ``app.outcomes.codes.crime_outcome``: a completion is ``"24"`` for
  an adult and ``"23"`` for a child on the offence date (the Home Office's line,
  deliberately not the scheme's configurable ``MINIMUM_AGE``); breach and opt-out are
  ``"charge"``.
* On a decision the reoffending check is created (``app.outcomes.checks``), due 365 days
  after the contract ended: its end date for a completion (or the decision date, if
  earlier), the decision date for a breach or opt-out, since the contract stops there.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from app.audit import services as audit
from app.auth.models import User
from app.auth.roles import Role
from app.cases.models import Case, CaseStatus
from app.cases.policy import get_case_for
from app.cases.timeline import add_event
from app.contracts.models import Condition
from app.contracts.progress import ConditionStatus, condition_status
from app.database import utcnow
from app.dates import today_in_london
from app.errors import Conflict, Forbidden, InvalidInput, NotFound, StaleVersion
from app.evidence.queries import ContractEvidence
from app.extensions import db
from app.notifications.services import notify, notify_all
from app.outcomes.checks import ensure_check
from app.outcomes.codes import crime_outcome
from app.outcomes.completion import check_confirmed
from app.outcomes.models import OutcomeProposal, OutcomeResult, ProposalDecision
from app.outcomes.policy import check_state, decides_directly, may_decide, require_case_role
from app.text import long_date

REASON_MAX = 2000
CASE_STATUS_OF = {
    OutcomeResult.COMPLETED: CaseStatus.COMPLETED,
    OutcomeResult.BREACHED: CaseStatus.BREACHED,
    OutcomeResult.OPTED_OUT: CaseStatus.OPTED_OUT,
}
RESULT_LABELS = {
    OutcomeResult.COMPLETED.value: "Completed",
    OutcomeResult.BREACHED.value: "Breached",
    OutcomeResult.OPTED_OUT.value: "Opted out",
}
RESULT_PHRASES = {
    OutcomeResult.COMPLETED.value: "completion",
    OutcomeResult.BREACHED.value: "breach",
    OutcomeResult.OPTED_OUT.value: "opt-out",
}
CODE_TEXTS = {
    "24": "Crime outcome 24 (deferred prosecution, adult)",
    "23": "Crime outcome 23 (deferred prosecution, child)",
    "charge": "Charge: the prosecution resumes",
}


class ProposalPending(Conflict):
    code = "proposal_pending"


class ProposalDiffers(Conflict):
    code = "proposal_differs"


class ProposalNotPending(Conflict):
    code = "proposal_not_pending"


class ReasonRequired(InvalidInput):
    code = "reason_required"

    def __init__(self, message: str):
        super().__init__({"reason": message}, message)


@dataclass(frozen=True)
class Submission:
    case: Case
    proposal: OutcomeProposal
    decided: bool


def code_text(code: str | None) -> str | None:
    return None if code is None else CODE_TEXTS.get(code, f"Crime outcome {code}")


def outcome_code_for(case: Case, result: str) -> str:
    """The crime outcome of deciding ``result`` on ``case`` today (app.outcomes.codes)."""
    return crime_outcome(
        result,
        born=case.person.date_of_birth,
        committed_on=case.offence_committed_on,
        decided_on=today_in_london(),
    )


def check_date(case: Case, today: date | None = None) -> date:
    """The day on which conditions must be met for a completion without a reason."""
    today = today or today_in_london()
    contract = case.contract
    return today if contract is None else min(contract.end_date, today)


def unmet_conditions(case: Case, today: date | None = None) -> list[Condition]:
    """The contract's current conditions that are not ``met`` on the check date."""
    contract = case.contract
    if contract is None:
        return []
    on = check_date(case, today)
    evidence = ContractEvidence(contract)  # once for every condition, not once for each
    return [
        c
        for c in contract.current_conditions
        if condition_status(c, on, evidence).status != ConditionStatus.MET
    ]


def pending_proposal(case_id: uuid.UUID) -> OutcomeProposal | None:
    return db.session.scalar(
        select(OutcomeProposal)
        .where(OutcomeProposal.case_id == case_id, OutcomeProposal.decision.is_(None))
        .order_by(OutcomeProposal.proposed_at.desc())
        .limit(1)
    )


def proposals_of(case: Case) -> list[OutcomeProposal]:
    """Every proposal on the case, newest first (history)."""
    return list(
        db.session.scalars(
            select(OutcomeProposal)
            .where(OutcomeProposal.case_id == case.id)
            .order_by(OutcomeProposal.proposed_at.desc(), OutcomeProposal.id)
        )
    )


def _clean_reason(reason) -> str | None:
    if reason is None:
        return None
    if not isinstance(reason, str):
        raise InvalidInput({"reason": "Enter the reason as text"})
    reason = reason.strip()
    if len(reason) > REASON_MAX:
        raise InvalidInput({"reason": f"Reason must be {REASON_MAX} characters or fewer"})
    return reason or None


def _result(raw) -> OutcomeResult:
    try:
        return OutcomeResult(raw)
    except ValueError:
        raise InvalidInput({"result": "Select the outcome"}) from None


def _supervisors(excluding: uuid.UUID) -> list[User]:
    return list(
        db.session.scalars(
            select(User).where(
                User.role == Role.SUPERVISOR.value, User.active.is_(True), User.id != excluding
            )
        )
    )


def submit_outcome(
    actor, case_id: uuid.UUID, result, reason=None, *, version: int | None = None, confirmed=False
) -> Submission:
    """A keyworker's proposal, or a supervisor's decision (see the module's rules)."""
    require_case_role(actor)
    case = get_case_for(actor, case_id, for_update=True)
    if version is not None and version != case.version:
        raise StaleVersion("The case changed since you read it. Read it again")
    result = _result(result)
    reason = _clean_reason(reason)
    check_state(case, result)
    pending = pending_proposal(case.id)
    needs_reason = result != OutcomeResult.COMPLETED
    if not decides_directly(actor):
        if pending is not None:
            raise ProposalPending("An outcome proposal is already waiting for a supervisor")
        if needs_reason and reason is None:
            raise ReasonRequired(f"Enter the reason for the {RESULT_PHRASES[result.value]}")
        warned = check_confirmed(case, result.value, reason, bool(confirmed))
        return Submission(case, _propose(actor, case, result, reason, warned), decided=False)

    warned: list[str] = []  # approving a proposal: the proposer confirmed any warnings
    if pending is not None:
        if not may_decide(actor, pending):
            raise Forbidden("You cannot approve your own proposal")
        if pending.result != result.value:
            raise ProposalDiffers(
                f"The proposal waiting is for {RESULT_PHRASES[pending.result]}: approve that, "
                "or send it back"
            )
        proposal = pending
    else:
        if needs_reason and reason is None:
            raise ReasonRequired(f"Enter the reason for the {RESULT_PHRASES[result.value]}")
        warned = check_confirmed(case, result.value, reason, bool(confirmed))
        proposal = OutcomeProposal(
            case_id=case.id, result=result.value, reason=reason, proposed_by_id=actor.id
        )
        db.session.add(proposal)
    if result == OutcomeResult.COMPLETED and reason is None and unmet_conditions(case):
        db.session.rollback()
        raise ReasonRequired(
            "Enter the reason for completing the case: some conditions are not met"
        )
    _decide(actor, case, proposal, reason, warned)
    return Submission(case, proposal, decided=True)


def _propose(
    actor, case: Case, result: OutcomeResult, reason: str | None, warned: list[str]
) -> OutcomeProposal:
    proposal = OutcomeProposal(
        case_id=case.id, result=result.value, reason=reason, proposed_by_id=actor.id
    )
    db.session.add(proposal)
    db.session.flush()
    phrase = RESULT_PHRASES[result.value]
    audit.record(
        "outcome.proposed",
        "outcome_proposal",
        proposal.id,
        actor=actor,
        details={"case_id": str(case.id), "result": result.value, "confirmed_warnings": warned},
    )
    add_event(
        case,
        "case.outcome_proposed",
        f"Outcome proposed: {phrase}. Waiting for a supervisor's decision",
        actor=actor,
    )
    notify_all(
        _supervisors(excluding=actor.id),
        "outcome.proposed",
        "An outcome is waiting for your decision",
        f"A keyworker has proposed {phrase} on a case. Sign in to approve it or send it back.",
        link_path=f"/cases/{case.id}/outcome/proposals/{proposal.id}",
        object_type="outcome_proposal",
        object_id=proposal.id,
    )
    db.session.commit()
    return proposal


def _decide(
    actor, case: Case, proposal: OutcomeProposal, reason: str | None, warned: list[str]
) -> None:
    now = utcnow()
    today = today_in_london(now)
    result = OutcomeResult(proposal.result)
    code = outcome_code_for(case, result.value)
    proposal.decision = ProposalDecision.APPROVED.value
    proposal.decided_by_id = actor.id
    proposal.decided_at = now
    proposal.decision_reason = reason
    proposal.outcome_code = code
    case.status = CASE_STATUS_OF[result].value
    case.outcome_code = code
    case.outcome_decided_at = now
    db.session.flush()

    ensure_check(case, today)

    audit.record(
        "outcome.decided",
        "outcome_proposal",
        proposal.id,
        actor=actor,
        details={
            "case_id": str(case.id),
            "result": result.value,
            "outcome_code": code,
            "proposed_by_id": str(proposal.proposed_by_id),
            "confirmed_warnings": warned,
        },
    )
    add_event(
        case,
        "case.outcome_decided",
        f"Outcome decided: {RESULT_LABELS[result.value].lower()}. {code_text(code)}",
        actor=actor,
    )
    recipients = {case.keyworker_id, proposal.proposed_by_id} - {actor.id, None}
    for user_id in recipients:
        notify(
            db.session.get(User, user_id),
            "outcome.decided",
            "An outcome has been decided",
            f"A supervisor decided the outcome of a case on {long_date(today)}: "
            f"{RESULT_LABELS[result.value].lower()}. {code_text(code)}. Sign in to see the case.",
            link_path=f"/cases/{case.id}",
            object_type="case",
            object_id=case.id,
        )
    db.session.commit()


def send_back(
    actor, case_id: uuid.UUID, proposal_id: uuid.UUID, reason, *, version: int | None = None
) -> OutcomeProposal:
    """A supervisor returns a pending proposal to the keyworker, with a reason."""
    if actor is None or actor.role != Role.SUPERVISOR.value:
        raise Forbidden("Only supervisors send proposals back")
    case = get_case_for(actor, case_id, for_update=True)
    if version is not None and version != case.version:
        raise StaleVersion("The case changed since you read it. Read it again")
    proposal = db.session.get(OutcomeProposal, proposal_id)
    if proposal is None or proposal.case_id != case.id:
        raise NotFound("No such proposal")
    if proposal.decision is not None:
        raise ProposalNotPending("This proposal has already been decided or sent back")
    reason = _clean_reason(reason)
    if reason is None:
        raise InvalidInput({"reason": "Enter the reason for sending the proposal back"})
    proposal.decision = ProposalDecision.SENT_BACK.value
    proposal.decision_reason = reason
    proposal.decided_by_id = actor.id
    proposal.decided_at = utcnow()
    phrase = RESULT_PHRASES[proposal.result]
    audit.record(
        "outcome.sent_back",
        "outcome_proposal",
        proposal.id,
        actor=actor,
        details={"case_id": str(case.id), "result": proposal.result},
    )
    add_event(
        case, "case.outcome_sent_back", f"Proposed {phrase} sent back to the keyworker", actor=actor
    )
    for user_id in {proposal.proposed_by_id, case.keyworker_id} - {actor.id, None}:
        notify(
            db.session.get(User, user_id),
            "outcome.sent_back",
            "An outcome proposal was sent back",
            f"A supervisor sent back the proposed {phrase} on a case, with a reason. "
            "Sign in to read it.",
            link_path=f"/cases/{case.id}",
            object_type="case",
            object_id=case.id,
        )
    db.session.commit()
    return proposal
