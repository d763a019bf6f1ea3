"""Recording what victims said and were told: the consultation before the contract, their
update preferences, each update given (page and API), and the ending survey. Every
change is audited and goes on the case timeline."""

from __future__ import annotations

import json
from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.cases.models import CaseEvent, CaseStatus
from app.database import utcnow
from app.dates import LONDON, today_in_london
from app.errors import InvalidInput
from app.extensions import db
from app.outcomes.models import Survey
from app.victims import liaison
from app.victims.models import Victim, VictimConsultation, VictimUpdate
from tests import factories
from tests.dom import parse
from tests.helpers import assert_landed_on, assert_redirects, csrf_token, post_form
from tests.victims import support


def _date(name: str, day) -> dict:
    return {name: [str(day.day), str(day.month), str(day.year)]}


def _audit(action: str) -> list[AuditEntry]:
    db.session.expire_all()
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def _events(case, kind: str) -> list[CaseEvent]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(CaseEvent).where(CaseEvent.case_id == case.id, CaseEvent.kind == kind)
        )
    )


@pytest.fixture
def case_with_victim(keyworker):
    case = factories.case(keyworker, offence_committed_on=today_in_london() - timedelta(days=30))
    return case, support.victim(case)


# Updates ----------------------------------------------------------------------------


def test_recording_an_update_from_the_page(app, liaison_officer, case_with_victim):
    case, victim = case_with_victim
    browser = support.browser_for(app, liaison_officer)
    path = f"/victims/cases/{case.id}"
    yesterday = today_in_london() - timedelta(days=1)

    response = browser.post(
        f"{path}/updates",
        data={
            "csrf_token": csrf_token(browser, path),
            "summary": "I told Vera the person is being considered for the scheme.",
            "victim_id": str(victim.id),
            "method": "phone",
            **_date("given_on", yesterday),
            "given_time": "14:30",
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"] == path
    page = support.page_text(browser.get(path))
    assert "Update recorded" in page
    assert "I told Vera the person is being considered for the scheme." in page
    assert "by Lee Liaison" in page

    db.session.expire_all()
    update = db.session.scalar(select(VictimUpdate))
    assert update.victim_id == victim.id and update.method == "phone"
    assert update.given_by_id == liaison_officer.id
    assert update.given_at == datetime.combine(
        yesterday, datetime.min.time().replace(hour=14, minute=30), tzinfo=LONDON
    ).astimezone(UTC)
    [entry] = _audit("victim.update_recorded")
    assert entry.object_id == str(update.id) and entry.actor_id == liaison_officer.id
    assert "Vera" not in json.dumps(entry.details)
    [event] = _events(case, "victim.updated")
    assert event.summary == "Victim given an update (phone)"

    # The officer's home page lists it among their recent contacts.
    home = support.page_text(browser.get("/victims/"))
    assert case.crime_reference in home and "Phone" in home


def test_an_update_with_errors_is_shown_again_with_the_messages(
    app, liaison_officer, case_with_victim
):
    case, victim = case_with_victim
    browser = support.browser_for(app, liaison_officer)
    path = f"/victims/cases/{case.id}"
    response = browser.post(
        f"{path}/updates",
        data={
            "csrf_token": csrf_token(browser, path),
            "summary": "  ",
            "given_on": ["31", "2", "2026"],
            "given_time": "25:00",
        },
    )

    assert response.status_code == 400
    text = support.page_text(response)
    assert "Error: Victim update" in text
    for message in (
        "Enter what the victim was told",
        "Select who was told",
        "Select how the victim was told",
        "Date the update was given must be a real date",
        "Enter a real time, like 2:30pm or 14:30",
    ):
        assert message in text
    db.session.expire_all()
    assert db.session.scalar(select(VictimUpdate)) is None


def test_an_update_cannot_be_in_the_future(app, liaison_officer, case_with_victim):
    case, victim = case_with_victim
    browser = support.browser_for(app, liaison_officer)
    path = f"/victims/cases/{case.id}"
    response = browser.post(
        f"{path}/updates",
        data={
            "csrf_token": csrf_token(browser, path),
            "summary": "Told them",
            "victim_id": str(victim.id),
            "method": "email",
            **_date("given_on", today_in_london() + timedelta(days=2)),
        },
    )
    assert response.status_code == 400
    assert "The update must have been given in the past" in support.page_text(response)


def test_recording_an_update_through_the_api(app, client, keyworker, case_with_victim):
    case, victim = case_with_victim
    headers = support.headers_for(keyworker)
    given = utcnow().replace(microsecond=0) - timedelta(hours=2)

    response = client.post(
        f"/api/v1/cases/{case.id}/victim-updates",
        json={
            "method": "email",
            "summary": "Emailed the update",
            "victim_id": str(victim.id),
            "given_at": given.isoformat(),
        },
        headers=headers,
    )

    assert response.status_code == 201, response.json
    body = response.json
    assert set(body) == {
        "id",
        "case_id",
        "victim_id",
        "method",
        "summary",
        "given_at",
        "given_by_id",
    }
    assert body["victim_id"] == str(victim.id)
    assert body["given_by_id"] == str(keyworker.id)
    assert datetime.fromisoformat(body["given_at"]) == given
    view = client.get(f"/api/v1/cases/{case.id}/victim-update", headers=headers).json
    assert [u["summary"] for u in view["updates"]] == ["Emailed the update"]
    assert view["updates"][0]["given_by"] == "Kim Keyworker"

    # Without a victim or a time: all the victims, now.
    response = client.post(
        f"/api/v1/cases/{case.id}/victim-updates",
        json={"method": "post", "summary": "Letter to all"},
        headers=headers,
    )
    assert response.status_code == 201
    assert response.json["victim_id"] is None


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"summary": "x"}, "method"),
        ({"method": "pigeon", "summary": "x"}, "method"),
        ({"method": "phone"}, "summary"),
        ({"method": "phone", "summary": ""}, "summary"),
        ({"method": "phone", "summary": "x" * 4001}, "summary"),
        ({"method": "phone", "summary": "x", "victim_id": "not-a-uuid"}, "victim_id"),
        ({"method": "phone", "summary": "x", "given_at": "2026-11-01T10:00:00"}, "given_at"),
        ({"method": "phone", "summary": "x", "given_at": "yesterday"}, "given_at"),
        ({"method": "phone", "summary": "x", "extra": 1}, "extra"),
    ],
)
def test_invalid_api_updates_are_refused(app, client, keyworker, case_with_victim, body, field):
    case, _victim = case_with_victim
    response = client.post(
        f"/api/v1/cases/{case.id}/victim-updates", json=body, headers=support.headers_for(keyworker)
    )
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert field in json.dumps(response.json.get("errors"))


def test_api_update_rules(app, client, keyworker, case_with_victim):
    case, _victim = case_with_victim
    headers = support.headers_for(keyworker)
    other_case = factories.case(keyworker)
    strangers_victim = support.victim(other_case)

    response = client.post(
        f"/api/v1/cases/{case.id}/victim-updates",
        json={"method": "phone", "summary": "x", "victim_id": str(strangers_victim.id)},
        headers=headers,
    )
    assert response.status_code == 422
    assert response.json["errors"] == {"victim_id": ["Select a victim of this case"]}

    future = (utcnow() + timedelta(hours=1)).isoformat()
    response = client.post(
        f"/api/v1/cases/{case.id}/victim-updates",
        json={"method": "phone", "summary": "x", "given_at": future},
        headers=headers,
    )
    assert response.status_code == 422
    assert response.json["errors"] == {"given_at": ["The update must have been given in the past"]}
    db.session.expire_all()
    assert db.session.scalar(select(VictimUpdate)) is None


# The consultation -------------------------------------------------------------------


def test_recording_the_consultation(app, keyworker, case_with_victim):
    case, victim = case_with_victim
    browser = support.browser_for(app, keyworker)
    path = f"/victims/cases/{case.id}/consultation"
    form = browser.get(path)
    assert form.status_code == 200
    assert "Record the victim's consultation" in support.page_text(form)

    response = post_form(
        browser,
        path,
        {
            "victim_id": str(victim.id),
            **_date("consulted_on", today_in_london() - timedelta(days=2)),
            "views": "Wants the person to understand the harm done",
            "requested_actions": "A letter of apology and compensation for the window",
            "not_included_reason": "Compensation is beyond the person's means",
        },
    )

    assert_redirects(response, f"/victims/cases/{case.id}")
    page = support.page_text(browser.get(f"/victims/cases/{case.id}"))
    assert "Consultation recorded" in page
    assert "Wants the person to understand the harm done" in page
    assert "Compensation is beyond the person&#39;s means" in page or (
        "Compensation is beyond the person's means" in page
    )
    db.session.expire_all()
    consultation = db.session.scalar(select(VictimConsultation))
    assert consultation.victim_id == victim.id and consultation.recorded_by_id == keyworker.id
    [entry] = _audit("victim.consulted")
    assert entry.details["fields"] == ["views", "requested_actions", "not_included_reason"]
    [event] = _events(case, "victim.consulted")
    assert "Wants" not in event.summary and "apology" not in event.summary


def test_consultation_errors(app, liaison_officer, case_with_victim):
    case, victim = case_with_victim
    browser = support.browser_for(app, liaison_officer)
    path = f"/victims/cases/{case.id}/consultation"

    response = post_form(
        browser,
        path,
        {
            "victim_id": str(victim.id),
            **_date("consulted_on", today_in_london() + timedelta(days=1)),
            "views": "",
            "not_included_reason": "Because",
        },
    )
    assert response.status_code == 400
    text = support.page_text(response)
    assert "Enter the victim's views" in text

    response = post_form(
        browser,
        path,
        {
            "victim_id": str(victim.id),
            **_date("consulted_on", today_in_london() + timedelta(days=1)),
            "views": "Views",
            "not_included_reason": "Because",
        },
    )
    assert response.status_code == 400
    text = support.page_text(response)
    assert "Date consulted must be today or in the past" in text
    assert "Enter what the victim asked for, or leave the reason it is not included empty" in text
    db.session.expire_all()
    assert db.session.scalar(select(VictimConsultation)) is None


def test_a_consultation_after_the_contract_was_agreed_is_refused(app, keyworker):
    planted = support.planted_case("active", keyworker=keyworker)
    browser = support.browser_for(app, keyworker)
    agreed = today_in_london() - timedelta(days=35)

    response = post_form(
        browser,
        f"/victims/cases/{planted.case.id}/consultation",
        {
            "victim_id": str(planted.victim.id),
            **_date("consulted_on", agreed + timedelta(days=1)),
            "views": "Views",
        },
    )
    assert response.status_code == 400
    assert "on or before the date the contract was agreed" in support.page_text(response)


def test_no_consultation_once_the_case_has_closed(app, keyworker):
    planted = support.planted_case("completed", keyworker=keyworker)
    browser = support.browser_for(app, keyworker)
    response = browser.get(f"/victims/cases/{planted.case.id}/consultation")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/victims/cases/{planted.case.id}"


def test_the_service_refuses_a_consultation_once_the_case_has_closed(app, keyworker):
    from app.errors import Conflict
    from app.victims import liaison, reads

    planted = support.planted_case("completed", keyworker=keyworker)
    details = liaison.ConsultationDetails(
        victim_id=planted.victim.id, consulted_on=today_in_london(), views="Views"
    )
    assert reads.victim_page(keyworker, planted.case.id).can_consult is False
    with pytest.raises(Conflict, match="A victim is consulted before the contract"):
        liaison.record_consultation(keyworker, planted.case.id, details)
    assert db.session.scalar(select(VictimConsultation)) is None


# Preferences ------------------------------------------------------------------------


def test_changing_update_preferences(app, liaison_officer, case_with_victim):
    case, victim = case_with_victim
    browser = support.browser_for(app, liaison_officer)
    path = f"/victims/{victim.id}/preferences"

    response = post_form(browser, path, {"wants_updates": "yes", "preferred_contact": "phone"})
    assert response.status_code == 400
    assert "Select how often the victim wants updates" in support.page_text(response)

    response = post_form(
        browser,
        path,
        {"wants_updates": "yes", "update_frequency": "monthly", "preferred_contact": "phone"},
    )
    assert_redirects(response, f"/victims/cases/{case.id}")
    db.session.expire_all()
    victim = db.session.get(Victim, victim.id)
    assert (victim.wants_updates, victim.update_frequency, victim.preferred_contact) == (
        True,
        "monthly",
        "phone",
    )

    response = post_form(browser, path, {"wants_updates": "no", "update_frequency": "monthly"})
    assert_redirects(response, f"/victims/cases/{case.id}")
    db.session.expire_all()
    victim = db.session.get(Victim, victim.id)
    assert victim.wants_updates is False and victim.update_frequency is None
    entries = _audit("victim.preferences_changed")
    assert [e.details["changed"] for e in entries] == [
        ["update_frequency", "preferred_contact"],
        ["wants_updates", "update_frequency", "preferred_contact"],
    ]
    summaries = [e.summary for e in _events(case, "victim.preferences_changed")]
    assert summaries == [
        "Victim's update preferences changed: every month",
        "Victim's update preferences changed: they want no updates",
    ]
    page = support.page_text(browser.get(f"/victims/cases/{case.id}"))
    assert "No updates wanted" in page


def test_a_preferred_way_needs_the_contact_detail(app, liaison_officer):
    case = factories.case()
    victim = support.victim(case, phone=None, preferred_contact="email")
    browser = support.browser_for(app, liaison_officer)
    response = post_form(
        browser,
        f"/victims/{victim.id}/preferences",
        {"wants_updates": "yes", "update_frequency": "monthly", "preferred_contact": "phone"},
    )
    assert response.status_code == 400
    assert "The victim has no phone number: choose another way" in support.page_text(response)


# The ending survey ------------------------------------------------------------------


def test_the_ending_survey_at_the_close(app, liaison_officer):
    planted = support.planted_case("completed")
    browser = support.browser_for(app, liaison_officer)
    path = f"/victims/cases/{planted.case.id}/survey"
    assert "Record an ending survey" in support.page_text(
        browser.get(f"/victims/cases/{planted.case.id}")
    )

    response = post_form(browser, path, {"victim_id": str(planted.victim.id), "satisfaction": "4"})
    assert response.status_code == 400
    assert (
        "Select how satisfied they are with being kept informed, from 1 to 5"
        in support.page_text(response)
    )

    response = post_form(
        browser,
        path,
        {
            "victim_id": str(planted.victim.id),
            "satisfaction": "4",
            "kept_informed": "5",
            "comments": "Kept well informed",
        },
    )
    assert_redirects(response, f"/victims/cases/{planted.case.id}")
    db.session.expire_all()
    survey = db.session.scalar(select(Survey))
    assert (survey.respondent, survey.victim_id, survey.satisfaction, survey.kept_informed) == (
        "victim",
        planted.victim.id,
        4,
        5,
    )
    assert survey.recorded_by_id == liaison_officer.id
    [entry] = _audit("survey.recorded")
    assert entry.object_id == str(survey.id)
    assert _events(planted.case, "victim.survey")
    page = support.page_text(browser.get(f"/victims/cases/{planted.case.id}"))
    assert "4: Satisfied" in page and "5: Very satisfied" in page
    assert "Record an ending survey" not in page

    # Only once per victim.
    response = post_form(
        browser,
        path,
        {"victim_id": str(planted.victim.id), "satisfaction": "1", "kept_informed": "1"},
        follow_redirects=True,
    )
    assert_landed_on(response, f"/victims/cases/{planted.case.id}")
    assert "already been recorded" in support.page_text(response)
    db.session.expire_all()
    assert len(db.session.scalars(select(Survey)).all()) == 1


def test_the_victim_survey_service_reports_every_problem_at_once(app, liaison_officer):
    planted = support.planted_case("completed")
    with pytest.raises(InvalidInput) as refused:
        liaison.record_survey(
            liaison_officer,
            planted.case.id,
            victim_id=None,
            satisfaction=0,
            kept_informed=True,
            comments="x" * 2001,
        )
    assert refused.value.errors == {
        "victim_id": "Select the victim who answered the survey",
        "satisfaction": "Select how satisfied they are with the outcome, from 1 to 5",
        "kept_informed": "Select how satisfied they are with being kept informed, from 1 to 5",
        "comments": "Comments must be 2000 characters or fewer",
    }
    db.session.expire_all()
    assert db.session.scalar(select(Survey)) is None
    assert _audit("survey.recorded") == []

    liaison.record_survey(
        liaison_officer,
        planted.case.id,
        victim_id=planted.victim.id,
        satisfaction=2,
        kept_informed=3,
    )
    [entry] = _audit("survey.recorded")
    assert entry.details == {
        "case_id": str(planted.case.id),
        "respondent": "victim",
        "victim_id": str(planted.victim.id),
    }
    [event] = _events(planted.case, "victim.survey")
    assert event.summary == "Victim's ending survey recorded"


def test_no_survey_before_the_close(app, liaison_officer, case_with_victim):
    case, victim = case_with_victim
    browser = support.browser_for(app, liaison_officer)
    response = browser.get(f"/victims/cases/{case.id}/survey")
    assert_redirects(response, f"/victims/cases/{case.id}")
    assert case.status == CaseStatus.ELIGIBLE.value
    response = post_form(
        browser,
        f"/victims/cases/{case.id}/survey",
        {"victim_id": str(victim.id), "satisfaction": "3", "kept_informed": "3"},
        follow_redirects=True,
    )
    assert_landed_on(response, f"/victims/cases/{case.id}")
    assert "taken when the case has closed" in support.page_text(response)
    db.session.expire_all()
    assert db.session.scalar(select(Survey)) is None


def test_the_victim_page_marks_due_and_overdue_updates(app, liaison_officer):
    case = factories.case()
    support.victim(case, enhanced_rights=True)
    support.event(case, "contract.agreed", utcnow() - timedelta(days=20))
    browser = support.browser_for(app, liaison_officer)
    assert "Overdue" in support.page_text(browser.get(f"/victims/cases/{case.id}"))

    fresh = factories.case()
    support.victim(fresh)
    support.event(fresh, "contract.agreed", utcnow())
    text = support.page_text(browser.get(f"/victims/cases/{fresh.id}"))
    assert "Overdue" not in text and "Due" in text


# An update dated before the decision it reports ----------------------------------------


def _decided_yesterday_at_three(case):
    """The contract was agreed yesterday at 3pm (UK time)."""
    yesterday = today_in_london() - timedelta(days=1)
    at = datetime.combine(yesterday, time(15, 0), tzinfo=LONDON).astimezone(UTC)
    support.event(case, "contract.agreed", at, "Contract agreed")
    return yesterday


def test_an_update_before_that_days_decision_is_refused_on_the_page(
    app, liaison_officer, case_with_victim
):
    case, victim = case_with_victim
    day = _decided_yesterday_at_three(case)
    browser = support.browser_for(app, liaison_officer)
    path = f"/victims/cases/{case.id}"
    response = browser.post(
        f"{path}/updates",
        data={
            "csrf_token": csrf_token(browser, path),
            "summary": "Told Vera the contract was agreed",
            "victim_id": str(victim.id),
            "method": "phone",
            **_date("given_on", day),
            "given_time": "2pm",
        },
    )
    assert response.status_code == 400
    told = (
        "The update must have been given after the decision it reports, taken at "
        f"{day.day} {day:%B %Y} at 3:00pm: enter the time the update was given"
    )
    assert parse(response).field_error("given_on") == told
    db.session.expire_all()
    assert db.session.scalar(select(VictimUpdate)) is None

    # Later that day, it is recorded and answers the decision.
    response = browser.post(
        f"{path}/updates",
        data={
            "csrf_token": csrf_token(browser, path),
            "summary": "Told Vera the contract was agreed",
            "victim_id": str(victim.id),
            "method": "phone",
            **_date("given_on", day),
            "given_time": "4pm",
        },
    )
    assert_redirects(response, path)


def test_the_time_error_shows_with_the_forms_other_errors(app, liaison_officer, case_with_victim):
    case, victim = case_with_victim
    day = _decided_yesterday_at_three(case)
    browser = support.browser_for(app, liaison_officer)
    path = f"/victims/cases/{case.id}"
    response = browser.post(
        f"{path}/updates",
        data={"csrf_token": csrf_token(browser, path), "summary": "", **_date("given_on", day)},
    )
    summary = parse(response).error_summary()
    assert "Enter what the victim was told" in summary
    assert any(m.startswith("The update must have been given after the decision") for m in summary)


def test_the_api_refuses_an_update_before_that_days_decision(client, keyworker, case_with_victim):
    case, victim = case_with_victim
    day = _decided_yesterday_at_three(case)
    given = datetime.combine(day, time(9, 0), tzinfo=LONDON).astimezone(UTC)
    response = client.post(
        f"/api/v1/cases/{case.id}/victim-updates",
        json={"method": "phone", "summary": "Told them", "given_at": given.isoformat()},
        headers=support.headers_for(keyworker),
    )
    assert response.status_code == 422
    [message] = response.json["errors"]["given_at"]
    assert message.startswith("The update must have been given after the decision it reports")
    # An update given on an earlier day is history, and is recorded.
    earlier = given - timedelta(days=1)
    response = client.post(
        f"/api/v1/cases/{case.id}/victim-updates",
        json={"method": "phone", "summary": "Earlier news", "given_at": earlier.isoformat()},
        headers=support.headers_for(keyworker),
    )
    assert response.status_code == 201
