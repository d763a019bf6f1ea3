"""How each condition of a contract is going: ``condition_status`` is the single place a
condition's status is decided; also where the contract is in its 16 weeks, and the reads
that show conditions with their progress.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import func, or_, select

from app.auth.models import User
from app.cases.services import view_case
from app.contracts.models import Condition, Contract
from app.dates import CONTRACT_WEEKS, contract_week, today_in_london
from app.evidence.queries import ContractEvidence, EvidenceItem
from app.extensions import db
from app.text import long_date


class ConditionStatus(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    MET = "met"
    NOT_MET = "not_met"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()

    @property
    def tag_class(self) -> str:
        return {
            "not_started": "govuk-tag--grey",
            "in_progress": "govuk-tag--light-blue",
            "met": "govuk-tag--green",
            "not_met": "govuk-tag--red",
        }[self.value]


@dataclass(frozen=True)
class ConditionProgress:
    status: ConditionStatus
    sessions_attended: int
    required_sessions: int | None
    deadline: date
    items: tuple[EvidenceItem, ...] = ()

    @property
    def evidence(self) -> dict:
        return {
            "sessions_attended": self.sessions_attended,
            "required_sessions": self.required_sessions,
            "items": list(self.items),
        }

    @property
    def progress_text(self) -> str:
        if self.required_sessions:
            return f"{self.sessions_attended} of {self.required_sessions} sessions attended"
        return "No sessions required"


def sessions_attended(condition: Condition, on: date | None = None) -> int:
    """Sessions attended toward ``condition`` (see ``app.evidence.queries`` for what counts)."""
    return ContractEvidence(condition.contract).for_condition(condition, on).sessions_attended


def condition_status(
    condition: Condition, on: date | None = None, evidence: ContractEvidence | None = None
) -> ConditionProgress:
    """How a condition is going on ``on`` (default: today in the UK), with its evidence.

    This is the single place the status is decided. ``evidence`` is the contract's
    evidence loaded once (``ContractEvidence``), for callers that show many conditions;
    without it, it is loaded here.

    * ``met``: the required sessions have all been attended; or, for a condition that needs
      no sessions, a linked referral was completed as achieved; or the keyworker recorded
      an entry marking this revision of the condition met.
    * ``not_met``: the deadline (the due date, or else the contract's end date, both
      inclusive) has passed without it being met.
    * ``in_progress``: some evidence so far (an acknowledgement, an acceptance, an
      attendance record or a keyworker entry), deadline not passed.
    * ``not_started``: no evidence yet, deadline not passed.
    """
    on = on or today_in_london()
    evidence = evidence or ContractEvidence(condition.contract)
    found = evidence.for_condition(condition, on)
    attended = found.sessions_attended
    required = condition.required_sessions
    deadline = condition.due_date or condition.contract.end_date
    met = (
        (required is not None and attended >= required)
        or found.marked_met
        or (required is None and found.referral_achieved)
    )
    if met:
        status = ConditionStatus.MET
    elif on > deadline:
        status = ConditionStatus.NOT_MET
    elif found.items:
        status = ConditionStatus.IN_PROGRESS
    else:
        status = ConditionStatus.NOT_STARTED
    return ConditionProgress(status, attended, required, deadline, tuple(found.items))


@dataclass(frozen=True)
class ContractTiming:
    """Where a contract is on ``on``: not started, week N of 16, or ended."""

    contract: Contract
    on: date

    @property
    def state(self) -> str:
        if self.on < self.contract.start_date:
            return "not_started"
        if self.on > self.contract.end_date:
            return "ended"
        return "running"

    @property
    def week(self) -> int | None:
        week = contract_week(self.contract.start_date, self.on)
        return None if week is None else min(week, CONTRACT_WEEKS)

    @property
    def text(self) -> str:
        if self.state == "not_started":
            return f"Not started yet: starts on {long_date(self.contract.start_date)}"
        if self.state == "ended":
            return f"Finished: ended on {long_date(self.contract.end_date)}"
        suffix = ": ends today" if self.on == self.contract.end_date else ""
        return f"In week {self.week} of {CONTRACT_WEEKS}{suffix}"


def contract_timing(contract: Contract, on: date | None = None) -> ContractTiming:
    return ContractTiming(contract, on or today_in_london())


# Reads --------------------------------------------------------------------------------


@dataclass
class ConditionRow:
    """A current condition with its progress and its older revisions (newest first)."""

    condition: Condition
    progress: ConditionProgress
    history: list[Condition] = field(default_factory=list)


def condition_rows(contract: Contract, on: date | None = None) -> list[ConditionRow]:
    """The contract's current conditions, each with its status and variation history."""
    on = on or today_in_london()
    everything = contract.conditions
    evidence = ContractEvidence(contract)
    by_id = {c.id: c for c in everything}
    rows = []
    for condition in everything:
        if condition.superseded_at is not None:
            continue
        history = []
        previous = by_id.get(condition.supersedes_id) if condition.supersedes_id else None
        while previous is not None:
            history.append(previous)
            previous = by_id.get(previous.supersedes_id) if previous.supersedes_id else None
        rows.append(ConditionRow(condition, condition_status(condition, on, evidence), history))
    # A varied condition keeps the place of the condition it first was.
    rows.sort(key=lambda row: (row.history[-1] if row.history else row.condition).created_at)
    return rows


def names_of(user_ids: Iterable[uuid.UUID | None]) -> dict[uuid.UUID, str]:
    """Staff names for showing who made each revision (one query)."""
    ids = {i for i in user_ids if i is not None}
    if not ids:
        return {}
    return dict(db.session.execute(select(User.id, User.name).where(User.id.in_(ids))).all())


def list_conditions(
    actor,
    case_id: uuid.UUID,
    *,
    include_superseded: bool = False,
    updated_since: datetime | None = None,
    page: int = 1,
    per_page: int = 50,
    on: date | None = None,
) -> tuple[list[tuple[Condition, ConditionProgress]], int]:
    """A page of the case's conditions (current ones unless ``include_superseded``), oldest
    first, each with its progress; and the total. Policy-checked and audited."""
    case = view_case(actor, case_id, purpose="condition_list")
    query = select(Condition).join(Contract).where(Contract.case_id == case.id)
    if not include_superseded:
        query = query.where(Condition.superseded_at.is_(None))
    if updated_since is not None:
        query = query.where(
            or_(Condition.created_at >= updated_since, Condition.superseded_at >= updated_since)
        )
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    conditions = db.session.scalars(
        query.order_by(Condition.created_at, Condition.revision, Condition.id)
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    on = on or today_in_london()
    evidence = ContractEvidence(case.contract) if conditions else None
    return [(c, condition_status(c, on, evidence)) for c in conditions], total
