"""Reoffending checks: one for every case that ends, the work list by status, recording
one (page and API) and the rule that "did not reoffend" waits for the due date."""

from __future__ import annotations

import html
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.auth.roles import Role
from app.cases.models import CaseStatus
from app.dates import today_in_london
from app.extensions import db
from app.outcomes import services
from app.outcomes.models import ReoffendingCheck
from tests import factories
from tests.helpers import assert_landed_on, assert_redirects, post_form, sign_in
from tests.outcomes import support


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def check_of(case) -> ReoffendingCheck | None:
    db.session.expire_all()
    return db.session.scalar(select(ReoffendingCheck).where(ReoffendingCheck.case_id == case.id))


def a_check(days_until_due: int = -1, *, status=CaseStatus.COMPLETED, done=False):
    case = factories.case(status=status)
    check = ReoffendingCheck(case_id=case.id, due_on=today_in_london() + timedelta(days_until_due))
    if done:
        check.checked_at = datetime.now(UTC)
        check.reoffended = False
    db.session.add(check)
    db.session.commit()
    return check


def browser(app, role=Role.ADMIN):
    client = app.test_client()
    sign_in(client, factories.user(role))
    return client


def audit_details(action: str) -> list[dict]:
    db.session.expire_all()
    return [
        entry.details
        for entry in db.session.scalars(select(AuditEntry).where(AuditEntry.action == action))
    ]


# Every ending has its check ------------------------------------------------------------


def test_every_ending_is_checked_a_year_on(app):
    today = today_in_london()
    completed = support.active_case(conditions=[], exit_steps_done=True)
    services.submit_outcome(completed.supervisor, completed.case.id, "completed")
    breached = support.active_case(started_days_ago=30)
    services.submit_outcome(breached.supervisor, breached.case.id, "breached", "Missed")
    supervisor = factories.user(Role.SUPERVISOR)
    before_contract = factories.case(status=CaseStatus.ALLOCATED)
    services.submit_outcome(supervisor, before_contract.id, "opted_out", "Chose court")

    assert check_of(completed.case).due_on == completed.contract.end_date + timedelta(days=365)
    assert check_of(breached.case).due_on == today + timedelta(days=365)
    assert check_of(before_contract).due_on == today + timedelta(days=365)


def test_the_backfill_adds_the_missing_checks_once(app):
    decided = datetime(2026, 3, 10, 12, tzinfo=UTC)
    completed = factories.case(status=CaseStatus.COMPLETED, outcome_decided_at=decided)
    factories.contract(completed, start_date=decided.date() - timedelta(days=120))
    completed.status = CaseStatus.COMPLETED.value  # the factory made it active
    db.session.commit()
    opted_out = factories.case(status=CaseStatus.OPTED_OUT, outcome_decided_at=decided)
    breached = factories.case(status=CaseStatus.BREACHED, outcome_decided_at=decided)
    already = a_check()
    factories.case(status=CaseStatus.ACTIVE)  # not ended: no check

    result = app.test_cli_runner().invoke(args=["outcomes", "backfill-checks"])
    assert result.output.strip() == "Added 3 reoffending checks"
    contract_end = decided.date() - timedelta(days=120) + timedelta(days=112)
    assert check_of(completed).due_on == contract_end + timedelta(days=365)
    assert check_of(opted_out).due_on == decided.date() + timedelta(days=365)
    assert check_of(breached).due_on == decided.date() + timedelta(days=365)
    assert check_of(already.case).id == already.id
    again = app.test_cli_runner().invoke(args=["outcomes", "backfill-checks"])
    assert again.output.strip() == "Added 0 reoffending checks"
    assert audit_details("reoffending_check.backfilled") == [{"added": 3}, {"added": 0}]


# The work list -------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.ADMIN, Role.SUPERVISOR])
def test_the_work_list_by_status(app, role):
    due = a_check(-3)
    not_yet = a_check(20)
    done = a_check(-30, done=True)
    client = browser(app, role)
    shown = {}
    for status in ("due", "not_yet_due", "done"):
        page = text(client.get(f"/reoffending-checks?status={status}"))
        shown[status] = {
            c.case.crime_reference for c in (due, not_yet, done) if c.case.crime_reference in page
        }
        assert "Due (1)" in page and "Not yet due (1)" in page and "Done (1)" in page
    assert shown == {
        "due": {due.case.crime_reference},
        "not_yet_due": {not_yet.case.crime_reference},
        "done": {done.case.crime_reference},
    }
    assert "Did not reoffend" in text(client.get("/reoffending-checks?status=done"))
    # No status (or a strange one) shows the checks due.
    assert due.case.crime_reference in text(client.get("/reoffending-checks?status=odd"))


def test_the_work_list_is_paginated(app):
    checks = [a_check(-(n + 1)) for n in range(26)]
    client = browser(app)
    first = text(client.get("/reoffending-checks?status=due"))
    assert "Due: 26 checks, showing 1 to 25" in first
    second = text(client.get("/reoffending-checks?status=due&page=2"))
    assert "Due: 26 checks, showing 26 to 26" in second
    assert checks[0].case.crime_reference in second  # due most recently: last


# Recording one on its page ------------------------------------------------------------


def _date_parts(day) -> list[str]:
    return [str(day.day), str(day.month), str(day.year)]


def test_recording_a_reoffence_with_its_class_and_harm(app):
    check = a_check(-1)
    client = browser(app)
    path = f"/reoffending-checks/{check.id}"
    offence_day = today_in_london() - timedelta(days=40)
    response = post_form(
        client,
        path,
        {
            "reoffended": "yes",
            "reoffence_date": _date_parts(offence_day),
            "offence_class": "either_way",
            "harm_days": "28",
        },
    )
    assert_redirects(response, "/reoffending-checks")
    recorded = check_of(check.case)
    assert (recorded.reoffended, recorded.reoffence_date) == (True, offence_day)
    assert (recorded.offence_class, recorded.harm_days, recorded.reoffence) == (
        "either_way",
        28,
        None,
    )
    page = text(client.get(path))
    assert "Either way" in page and "28 days" in page
    assert audit_details("reoffending_check.recorded") == [
        {"case_id": str(check.case_id), "reoffended": True}
    ]


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"reoffended": "yes", "offence_class": "summary"}, "Enter the date of the offence"),
        ({"reoffended": "yes", "reoffence": "Theft"}, "Enter the date of the offence"),
        ({"reoffended": "yes", "offence_class": "murder"}, "Select the class of the offence"),
        ({"reoffended": "yes", "harm_days": "-3"}, "Crime harm must be a whole number of days"),
        ({"reoffended": "yes", "harm_days": "many"}, "Crime harm must be a whole number of days"),
        ({"reoffended": "yes"}, "Enter the offence or select its class"),
    ],
)
def test_a_reoffence_needs_its_date_and_offence(app, form, message):
    check = a_check(-1)
    client = browser(app)
    response = post_form(client, f"/reoffending-checks/{check.id}", form)
    assert response.status_code == 400
    assert message in text(response)
    assert check_of(check.case).checked_at is None


def test_a_reoffence_can_be_recorded_before_the_check_is_due_but_not_the_opposite(app):
    check = a_check(100)
    client = browser(app)
    path = f"/reoffending-checks/{check.id}"
    page = text(client.get(path))
    assert "not due until" in page
    refused = post_form(client, path, {"reoffended": "no"}, follow_redirects=True)
    assert_landed_on(refused, "/reoffending-checks")
    assert "'did not reoffend' can only be recorded from then" in text(refused)
    assert check_of(check.case).checked_at is None
    offence_day = today_in_london() - timedelta(days=3)
    recorded = post_form(
        client,
        path,
        {"reoffended": "yes", "reoffence_date": _date_parts(offence_day), "reoffence": "Theft"},
    )
    assert_redirects(recorded, "/reoffending-checks")
    assert check_of(check.case).reoffended is True


# The API --------------------------------------------------------------------------------


def test_the_api_lists_checks_by_status(client):
    due = a_check(-2)
    not_yet = a_check(5)
    done = a_check(-40, done=True)
    headers = support.headers_for(factories.user(Role.SUPERVISOR))

    def listed(query=""):
        answer = client.get(f"/api/v1/reoffending-checks{query}", headers=headers)
        assert answer.status_code == 200
        return answer.json

    body = listed("?status=due")
    assert body["total"] == 1 and body["page"] == 1 and body["per_page"] == 50
    assert body["items"][0].pop("updated_at").endswith("Z")
    assert body["items"] == [
        {
            "id": str(due.id),
            "case_id": str(due.case_id),
            "due_on": due.due_on.isoformat(),
            "status": "due",
            "checked_at": None,
            "reoffended": None,
            "reoffence_date": None,
            "offence_class": None,
            "harm_days": None,
        }
    ]
    assert [i["id"] for i in listed("?status=not_yet_due")["items"]] == [str(not_yet.id)]
    # All of them, in the order they last changed (the API's order for every list).
    assert [i["id"] for i in listed()["items"]] == [str(due.id), str(not_yet.id), str(done.id)]
    assert listed("?per_page=1&page=2")["items"][0]["id"] == str(not_yet.id)
    assert [i["id"] for i in listed("?status=done")["items"]] == [str(done.id)]
    bad = client.get("/api/v1/reoffending-checks?status=overdue", headers=headers)
    assert bad.status_code == 422


def test_the_api_list_syncs_with_updated_since(client):
    old = a_check(-5)
    old.updated_at = datetime(2026, 1, 1, tzinfo=UTC)
    db.session.commit()
    recent = a_check(-4)
    headers = support.headers_for(factories.user(Role.ADMIN))
    answer = client.get(
        "/api/v1/reoffending-checks",
        query_string={"updated_since": "2026-06-01T00:00:00Z"},
        headers=headers,
    )
    assert [item["id"] for item in answer.json["items"]] == [str(recent.id)]


def test_the_api_records_a_check(client):
    check = a_check(-1)
    headers = support.headers_for(factories.user(Role.ADMIN))
    path = f"/api/v1/reoffending-checks/{check.id}"
    on = (today_in_london() - timedelta(days=10)).isoformat()
    body = {"reoffended": True, "reoffence_date": on, "offence_class": "summary", "harm_days": 2}
    answer = client.post(path, json=body, headers=headers)
    assert answer.status_code == 200, answer.json
    assert answer.json["status"] == "done"
    assert (answer.json["reoffended"], answer.json["reoffence_date"]) == (True, on)
    assert (answer.json["offence_class"], answer.json["harm_days"]) == ("summary", 2)
    again = client.post(path, json={"reoffended": False}, headers=headers)
    assert again.status_code == 409
    assert again.json["code"] == "already_recorded"


def test_the_api_refuses_did_not_reoffend_before_the_due_date(client):
    check = a_check(30)
    headers = support.headers_for(factories.user(Role.ADMIN))
    path = f"/api/v1/reoffending-checks/{check.id}"
    early = client.post(path, json={"reoffended": False}, headers=headers)
    assert early.status_code == 409
    assert early.json["code"] == "invalid_state"
    on = (today_in_london() - timedelta(days=1)).isoformat()
    found = client.post(
        path,
        json={"reoffended": True, "reoffence_date": on, "offence_class": "indictable"},
        headers=headers,
    )
    assert found.status_code == 200
    assert found.json["status"] == "done"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"reoffended": "no"}, "reoffended"),
        ({"reoffended": True, "offence_class": "summary"}, "reoffence_date"),
        (
            {"reoffended": True, "reoffence_date": "2020-01-01", "offence_class": "x"},
            "offence_class",
        ),
        ({"reoffended": True, "harm_days": -1}, "harm_days"),
        ({"reoffended": True, "harm_days": "3"}, "harm_days"),
        ({"reoffended": True, "reoffence_date": "{yesterday}"}, "offence_class"),
        ({"reoffended": True, "reoffence_date": "{tomorrow}", "reoffence": "T"}, "reoffence_date"),
    ],
)
def test_the_api_names_the_field_at_fault(client, body, field):
    check = a_check(-1)
    headers = support.headers_for(factories.user(Role.ADMIN))
    today = today_in_london()
    body = {
        key: value.format(
            yesterday=(today - timedelta(days=1)).isoformat(),
            tomorrow=(today + timedelta(days=1)).isoformat(),
        )
        if isinstance(value, str)
        else value
        for key, value in body.items()
    }
    answer = client.post(f"/api/v1/reoffending-checks/{check.id}", json=body, headers=headers)
    assert answer.status_code == 422, answer.json
    assert field in answer.json["errors"]
    assert check_of(check.case).checked_at is None


def test_the_openapi_document_describes_the_checks(client):
    spec = client.get("/api/v1/openapi.json").json
    listing = spec["paths"]["/api/v1/reoffending-checks"]["get"]
    assert listing["x-roles"] == ["supervisor", "admin"]
    status = next(p for p in listing["parameters"] if p["name"] == "status")
    assert status["schema"]["enum"] == ["due", "not_yet_due", "done"]
    record = spec["paths"]["/api/v1/reoffending-checks/{check_id}"]["post"]
    assert {"200", "404", "409", "422"} <= set(record["responses"])
