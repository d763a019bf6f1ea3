"""Contract use-cases: agree the 16-week contract, add conditions, vary them, and say how
each condition is going.

Each public function that changes something owns its transaction: it checks the case
policy, raises a domain error before anything is written when a rule is broken, then adds
the change, its audit entry and its timeline event, and commits once.

Rules decided here (and shown to users in the form hints and the API schema):

* Only an ``eligible`` or ``allocated`` case can get a contract; a case has at most one.
* The start date may be up to ``START_MAX_DAYS_AGO`` (28) days in the past, so a contract
  agreed on paper can be recorded late, and up to ``START_MAX_DAYS_AHEAD`` (90) days ahead.
* The end date is always ``app.dates.contract_end(start_date)``: 112 days later. The end
  date is the contract's last day.
* ``agreed_on`` defaults to the start date (or today, if the start is in the future); it
  cannot be in the future or before the offence. ``agreement_method`` defaults to ``signed``.
* A variation never overwrites a condition: it adds a new row (revision + 1) that
  supersedes the old one, and stamps the old one's ``superseded_at``.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum

from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError

from app.audit import services as audit
from app.auth.models import User
from app.cases.models import Case, CaseStatus
from app.cases.policy import get_case_for
from app.cases.services import view_case
from app.cases.timeline import add_event
from app.contracts.models import (
    RECORDABLE_METHODS,
    AgreementMethod,
    Condition,
    ConditionType,
    Contract,
)
from app.database import utcnow
from app.dates import CONTRACT_WEEKS, contract_end, contract_week, today_in_london
from app.errors import Conflict, InvalidInput, InvalidState, NotFound
from app.evidence.queries import ContractEvidence, EvidenceItem
from app.extensions import db
from app.text import long_date

START_MAX_DAYS_AGO = 28
START_MAX_DAYS_AHEAD = 90
DESCRIPTION_MAX = 2000
REASON_MAX = 1000
SESSIONS_MIN, SESSIONS_MAX = 1, 100
MAX_CONDITIONS = 50
CONTRACTABLE = frozenset({CaseStatus.ELIGIBLE.value, CaseStatus.ALLOCATED.value})
CONDITION_FIELDS = ("type", "description", "required_sessions", "due_date", "victim_relevant")


class ContractExists(Conflict):
    code = "contract_exists"


class ConditionSuperseded(Conflict):
    code = "superseded"


# Validation ---------------------------------------------------------------------------


def _validate_condition(
    spec: Mapping, prefix: str, period: tuple[date, date] | None
) -> tuple[dict, dict[str, str]]:
    """Clean one condition's fields; errors are keyed ``<prefix><field>``."""
    errors: dict[str, str] = {}
    clean: dict = {}
    unknown = set(spec) - set(CONDITION_FIELDS)
    for name in sorted(unknown):
        errors[f"{prefix}{name}"] = "Unknown field"

    raw_type = spec.get("type")
    try:
        clean["type"] = ConditionType(raw_type).value
    except ValueError:
        errors[f"{prefix}type"] = "Select the type of condition"

    description = spec.get("description")
    description = description.strip() if isinstance(description, str) else ""
    if not description:
        errors[f"{prefix}description"] = "Enter a description of the condition"
    elif len(description) > DESCRIPTION_MAX:
        errors[f"{prefix}description"] = (
            f"Description must be {DESCRIPTION_MAX} characters or fewer"
        )
    clean["description"] = description

    sessions = spec.get("required_sessions")
    if sessions is not None and (
        isinstance(sessions, bool)
        or not isinstance(sessions, int)
        or not SESSIONS_MIN <= sessions <= SESSIONS_MAX
    ):
        errors[f"{prefix}required_sessions"] = (
            f"Number of sessions must be a whole number between {SESSIONS_MIN} and {SESSIONS_MAX}"
        )
    clean["required_sessions"] = sessions

    due = spec.get("due_date")
    if due is not None:
        if not isinstance(due, date) or isinstance(due, datetime):
            errors[f"{prefix}due_date"] = "Due date must be a real date"
        elif period is not None and not period[0] <= due <= period[1]:
            errors[f"{prefix}due_date"] = (
                f"Due date must be between {long_date(period[0])} and {long_date(period[1])}, "
                "during the contract"
            )
    clean["due_date"] = due

    victim = spec.get("victim_relevant")
    if victim is None:
        victim = False
    if not isinstance(victim, bool):
        errors[f"{prefix}victim_relevant"] = "Select whether the condition concerns the victim"
    clean["victim_relevant"] = victim
    return clean, errors


def _validate_start(start_date, today: date) -> str | None:
    if not isinstance(start_date, date) or isinstance(start_date, datetime):
        return "Enter the start date"
    if start_date < today - timedelta(days=START_MAX_DAYS_AGO):
        return f"Start date must be no more than {START_MAX_DAYS_AGO} days ago"
    if start_date > today + timedelta(days=START_MAX_DAYS_AHEAD):
        return f"Start date must be no more than {START_MAX_DAYS_AHEAD} days from today"
    return None


def default_agreed_on(start_date: date, today: date | None = None) -> date:
    """The default date of agreement: the start date, or today if the start is ahead."""
    return min(start_date, today or today_in_london())


# Use-cases ----------------------------------------------------------------------------


def can_take_a_contract(case: Case) -> bool:
    """Only an eligible or allocated case can have its contract agreed."""
    return case.status in CONTRACTABLE


def conditions_can_change(case: Case) -> bool:
    """Conditions are added and varied only while the case is active under its contract."""
    return case.contract is not None and case.status == CaseStatus.ACTIVE.value


def agree_contract(
    actor,
    case_id: uuid.UUID,
    start_date: date,
    agreed_on: date | None = None,
    agreement_method: str | None = None,
    conditions: Iterable[Mapping] = (),
) -> Contract:
    """Record the person's 16-week contract with its first conditions; the case becomes
    active. ``conditions`` are mappings with the keys in ``CONDITION_FIELDS``."""
    case = get_case_for(actor, case_id, for_update=True)
    if db.session.scalar(select(Contract.id).where(Contract.case_id == case.id)) is not None:
        raise ContractExists("This case already has a contract")
    if not can_take_a_contract(case):
        raise InvalidState(
            f"A case that is {case.status_enum.label.lower()} cannot have a contract: "
            "only an eligible or allocated case can"
        )

    today = today_in_london()
    errors: dict[str, str] = {}
    start_problem = _validate_start(start_date, today)
    if start_problem:
        errors["start_date"] = start_problem
    period = None if start_problem else (start_date, contract_end(start_date))

    if agreed_on is None and not start_problem:
        agreed_on = default_agreed_on(start_date, today)
    if not isinstance(agreed_on, date) or isinstance(agreed_on, datetime):
        if not start_problem:
            errors["agreed_on"] = "Enter the date the person agreed to the contract"
    elif agreed_on > today:
        errors["agreed_on"] = "Date agreed must be today or in the past"
    elif agreed_on < case.offence_committed_on:
        errors["agreed_on"] = "Date agreed must be on or after the date of the offence"

    method = agreement_method if agreement_method is not None else AgreementMethod.SIGNED.value
    if method not in {m.value for m in RECORDABLE_METHODS}:
        errors["agreement_method"] = "Select how the person agreed to the contract"

    specs = list(conditions or ())
    cleaned = []
    if not specs:
        errors["conditions"] = "Add at least one condition"
    elif len(specs) > MAX_CONDITIONS:
        errors["conditions"] = f"A contract can have at most {MAX_CONDITIONS} conditions"
    else:
        for index, spec in enumerate(specs):
            if not isinstance(spec, Mapping):
                errors[f"conditions.{index}"] = "Each condition must be an object"
                continue
            clean, problems = _validate_condition(spec, f"conditions.{index}.", period)
            cleaned.append(clean)
            errors.update(problems)
    if errors:
        db.session.rollback()
        raise InvalidInput(errors, "The contract details are not valid")

    contract = Contract(
        case_id=case.id,
        start_date=start_date,
        end_date=contract_end(start_date),
        agreed_on=agreed_on,
        agreement_method=method,
        created_by_id=actor.id,
    )
    db.session.add(contract)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise ContractExists("This case already has a contract") from None
    added = [
        Condition(contract_id=contract.id, created_by_id=actor.id, revision=1, **clean)
        for clean in cleaned
    ]
    db.session.add_all(added)
    db.session.flush()
    case.status = CaseStatus.ACTIVE.value
    audit.record(
        "contract.agreed",
        "contract",
        contract.id,
        actor=actor,
        details={
            "case_id": str(case.id),
            "condition_ids": [str(c.id) for c in added],
            "agreement_method": method,
        },
    )
    for condition in added:
        audit.record(
            "condition.added",
            "condition",
            condition.id,
            actor=actor,
            details={"case_id": str(case.id), "contract_id": str(contract.id), "revision": 1},
        )
    count = len(added)
    add_event(
        case,
        "contract.agreed",
        f"Contract agreed: 16 weeks from {long_date(contract.start_date)} to "
        f"{long_date(contract.end_date)}, with {count} condition{'s' if count != 1 else ''}",
        actor=actor,
    )
    db.session.commit()
    return contract


def _active_contract(case: Case) -> Contract:
    contract = db.session.scalar(select(Contract).where(Contract.case_id == case.id))
    if contract is None:
        raise InvalidState("This case has no contract yet")
    if not conditions_can_change(case):
        raise InvalidState(
            f"The case is {case.status_enum.label.lower()}: "
            "conditions can only change while the contract is active"
        )
    return contract


def add_condition(
    actor,
    case_id: uuid.UUID,
    *,
    type: str,
    description: str,
    required_sessions: int | None = None,
    due_date: date | None = None,
    victim_relevant: bool = False,
) -> Condition:
    """Add a new condition (revision 1) to the case's active contract."""
    case = get_case_for(actor, case_id, for_update=True)
    contract = _active_contract(case)
    clean, errors = _validate_condition(
        {
            "type": type,
            "description": description,
            "required_sessions": required_sessions,
            "due_date": due_date,
            "victim_relevant": victim_relevant,
        },
        "",
        (contract.start_date, contract.end_date),
    )
    if errors:
        db.session.rollback()
        raise InvalidInput(errors, "The condition is not valid")
    condition = Condition(contract_id=contract.id, created_by_id=actor.id, revision=1, **clean)
    db.session.add(condition)
    db.session.flush()
    audit.record(
        "condition.added",
        "condition",
        condition.id,
        actor=actor,
        details={"case_id": str(case.id), "contract_id": str(contract.id), "revision": 1},
    )
    add_event(
        case,
        "condition.added",
        f"{ConditionType(clean['type']).label} condition added to the contract",
        actor=actor,
    )
    db.session.commit()
    return condition


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
    contract = _active_contract(case)
    errors: dict[str, str] = {}
    reason = reason.strip() if isinstance(reason, str) else ""
    if not reason:
        errors["reason"] = "Enter the reason for the variation"
    elif len(reason) > REASON_MAX:
        errors["reason"] = f"Reason must be {REASON_MAX} characters or fewer"
    merged = {name: getattr(condition, name) for name in CONDITION_FIELDS}
    merged.update(changes)
    clean, problems = _validate_condition(merged, "", (contract.start_date, contract.end_date))
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


# Progress -----------------------------------------------------------------------------


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
