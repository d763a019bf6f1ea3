"""Contract use-cases: agree the 16-week contract, add conditions, vary them, and vary
them in ``app.contracts.variations``; how each condition is going is
``app.contracts.progress``.

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
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.audit import services as audit
from app.cases.models import Case, CaseStatus
from app.cases.policy import get_case_for
from app.cases.timeline import add_event
from app.contracts.models import (
    RECORDABLE_METHODS,
    AgreementMethod,
    Condition,
    ConditionType,
    Contract,
)
from app.dates import contract_end, today_in_london
from app.errors import Conflict, InvalidInput, InvalidState
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


def validate_condition(
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


def check_contract(
    case: Case, start_date, agreed_on=None, agreement_method=None, conditions=()
) -> dict[str, str]:
    """What is wrong with a contract's details (nothing is written): ``agree_contract``
    refuses on these, and the contract page shows them beside its own form's errors."""
    return _checked_contract(case, start_date, agreed_on, agreement_method, conditions)[0]


def check_condition(contract: Contract, values: Mapping) -> dict[str, str]:
    """What is wrong with a condition's details on ``contract`` (nothing is written)."""
    return validate_condition(values, "", (contract.start_date, contract.end_date))[1]


def _checked_contract(case: Case, start_date, agreed_on, agreement_method, conditions):
    """The errors, and the values to record: the date agreed (defaulted), the method and
    the cleaned conditions."""
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
            clean, problems = validate_condition(spec, f"conditions.{index}.", period)
            cleaned.append(clean)
            errors.update(problems)
    return errors, agreed_on, method, cleaned


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

    errors, agreed_on, method, cleaned = _checked_contract(
        case, start_date, agreed_on, agreement_method, conditions
    )
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


def active_contract(case: Case) -> Contract:
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
    contract = active_contract(case)
    clean, errors = validate_condition(
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
