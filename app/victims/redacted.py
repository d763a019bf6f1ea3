"""The victim-update view, redacted by construction.

This module builds the view from its own queries, which select only what the view
shows: the case's crime reference, status and outcome columns; the contract's start and
end dates; the text of the conditions that concern the victim (restorative and
reparative ones, and restrictive ones marked as protecting the victim); and the log of
what the victims were told. The result is a tree of frozen dataclasses with nothing
else in it, which the page template and the API's allow-listed schema receive. No ORM
object of the case, the person, a needs assessment, a consent, a referral, a partner,
an appointment or a rehabilitative condition is ever handed on, so none of their
fields can reach the victim's side by accident.

The overall picture ("on track" or "concerns") looks at every current condition's
status (through ``app.contracts.progress.condition_status``, the one place that decides
it) and at open compliance concerns and breach proposals, but only the resulting word
leaves this module: the text of a rehabilitative condition is never even selected.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import load_only

from app.auth.models import User
from app.cases.models import Case, CaseStatus
from app.contracts.models import Condition, ConditionType, Contract
from app.contracts.progress import ConditionStatus, condition_status
from app.dates import today_in_london
from app.errors import NotFound
from app.evidence.models import ComplianceConcern
from app.evidence.queries import ContractEvidence
from app.extensions import db
from app.outcomes.models import OutcomeProposal, OutcomeResult
from app.victims import due as due_rules
from app.victims.models import ContactMethod, Victim, VictimUpdate
from app.victims.stages import (
    CLOSED,
    OUTCOME_TEXTS,
    OVERALL,
    OVERALL_TAGS,
    STAGE_LABELS,
    VICTIM_TYPES,
    overall_of,
    stage_of,
)
from app.victims.suggestion import suggested_update


def victim_condition_filter():
    return or_(
        Condition.type.in_(VICTIM_TYPES),
        and_(
            Condition.type == ConditionType.RESTRICTIVE.value,
            Condition.victim_relevant.is_(True),
        ),
    )


@dataclass(frozen=True)
class VictimCondition:
    type: str
    description: str
    status: str
    protects_victim: bool

    @property
    def type_label(self) -> str:
        return ConditionType(self.type).label

    @property
    def status_label(self) -> str:
        return ConditionStatus(self.status).label

    @property
    def status_tag(self) -> str:
        return ConditionStatus(self.status).tag_class


@dataclass(frozen=True)
class UpdateEntry:
    id: uuid.UUID
    given_at: datetime
    method: str
    summary: str
    given_by: str
    victim_id: uuid.UUID | None

    @property
    def method_label(self) -> str:
        try:
            return ContactMethod(self.method).label
        except ValueError:
            return self.method


@dataclass(frozen=True)
class VictimDue:
    """A victim's update preferences and the update they are owed, if any (no contact
    details: those are in ``app.victims.liaison.victim_records``)."""

    id: uuid.UUID
    wants_updates: bool
    enhanced_rights: bool
    update_frequency: str | None
    due: due_rules.DueUpdate | None

    @property
    def next_update_due(self) -> date | None:
        return self.due.due_on if self.due else None

    @property
    def overdue(self) -> bool:
        return bool(self.due and self.due.overdue)


@dataclass(frozen=True)
class VictimUpdateView:
    case_id: uuid.UUID
    crime_reference: str
    stage: str
    stage_text: str
    contract_start: date | None
    contract_end: date | None
    conditions: list[VictimCondition]
    overall: str
    outcome_code: str | None
    outcome_decided_on: date | None
    updates: list[UpdateEntry]
    victims: list[VictimDue] = field(default_factory=list)
    closed: bool = False

    @property
    def stage_label(self) -> str:
        return STAGE_LABELS[self.stage]

    @property
    def overall_label(self) -> str:
        return OVERALL[self.overall]

    @property
    def overall_tag(self) -> str:
        return OVERALL_TAGS[self.overall]

    @property
    def outcome_text(self) -> str | None:
        if self.outcome_code is None:
            return None
        return OUTCOME_TEXTS.get(self.outcome_code, f"Crime outcome {self.outcome_code}")

    @property
    def next_due(self) -> due_rules.DueUpdate | None:
        return due_rules.most_urgent([victim.due for victim in self.victims])

    @property
    def next_update_due(self) -> date | None:
        due = self.next_due
        return due.due_on if due else None

    @property
    def update_overdue(self) -> bool:
        return any(victim.overdue for victim in self.victims)

    @property
    def suggested_update(self) -> str:
        return suggested_update(self)


def _open_concern(case_id: uuid.UUID) -> bool:
    """An undecided compliance concern, or a breach or opt-out proposal awaiting decision."""
    undecided = (
        select(ComplianceConcern.id)
        .where(
            ComplianceConcern.case_id == case_id,
            ComplianceConcern.first_decided_at.is_(None),  # no decision yet (evidence.decided)
        )
        .exists()
    )
    proposed = (
        select(OutcomeProposal.id)
        .where(
            OutcomeProposal.case_id == case_id,
            OutcomeProposal.decision.is_(None),
            OutcomeProposal.result.in_(
                [OutcomeResult.BREACHED.value, OutcomeResult.OPTED_OUT.value]
            ),
        )
        .exists()
    )
    return bool(db.session.scalar(select(or_(undecided, proposed))))


def _conditions(contract_id: uuid.UUID, on: date) -> tuple[list[VictimCondition], bool]:
    """The victim's conditions with their status, and whether any current condition at
    all is not met. Descriptions are selected for the victim's conditions only."""
    current = db.session.scalars(
        select(Condition)
        .where(Condition.contract_id == contract_id, Condition.superseded_at.is_(None))
        .options(
            load_only(
                Condition.id,
                Condition.contract_id,
                Condition.type,
                Condition.required_sessions,
                Condition.due_date,
                Condition.victim_relevant,
                Condition.superseded_at,
                Condition.created_at,
            )
        )
        .order_by(Condition.created_at, Condition.id)
    ).all()
    evidence = ContractEvidence(current[0].contract) if current else None
    statuses = {
        condition.id: condition_status(condition, on, evidence).status for condition in current
    }
    any_not_met = any(status == ConditionStatus.NOT_MET for status in statuses.values())
    texts = db.session.execute(
        select(Condition.id, Condition.type, Condition.description, Condition.victim_relevant)
        .where(
            Condition.contract_id == contract_id,
            Condition.superseded_at.is_(None),
            victim_condition_filter(),
        )
        .order_by(Condition.created_at, Condition.id)
    ).all()
    conditions = [
        VictimCondition(
            type=row.type,
            description=row.description,
            status=statuses.get(row.id, ConditionStatus.NOT_STARTED).value,
            protects_victim=row.type == ConditionType.RESTRICTIVE.value,
        )
        for row in texts
        if row.type != ConditionType.REHABILITATIVE.value
    ]
    return conditions, any_not_met


def victim_dues(case_id: uuid.UUID, today: date) -> list[VictimDue]:
    rows = db.session.execute(
        select(
            Victim.id,
            Victim.wants_updates,
            Victim.enhanced_rights,
            Victim.update_frequency,
            Victim.owed_since.label("pending_at"),
        )
        .where(Victim.case_id == case_id)
        .order_by(Victim.created_at, Victim.id)
    ).all()
    return [
        VictimDue(
            id=row.id,
            wants_updates=bool(row.wants_updates),
            enhanced_rights=bool(row.enhanced_rights),
            update_frequency=row.update_frequency,
            due=due_rules.due_update(
                row.pending_at,
                wants_updates=bool(row.wants_updates),
                enhanced_rights=bool(row.enhanced_rights),
                today=today,
            ),
        )
        for row in rows
    ]


def update_log(case_id: uuid.UUID) -> list[UpdateEntry]:
    rows = db.session.execute(
        select(
            VictimUpdate.id,
            VictimUpdate.given_at,
            VictimUpdate.method,
            VictimUpdate.summary,
            VictimUpdate.victim_id,
            User.name.label("given_by"),
        )
        .join(User, User.id == VictimUpdate.given_by_id)
        .where(VictimUpdate.case_id == case_id)
        .order_by(VictimUpdate.given_at.desc(), VictimUpdate.id)
    ).all()
    return [
        UpdateEntry(
            id=row.id,
            given_at=row.given_at,
            method=row.method,
            summary=row.summary,
            given_by=row.given_by,
            victim_id=row.victim_id,
        )
        for row in rows
    ]


def build_view(case_id: uuid.UUID, today: date | None = None) -> VictimUpdateView:
    """The redacted view of a case. The caller has checked access (``policy.check_case``)
    and audits the read."""
    today = today or today_in_london()
    case = db.session.execute(
        select(Case.crime_reference, Case.status, Case.outcome_code, Case.outcome_decided_at).where(
            Case.id == case_id
        )
    ).one_or_none()
    if case is None:
        raise NotFound("No such case")
    contract = db.session.execute(
        select(Contract.id, Contract.start_date, Contract.end_date).where(
            Contract.case_id == case_id
        )
    ).one_or_none()
    conditions: list[VictimCondition] = []
    any_not_met = False
    if contract is not None:
        conditions, any_not_met = _conditions(contract.id, today)
    open_concern = case.status == CaseStatus.ACTIVE.value and _open_concern(case_id)
    stage, stage_text = stage_of(case.status)
    return VictimUpdateView(
        case_id=case_id,
        crime_reference=case.crime_reference,
        stage=stage,
        stage_text=stage_text,
        contract_start=contract.start_date if contract else None,
        contract_end=contract.end_date if contract else None,
        conditions=conditions,
        overall=overall_of(case.status, any_not_met, open_concern),
        outcome_code=case.outcome_code,
        outcome_decided_on=(
            today_in_london(case.outcome_decided_at) if case.outcome_decided_at else None
        ),
        updates=update_log(case_id),
        victims=victim_dues(case_id, today),
        closed=CaseStatus(case.status) in CLOSED,
    )
