"""What the outcome pages show: the panel on the case page, exit planning and the breach
evidence pack. Reads only; the pages that show personal data go through ``view_case``,
which checks the case policy and audits the read.

* Exit planning starts in ``EXIT_PLANNING_WEEK`` (14) of the contract, the week the
  caseload starts asking for the exit reassessment.
* The evidence pack is available to the keyworker of the case and supervisors whenever the
  case has a contract (so it can be read before a breach is decided, as well as after). It
  holds everything recorded, corrections and superseded revisions included: nothing is
  left out because a later entry replaced it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.assessments.models import AssessmentStage
from app.assessments.services import DistanceTravelled, assessments_by_stage, distance_travelled
from app.audit import services as audit
from app.auth.models import User
from app.auth.roles import Role
from app.cases.caseload import EXIT_REASSESSMENT_WEEK
from app.cases.models import Case, CaseEvent, CaseStatus
from app.cases.services import view_case
from app.contracts.models import Condition, Contract
from app.contracts.progress import (
    ConditionProgress,
    ConditionRow,
    condition_rows,
    condition_status,
    contract_timing,
    names_of,
)
from app.dates import CONTRACT_WEEKS, contract_week, today_in_london
from app.errors import Forbidden
from app.evidence.lists import case_concerns
from app.evidence.models import (
    Appointment,
    AttendanceRecord,
    ComplianceConcern,
    ConditionEvidence,
)
from app.extensions import db
from app.outcomes import completion, policy, services
from app.outcomes.completion import Warning
from app.outcomes.followup import person_survey, survey_open
from app.outcomes.models import OutcomeProposal, OutcomeResult, ReoffendingCheck, Survey

EXIT_PLANNING_WEEK = EXIT_REASSESSMENT_WEEK


# Supervisors' list of proposals waiting -------------------------------------------------


def pending_list(actor, page: int, per_page: int) -> tuple[list[OutcomeProposal], int]:
    """Supervisors: the proposals awaiting a decision, oldest first, with their cases."""
    if actor is None or actor.role != Role.SUPERVISOR.value:
        raise Forbidden("Only supervisors decide outcomes")
    waiting = OutcomeProposal.decision.is_(None)
    total = db.session.scalar(select(func.count(OutcomeProposal.id)).where(waiting)) or 0
    rows = db.session.execute(
        select(OutcomeProposal, Case)
        .join(Case, Case.id == OutcomeProposal.case_id)
        .where(waiting)
        .order_by(OutcomeProposal.proposed_at, OutcomeProposal.id)
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    audit.record_list_read(
        "outcome.proposals_listed",
        "outcome_proposal",
        [proposal.id for proposal, _ in rows],
        actor=actor,
        page=page,
        total=total,
    )
    return [(proposal, case) for proposal, case in rows], total


# The panel on the case page -----------------------------------------------------------


@dataclass
class OutcomePanel:
    case: Case
    pending: OutcomeProposal | None
    decided: OutcomeProposal | None
    last_sent_back: OutcomeProposal | None
    code_text: str | None
    can_propose: bool
    can_decide: bool
    unmet: int
    exit_planning_due: bool
    exit_week_starts: date | None
    survey_due: bool
    survey: Survey | None
    check: ReoffendingCheck | None
    has_contract: bool
    result_labels: dict = field(default_factory=lambda: services.RESULT_LABELS)


def open_results(case: Case) -> list[str]:
    return [r.value for r in OutcomeResult if case.status in policy.OPEN_STATES[r]]


def case_panel(actor, case: Case, today: date | None = None) -> OutcomePanel:
    """What ``app/templates/outcomes/_case_panel.html`` needs, for a case ``actor`` has
    already been allowed to see (the case page's ``view_case`` audits the read)."""
    today = today or today_in_london()
    proposals = services.proposals_of(case)
    pending = next((p for p in proposals if p.decision is None), None)
    decided = next((p for p in proposals if p.decision == "approved"), None)
    latest = proposals[0] if proposals else None
    results_open = open_results(case)
    contract = case.contract
    week = contract_week(contract.start_date, today) if contract else None
    by_stage = assessments_by_stage(case) if contract else {}
    survey = person_survey(case.id)
    return OutcomePanel(
        case=case,
        pending=pending,
        decided=decided,
        last_sent_back=latest if latest is not None and latest.decision == "sent_back" else None,
        code_text=services.code_text(case.outcome_code),
        can_propose=bool(results_open)
        and pending is None
        and actor.role == Role.KEYWORKER.value
        and case.keyworker_id == actor.id,
        can_decide=bool(results_open) and actor.role == Role.SUPERVISOR.value,
        unmet=len(services.unmet_conditions(case, today)) if contract else 0,
        exit_planning_due=case.status == CaseStatus.ACTIVE.value
        and week is not None
        and week >= EXIT_PLANNING_WEEK
        and AssessmentStage.EXIT.value not in by_stage,
        exit_week_starts=(
            contract.start_date + timedelta(weeks=EXIT_PLANNING_WEEK - 1) if contract else None
        ),
        survey_due=survey is None and survey_open(case, today),
        survey=survey,
        check=db.session.scalar(
            select(ReoffendingCheck).where(ReoffendingCheck.case_id == case.id)
        ),
        has_contract=contract is not None,
    )


# The supervisor's decision page -------------------------------------------------------


@dataclass
class DecisionEvidence:
    """What a supervisor reads before deciding: where the contract is, each condition's
    status and evidence, the compliance concerns with their decisions, and the exit steps
    not taken yet."""

    timing_text: str | None
    conditions: list[ConditionRow]
    concerns: list[ComplianceConcern]
    decided_by: dict[uuid.UUID, str]
    missing_exit_steps: list[Warning]


def decision_evidence(case: Case, today: date | None = None) -> DecisionEvidence:
    """For a case the supervisor has already been allowed to see (``view_case``)."""
    today = today or today_in_london()
    contract = case.contract
    concerns = case_concerns(case.id)
    return DecisionEvidence(
        timing_text=contract_timing(contract, today).text if contract else None,
        conditions=condition_rows(contract, today) if contract else [],
        concerns=concerns,
        decided_by=names_of([d.decided_by_id for c in concerns for d in c.decisions]),
        missing_exit_steps=completion.missing_exit_steps(case),
    )


# Exit planning ------------------------------------------------------------------------


@dataclass
class ExitPlanning:
    case: Case
    contract: Contract | None
    week: int | None
    starts_on: date | None
    started: bool
    has_initial: bool
    has_exit: bool
    distance: DistanceTravelled | None
    timing_text: str | None
    survey_due: bool = False


def exit_planning(actor, case_id: uuid.UUID, today: date | None = None) -> ExitPlanning:
    case = view_case(actor, case_id, purpose="exit_planning")
    today = today or today_in_london()
    contract = case.contract
    week = contract_week(contract.start_date, today) if contract else None
    by_stage = assessments_by_stage(case)
    has_initial = AssessmentStage.INITIAL.value in by_stage
    has_exit = AssessmentStage.EXIT.value in by_stage
    return ExitPlanning(
        case=case,
        contract=contract,
        week=None if week is None else min(week, CONTRACT_WEEKS),
        starts_on=(
            contract.start_date + timedelta(weeks=EXIT_PLANNING_WEEK - 1) if contract else None
        ),
        started=week is not None and week >= EXIT_PLANNING_WEEK,
        has_initial=has_initial,
        has_exit=has_exit,
        distance=distance_travelled(case) if has_initial and has_exit else None,
        timing_text=contract_timing(contract, today).text if contract else None,
        survey_due=person_survey(case.id) is None and survey_open(case, today),
    )


# The breach evidence pack -------------------------------------------------------------


@dataclass
class ConditionEntry:
    condition: Condition
    progress: ConditionProgress | None
    evidence: list[ConditionEvidence]


@dataclass
class EvidencePack:
    case: Case
    contract: Contract | None
    conditions: list[ConditionEntry]
    appointments: list[Appointment]
    concerns: list[ComplianceConcern]
    proposals: list[OutcomeProposal]
    events: list[CaseEvent]
    names: dict[uuid.UUID, str]
    prepared_on: date


def evidence_pack(actor, case_id: uuid.UUID) -> EvidencePack:
    """Everything recorded about the contract, for the officer who will charge."""
    case = view_case(actor, case_id, purpose="breach_evidence_pack")
    contract = case.contract
    today = today_in_london()
    entries: list[ConditionEntry] = []
    user_ids: set = set()
    if contract is not None:
        conditions = list(
            db.session.scalars(
                select(Condition)
                .where(Condition.contract_id == contract.id)
                .order_by(Condition.created_at, Condition.revision, Condition.id)
            )
        )
        evidence: dict[uuid.UUID, list[ConditionEvidence]] = {}
        for entry in db.session.scalars(
            select(ConditionEvidence)
            .where(ConditionEvidence.condition_id.in_([c.id for c in conditions]))
            .order_by(ConditionEvidence.recorded_at, ConditionEvidence.id)
        ):
            evidence.setdefault(entry.condition_id, []).append(entry)
        on = services.check_date(case, today)
        for condition in conditions:
            progress = condition_status(condition, on) if condition.superseded_at is None else None
            entries.append(ConditionEntry(condition, progress, evidence.get(condition.id, [])))
            user_ids.add(condition.created_by_id)
        user_ids.add(contract.created_by_id)
    appointments = list(
        db.session.scalars(
            select(Appointment)
            .where(Appointment.case_id == case.id)
            .options(
                selectinload(Appointment.attendance),
                selectinload(Appointment.referral),
            )
            .order_by(Appointment.starts_at, Appointment.created_at, Appointment.id)
        )
    )
    user_ids |= {a.created_by_id for a in appointments}
    concerns = list(
        db.session.scalars(
            select(ComplianceConcern)
            .where(ComplianceConcern.case_id == case.id)
            .options(selectinload(ComplianceConcern.decisions))
            .order_by(ComplianceConcern.raised_at, ComplianceConcern.id)
        )
    )
    events = list(
        db.session.scalars(
            select(CaseEvent)
            .where(CaseEvent.case_id == case.id)
            .order_by(CaseEvent.occurred_at, CaseEvent.id)
        )
    )
    names = (
        dict(db.session.execute(select(User.id, User.name).where(User.id.in_(user_ids))).all())
        if user_ids
        else {}
    )
    return EvidencePack(
        case=case,
        contract=contract,
        conditions=entries,
        appointments=appointments,
        concerns=concerns,
        proposals=list(reversed(services.proposals_of(case))),
        events=events,
        names=names,
        prepared_on=today,
    )


def attendance_sorted(appointment: Appointment) -> list[AttendanceRecord]:
    return sorted(appointment.attendance, key=lambda r: (r.recorded_at, str(r.id)))
