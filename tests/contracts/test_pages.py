"""The contract pages, as a keyworker uses them."""

from __future__ import annotations

import html
import re
from datetime import date

import pytest
from sqlalchemy import func, select

from app.audit.models import AuditEntry
from app.cases.models import CaseStatus
from app.contracts import services, variations
from app.contracts.models import Condition, Contract
from app.extensions import db
from tests import factories
from tests.dom import parse
from tests.helpers import assert_redirects, post_form

ERROR_SUMMARY = "There is a problem"


@pytest.fixture(autouse=True)
def fixed_today(today):
    return today(date(2026, 11, 9))


def text(response) -> str:
    """The page's words, without tags, with white space collapsed."""
    body = re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))
    return re.sub(r"\s+", " ", html.unescape(body))


def stored() -> tuple[int, int]:
    db.session.expire_all()
    return (
        db.session.scalar(select(func.count()).select_from(Contract)),
        db.session.scalar(select(func.count()).select_from(Condition)),
    )


def contract_form(**fields) -> dict:
    data = {
        "start_date": ["2", "11", "2026"],
        "agreed_on": ["1", "11", "2026"],
        "agreement_method": "signed",
        "condition_type": "restrictive",
        "description": "Not to contact the victim directly or indirectly",
        "required_sessions": "",
        "due_date": ["", "", ""],
        "victim_relevant": "yes",
    }
    data.update(fields)
    return data


def active_case(keyworker, **contract_fields):
    case = factories.case(keyworker)
    contract = factories.contract(case, start_date=date(2026, 10, 1), **contract_fields)
    return case, contract


# The contract page --------------------------------------------------------------------


def test_without_a_contract_the_page_offers_to_agree_one(keyworker_client, eligible_case):
    response = keyworker_client.get(f"/cases/{eligible_case.id}/contract")
    assert response.status_code == 200
    page = text(response)
    assert "No contract yet" in page
    assert "Agree a contract" in page
    assert f'href="/cases/{eligible_case.id}/contract/new"' in response.get_data(as_text=True)
    assert 'aria-current="page"' in response.get_data(as_text=True)


def test_an_ineligible_case_can_go_no_further(keyworker_client, keyworker):
    case = factories.case(keyworker, status=CaseStatus.INELIGIBLE)
    page = text(keyworker_client.get(f"/cases/{case.id}/contract"))
    assert "can go no further" in page
    assert "Agree a contract" not in page
    response = keyworker_client.get(f"/cases/{case.id}/contract/new")
    assert_redirects(response, f"/cases/{case.id}/contract")


def test_the_page_shows_the_contract_its_week_and_its_conditions(keyworker_client, keyworker):
    case, contract = active_case(
        keyworker,
        conditions=[
            {
                "type": "rehabilitative",
                "description": "Attend 4 sessions with a substance misuse service",
                "required_sessions": 4,
            },
            {
                "type": "restorative",
                "description": "Write a letter of apology",
                "due_date": date(2026, 11, 1),
                "victim_relevant": True,
            },
        ],
    )
    response = keyworker_client.get(f"/cases/{case.id}/contract")
    assert response.status_code == 200
    page = text(response)
    assert "Start date 1 October 2026" in page
    assert "End date 21 January 2027" in page
    assert "week 6 of 16" in page
    assert "Agreed 1 October 2026, signed in person" in page
    assert "Attend 4 sessions with a substance misuse service" in page
    assert "0 of 4 attended" in page
    assert "Rehabilitative" in page and "Restorative" in page
    assert "By the end of the contract" in page and "1 November 2026" in page
    assert "Not started" in page and "Not met" in page  # the letter was due on 1 November
    assert "Add a condition" in page
    assert page.count("Vary ") >= 2


@pytest.mark.parametrize(
    ("start", "words"),
    [
        (date(2026, 12, 1), "Not started yet: starts on 1 December 2026"),
        (date(2026, 6, 1), "Finished: ended on 21 September 2026"),
    ],
)
def test_the_page_says_when_the_contract_starts_or_ended(keyworker_client, keyworker, start, words):
    case = factories.case(keyworker)
    factories.contract(case, start_date=start)
    assert words in text(keyworker_client.get(f"/cases/{case.id}/contract"))


def test_the_page_shows_each_conditions_variation_history(keyworker_client, keyworker):
    case, contract = active_case(keyworker)
    first = contract.conditions[0]
    second = variations.vary_condition(
        keyworker, first.id, "Sessions moved to evenings", {"required_sessions": 6}
    )
    variations.vary_condition(
        keyworker, second.id, "Agreed a shorter course", {"required_sessions": 3}
    )
    page = text(keyworker_client.get(f"/cases/{case.id}/contract"))
    assert "Revision 3" in page
    assert "Earlier versions (2)" in page
    assert "Sessions moved to evenings" in page and "Agreed a shorter course" in page
    assert "Revision 1" in page and "Revision 2" in page
    assert "Kim Keyworker" in page


def test_reading_the_contract_page_is_audited(keyworker_client, keyworker, eligible_case):
    keyworker_client.get(f"/cases/{eligible_case.id}/contract")
    db.session.expire_all()
    entry = db.session.scalar(
        select(AuditEntry).where(
            AuditEntry.action == "case.viewed", AuditEntry.object_id == str(eligible_case.id)
        )
    )
    assert entry.actor_id == keyworker.id


# Agreeing the contract -------------------------------------------------------------------


def test_agreeing_a_contract_through_the_form(keyworker_client, eligible_case):
    path = f"/cases/{eligible_case.id}/contract/new"
    form = keyworker_client.get(path)
    assert form.status_code == 200
    assert "Agree the contract" in text(form)
    response = post_form(keyworker_client, path, contract_form())
    assert_redirects(response, f"/cases/{eligible_case.id}/contract")

    page = text(keyworker_client.get(f"/cases/{eligible_case.id}/contract"))
    assert "Contract agreed. It runs for 16 weeks, from 2 November 2026 to 22 February 2027" in (
        page
    )
    assert "week 2 of 16" in page
    assert "Not to contact the victim directly or indirectly" in page
    db.session.expire_all()
    assert eligible_case.status == "active"
    (condition,) = eligible_case.contract.conditions
    assert condition.type == "restrictive" and condition.victim_relevant is True
    assert condition.required_sessions is None


def test_the_contract_form_shows_errors_and_writes_nothing(keyworker_client, eligible_case):
    path = f"/cases/{eligible_case.id}/contract/new"
    response = post_form(
        keyworker_client,
        path,
        contract_form(
            start_date=["1", "9", "2026"],
            agreed_on=["31", "2", "2026"],
            agreement_method="",
            condition_type="",
            description="",
            required_sessions="lots",
            due_date=["1", "", "2027"],
            victim_relevant="",
        ),
    )
    assert response.status_code == 400
    page = text(response)
    assert page.startswith("Error:") or "<title>Error:" in response.get_data(as_text=True)
    assert ERROR_SUMMARY in page
    for message in [
        "Date the person agreed to the contract must be a real date",
        "Select how the person agreed to the contract",
        "Select the type of condition",
        "Enter a description of the condition",
        "Number of sessions must be a whole number between 1 and 100",
        "Due date must include a month",
        "Select yes if the condition concerns the victim",
    ]:
        assert message in page, message
    assert stored() == (0, 0)


def test_service_rules_show_on_the_form(keyworker_client, eligible_case):
    path = f"/cases/{eligible_case.id}/contract/new"
    response = post_form(
        keyworker_client,
        path,
        contract_form(start_date=["1", "9", "2026"], required_sessions="0"),
    )
    assert response.status_code == 400
    page = text(response)
    assert "Start date must be no more than 28 days ago" in page
    response = post_form(
        keyworker_client, path, contract_form(required_sessions="0", due_date=["1", "3", "2027"])
    )
    page = text(response)
    assert "Number of sessions must be a whole number between 1 and 100" in page
    assert "Due date must be between 2 November 2026 and 22 February 2027" in page
    assert stored() == (0, 0)


def test_the_date_range_error_shows_with_the_other_errors(keyworker_client, eligible_case):
    response = post_form(
        keyworker_client,
        f"/cases/{eligible_case.id}/contract/new",
        contract_form(start_date=["1", "9", "2026"], agreement_method="", description=""),
    )
    doc = parse(response)
    assert doc.error_summary() == [
        "Start date must be no more than 28 days ago",
        "Select how the person agreed to the contract",
        "Enter a description of the condition",
    ]
    assert stored() == (0, 0)


def test_a_due_date_outside_the_contract_shows_with_the_other_errors(keyworker_client, keyworker):
    case, _ = active_case(keyworker)
    response = post_form(
        keyworker_client,
        f"/cases/{case.id}/contract/conditions/new",
        {
            "condition_type": "",
            "description": "Attend a course",
            "due_date": ["1", "3", "2027"],
            "victim_relevant": "no",
        },
    )
    doc = parse(response)
    assert doc.field_error("condition_type") == "Select the type of condition"
    assert doc.field_error("due_date") == (
        "Due date must be between 1 October 2026 and 21 January 2027, during the contract"
    )


def test_a_case_with_a_contract_cannot_get_another(keyworker_client, keyworker):
    case, _ = active_case(keyworker)
    response = keyworker_client.get(f"/cases/{case.id}/contract/new")
    assert_redirects(response, f"/cases/{case.id}/contract")
    assert "This case already has a contract" in text(
        keyworker_client.get(response.headers["Location"])
    )


# Adding and varying conditions --------------------------------------------------------------


def test_adding_a_condition(keyworker_client, keyworker):
    case, contract = active_case(keyworker)
    path = f"/cases/{case.id}/contract/conditions/new"
    assert keyworker_client.get(path).status_code == 200
    response = post_form(
        keyworker_client,
        path,
        contract_form(
            condition_type="reparative",
            description="Ten hours of unpaid work",
            required_sessions="5",
            due_date=["15", "1", "2027"],
            victim_relevant="no",
        ),
    )
    assert_redirects(response, f"/cases/{case.id}/contract")
    page = text(keyworker_client.get(response.headers["Location"]))
    assert "Condition added to the contract" in page
    assert "Ten hours of unpaid work" in page
    assert stored() == (1, 3)


def test_adding_a_condition_with_bad_input(keyworker_client, keyworker):
    case, _ = active_case(keyworker)
    response = post_form(
        keyworker_client,
        f"/cases/{case.id}/contract/conditions/new",
        contract_form(description="", due_date=["1", "6", "2027"]),
    )
    assert response.status_code == 400
    page = text(response)
    assert ERROR_SUMMARY in page
    assert "Enter a description of the condition" in page
    assert stored() == (1, 2)


def test_conditions_can_only_be_added_to_an_active_contract(keyworker_client, eligible_case):
    response = keyworker_client.get(f"/cases/{eligible_case.id}/contract/conditions/new")
    assert_redirects(response, f"/cases/{eligible_case.id}/contract")


@pytest.mark.parametrize("status", ["completed", "breached", "opted_out", "withdrawn"])
def test_a_closed_cases_conditions_no_longer_change(keyworker_client, keyworker, status):
    case, contract = active_case(keyworker)
    case.status = status
    db.session.commit()
    condition = contract.conditions[0]

    page = keyworker_client.get(f"/cases/{case.id}/contract").get_data(as_text=True)
    assert "Add a condition" not in page
    assert f"/conditions/{condition.id}/vary" not in page
    adding = keyworker_client.get(f"/cases/{case.id}/contract/conditions/new")
    varying = keyworker_client.get(f"/conditions/{condition.id}/vary")
    assert_redirects(adding, f"/cases/{case.id}/contract")
    assert_redirects(varying, f"/cases/{case.id}/contract")
    shown = text(keyworker_client.get(f"/cases/{case.id}/contract"))
    assert "Conditions can only be varied while the contract is active" in shown
    with pytest.raises(services.InvalidState):
        variations.vary_condition(keyworker, condition.id, "Review", {"description": "Changed"})
    assert stored() == (1, 2)


def test_varying_a_condition(keyworker_client, keyworker):
    case, contract = active_case(keyworker)
    condition = next(c for c in contract.conditions if c.type == "rehabilitative")
    path = f"/conditions/{condition.id}/vary"
    form = keyworker_client.get(path)
    assert form.status_code == 200
    body = form.get_data(as_text=True)
    assert "Attend 4 sessions with a substance misuse service" in body  # pre-filled
    assert 'value="4"' in body
    response = post_form(
        keyworker_client,
        path,
        contract_form(
            condition_type="rehabilitative",
            description="Attend 6 sessions with a substance misuse service",
            required_sessions="6",
            victim_relevant="no",
            reason="They asked for more support",
        ),
    )
    assert_redirects(response, f"/cases/{case.id}/contract")
    page = text(keyworker_client.get(response.headers["Location"]))
    assert "Condition varied. The new version is revision 2" in page
    assert "Attend 6 sessions" in page
    db.session.expire_all()
    old = db.session.get(Condition, condition.id)
    assert old.description == "Attend 4 sessions with a substance misuse service"
    assert old.superseded_at is not None


def test_a_variation_needs_a_reason_and_a_change(keyworker_client, keyworker):
    case, contract = active_case(keyworker)
    condition = next(c for c in contract.conditions if c.type == "rehabilitative")
    path = f"/conditions/{condition.id}/vary"
    unchanged = contract_form(
        condition_type="rehabilitative",
        description=condition.description,
        required_sessions="4",
        victim_relevant="no",
    )
    response = post_form(keyworker_client, path, {**unchanged, "reason": ""})
    assert response.status_code == 400
    assert "Enter the reason for the variation" in text(response)
    response = post_form(keyworker_client, path, {**unchanged, "reason": "Review"})
    assert response.status_code == 400
    assert "Change at least one detail of the condition" in text(response)
    assert stored() == (1, 2)


def test_a_superseded_condition_sends_you_back_to_the_contract(keyworker_client, keyworker):
    case, contract = active_case(keyworker)
    condition = contract.conditions[0]
    variations.vary_condition(keyworker, condition.id, "Review", {"description": "Changed"})
    response = keyworker_client.get(f"/conditions/{condition.id}/vary")
    assert_redirects(response, f"/cases/{case.id}/contract")
    assert "Vary its current version" in text(keyworker_client.get(response.headers["Location"]))
