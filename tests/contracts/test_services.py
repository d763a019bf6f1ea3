"""Agreeing contracts, adding and varying conditions, and the conditions' statuses."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from app.audit.models import AuditEntry
from app.auth.roles import Role
from app.cases.models import CaseEvent, CaseStatus
from app.contracts import progress, services, variations
from app.contracts.models import Condition, Contract
from app.errors import Conflict, InvalidInput, NotFound
from app.extensions import db
from tests import factories

START = date(2026, 11, 2)
REHAB = {
    "type": "rehabilitative",
    "description": "Attend 4 sessions with a substance misuse service",
    "required_sessions": 4,
}
APOLOGY = {
    "type": "restorative",
    "description": "Write a letter of apology to the victim",
    "victim_relevant": True,
}


@pytest.fixture(autouse=True)
def fixed_today(today):
    return today(date(2026, 11, 9))


def counts() -> tuple[int, int]:
    db.session.expire_all()
    return (
        db.session.scalar(select(func.count()).select_from(Contract)),
        db.session.scalar(select(func.count()).select_from(Condition)),
    )


def audit_actions(object_id) -> list[str]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(AuditEntry.action)
            .where(AuditEntry.object_id == str(object_id))
            .order_by(AuditEntry.id)
        )
    )


def events(case) -> list[tuple[str, str]]:
    db.session.expire_all()
    return [
        (e.kind, e.summary)
        for e in db.session.scalars(
            select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.id)
        )
    ]


def agree(actor, case, **kwargs):
    values = {"start_date": START, "conditions": [REHAB, APOLOGY]}
    values.update(kwargs)
    return services.agree_contract(actor, case.id, **values)


# Agreeing a contract -------------------------------------------------------------------


@pytest.mark.parametrize("status", [CaseStatus.ELIGIBLE, CaseStatus.ALLOCATED])
def test_an_eligible_or_allocated_case_gets_a_contract_and_becomes_active(keyworker, status):
    case = factories.case(keyworker, status=status)
    contract = agree(keyworker, case, agreed_on=date(2026, 11, 1), agreement_method="verbal")

    db.session.expire_all()
    assert case.status == "active"
    assert contract.start_date == START
    assert contract.end_date == date(2027, 2, 22)
    assert contract.agreed_on == date(2026, 11, 1)
    assert contract.agreement_method == "verbal"
    assert contract.created_by_id == keyworker.id
    rehab, apology = sorted(contract.conditions, key=lambda c: c.type)
    assert (rehab.revision, rehab.required_sessions, rehab.victim_relevant) == (1, 4, False)
    assert (apology.revision, apology.required_sessions, apology.victim_relevant) == (1, None, True)
    assert audit_actions(contract.id) == ["contract.agreed"]
    assert audit_actions(rehab.id) == ["condition.added"]
    assert events(case) == [
        (
            "contract.agreed",
            "Contract agreed: 16 weeks from 2 November 2026 to 22 February 2027, with 2 conditions",
        )
    ]


def test_defaults_are_agreed_on_the_start_date_and_signed(keyworker, eligible_case):
    contract = agree(keyworker, eligible_case)
    assert contract.agreed_on == START
    assert contract.agreement_method == "signed"


def test_a_future_start_defaults_the_agreement_to_today(keyworker, eligible_case):
    contract = agree(keyworker, eligible_case, start_date=date(2026, 12, 1))
    assert contract.agreed_on == date(2026, 11, 9)


def test_a_supervisor_may_agree_a_contract_for_any_case(eligible_case):
    supervisor = factories.user(Role.SUPERVISOR)
    contract = agree(supervisor, eligible_case)
    assert contract.created_by_id == supervisor.id


def test_another_keyworker_gets_not_found_and_nothing_is_written(eligible_case):
    with pytest.raises(NotFound):
        agree(factories.user(Role.KEYWORKER), eligible_case)
    assert counts() == (0, 0)


@pytest.mark.parametrize(
    "status",
    [
        CaseStatus.INELIGIBLE,
        CaseStatus.COMPLETED,
        CaseStatus.BREACHED,
        CaseStatus.OPTED_OUT,
        CaseStatus.WITHDRAWN,
        CaseStatus.ACTIVE,
    ],
)
def test_other_states_cannot_get_a_contract(keyworker, status):
    case = factories.case(keyworker, status=status)
    with pytest.raises(Conflict) as raised:
        agree(keyworker, case)
    assert raised.value.code == "invalid_state"
    assert counts() == (0, 0)
    db.session.expire_all()
    assert case.status == status.value


def test_a_case_gets_one_contract_only(keyworker, eligible_case):
    agree(keyworker, eligible_case)
    with pytest.raises(Conflict) as raised:
        agree(keyworker, eligible_case)
    assert raised.value.code == "contract_exists"
    assert counts() == (1, 2)


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        ({"start_date": None}, {"start_date": "Enter the start date"}),
        (
            {"start_date": date(2026, 10, 11)},
            {"start_date": "Start date must be no more than 28 days ago"},
        ),
        (
            {"start_date": date(2027, 2, 8)},
            {"start_date": "Start date must be no more than 90 days from today"},
        ),
        (
            {"agreed_on": date(2026, 11, 10)},
            {"agreed_on": "Date agreed must be today or in the past"},
        ),
        (
            {"agreed_on": date(2026, 9, 30)},
            {"agreed_on": "Date agreed must be on or after the date of the offence"},
        ),
        (
            {"agreement_method": "carrier pigeon"},
            {"agreement_method": "Select how the person agreed to the contract"},
        ),
        ({"conditions": []}, {"conditions": "Add at least one condition"}),
    ],
)
def test_contract_details_are_checked(keyworker, eligible_case, changes, errors):
    with pytest.raises(InvalidInput) as raised:
        agree(keyworker, eligible_case, **changes)
    assert raised.value.errors == errors
    assert counts() == (0, 0)
    db.session.expire_all()
    assert eligible_case.status == "eligible"


def test_the_start_date_window_is_inclusive(keyworker):
    assert agree(keyworker, factories.case(keyworker), start_date=date(2026, 10, 12))
    assert agree(keyworker, factories.case(keyworker), start_date=date(2027, 2, 7))


def test_every_bad_condition_field_is_named(keyworker, eligible_case):
    bad = [
        REHAB,
        {
            "type": "punitive",
            "description": "   ",
            "required_sessions": 0,
            "due_date": date(2027, 3, 1),
            "victim_relevant": "yes",
        },
        {"type": "restrictive", "description": "x" * 2001, "required_sessions": 101},
        {"type": "reparative", "description": "Pay compensation", "due_date": START - timedelta(1)},
        {"type": "reparative", "description": "Pay compensation", "required_sessions": True},
    ]
    with pytest.raises(InvalidInput) as raised:
        agree(keyworker, eligible_case, conditions=bad)
    sessions = "Number of sessions must be a whole number between 1 and 100"
    period = "Due date must be between 2 November 2026 and 22 February 2027, during the contract"
    assert raised.value.errors == {
        "conditions.1.type": "Select the type of condition",
        "conditions.1.description": "Enter a description of the condition",
        "conditions.1.required_sessions": sessions,
        "conditions.1.due_date": period,
        "conditions.1.victim_relevant": "Select whether the condition concerns the victim",
        "conditions.2.description": "Description must be 2000 characters or fewer",
        "conditions.2.required_sessions": sessions,
        "conditions.3.due_date": period,
        "conditions.4.required_sessions": sessions,
    }
    assert counts() == (0, 0)


def test_limits_of_a_condition_are_allowed(keyworker, eligible_case):
    contract = agree(
        keyworker,
        eligible_case,
        conditions=[
            {
                "type": "reparative",
                "description": "x" * 2000,
                "required_sessions": 100,
                "due_date": date(2027, 2, 22),
            },
            {"type": "restrictive", "description": "Stay away", "required_sessions": 1},
        ],
    )
    assert len(contract.conditions) == 2


# Adding conditions ----------------------------------------------------------------------


def test_a_condition_is_added_to_an_active_contract(keyworker, eligible_case):
    contract = agree(keyworker, eligible_case)
    condition = services.add_condition(
        keyworker,
        eligible_case.id,
        type="reparative",
        description="Ten hours of unpaid work for the community",
        required_sessions=5,
        due_date=date(2027, 1, 31),
    )
    assert condition.contract_id == contract.id
    assert condition.revision == 1
    assert audit_actions(condition.id) == ["condition.added"]
    assert events(eligible_case)[-1] == (
        "condition.added",
        "Reparative condition added to the contract",
    )


def test_a_condition_needs_an_active_contract(keyworker, eligible_case):
    with pytest.raises(Conflict):
        services.add_condition(keyworker, eligible_case.id, type="restrictive", description="x")
    completed = factories.case(keyworker)
    factories.contract(completed)
    completed.status = CaseStatus.COMPLETED.value
    db.session.commit()
    with pytest.raises(Conflict):
        services.add_condition(keyworker, completed.id, type="restrictive", description="x")


def test_an_added_condition_is_checked(keyworker, eligible_case):
    agree(keyworker, eligible_case)
    with pytest.raises(InvalidInput) as raised:
        services.add_condition(
            keyworker, eligible_case.id, type="", description="", due_date=date(2027, 3, 1)
        )
    assert set(raised.value.errors) == {"type", "description", "due_date"}
    assert counts() == (1, 2)


# Variations -----------------------------------------------------------------------------


def test_a_variation_is_a_new_revision_and_the_old_row_is_unchanged(keyworker, eligible_case):
    contract = agree(keyworker, eligible_case)
    old = next(c for c in contract.conditions if c.type == "rehabilitative")
    old_id, before = old.id, (old.type, old.description, old.required_sessions, old.due_date)

    new = variations.vary_condition(
        keyworker,
        old_id,
        "  Moved to a weekly group that suits their working hours  ",
        {"required_sessions": 6, "due_date": date(2027, 2, 1)},
    )

    db.session.expire_all()
    old = db.session.get(Condition, old_id)
    assert (old.type, old.description, old.required_sessions, old.due_date) == before
    assert old.superseded_at is not None
    assert old.variation_reason is None
    assert new.id != old_id
    assert new.revision == 2
    assert new.supersedes_id == old_id
    assert new.variation_reason == "Moved to a weekly group that suits their working hours"
    assert (new.type, new.description) == (old.type, old.description)  # copied
    assert (new.required_sessions, new.due_date) == (6, date(2027, 2, 1))
    assert new.superseded_at is None
    assert new.created_by_id == keyworker.id
    assert audit_actions(new.id) == ["condition.varied"]
    assert events(eligible_case)[-1] == (
        "condition.varied",
        "Rehabilitative condition varied (revision 2)",
    )
    current = [c.id for c in db.session.get(Contract, contract.id).current_conditions]
    assert old_id not in current and new.id in current


def test_a_superseded_condition_cannot_be_varied(keyworker, eligible_case):
    contract = agree(keyworker, eligible_case)
    old_id = contract.conditions[0].id
    second = variations.vary_condition(keyworker, old_id, "Agreed change", {"description": "New"})
    with pytest.raises(Conflict) as raised:
        variations.vary_condition(keyworker, old_id, "Again", {"description": "Newer"})
    assert raised.value.code == "superseded"
    third = variations.vary_condition(keyworker, second.id, "Again", {"description": "Newer"})
    assert (third.revision, third.supersedes_id) == (3, second.id)
    assert counts() == (1, 4)


@pytest.mark.parametrize(
    ("reason", "changes", "errors"),
    [
        ("", {"description": "New"}, {"reason": "Enter the reason for the variation"}),
        ("x" * 1001, {"description": "New"}, {"reason": "Reason must be 1000 characters or fewer"}),
        ("Why", {}, {"changes": "Change at least one detail of the condition"}),
        ("Why", {"description": " "}, {"description": "Enter a description of the condition"}),
        (
            "Why",
            {"due_date": date(2027, 3, 1)},
            {
                "due_date": "Due date must be between 2 November 2026 and 22 February 2027, "
                "during the contract"
            },
        ),
    ],
)
def test_a_variation_is_checked_and_nothing_is_written(
    keyworker, eligible_case, reason, changes, errors
):
    contract = agree(keyworker, eligible_case)
    condition_id = contract.conditions[0].id
    with pytest.raises(InvalidInput) as raised:
        variations.vary_condition(keyworker, condition_id, reason, changes)
    assert raised.value.errors == errors
    assert counts() == (1, 2)
    db.session.expire_all()
    assert db.session.get(Condition, condition_id).superseded_at is None


def test_another_keyworker_cannot_vary_a_condition(keyworker, eligible_case):
    contract = agree(keyworker, eligible_case)
    with pytest.raises(NotFound):
        variations.vary_condition(
            factories.user(Role.KEYWORKER), contract.conditions[0].id, "Why", {"description": "x"}
        )
    assert counts() == (1, 2)


# Statuses -------------------------------------------------------------------------------


def test_condition_status_before_and_after_the_deadline(keyworker, eligible_case):
    contract = agree(
        keyworker,
        eligible_case,
        conditions=[REHAB, {**APOLOGY, "due_date": date(2026, 12, 1)}],
    )
    rehab, apology = sorted(contract.conditions, key=lambda c: c.type)

    on_day_one = progress.condition_status(rehab, START)
    assert on_day_one.status == "not_started"
    assert on_day_one.evidence == {"sessions_attended": 0, "required_sessions": 4, "items": []}
    assert progress.condition_status(apology, date(2026, 12, 1)).status == "not_started"
    assert progress.condition_status(apology, date(2026, 12, 2)).status == "not_met"
    assert progress.condition_status(rehab, date(2027, 2, 22)).status == "not_started"
    assert progress.condition_status(rehab, date(2027, 2, 23)).status == "not_met"
    assert progress.condition_status(apology, START).evidence == {
        "sessions_attended": 0,
        "required_sessions": None,
        "items": [],
    }
