"""A keyworker's tasks: each kind shows on "Your tasks" and in GET /tasks while it is
waiting, links to the page where it is done, and goes once it is done. Nothing of
another keyworker's cases ever shows."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.assessments.models import AssessmentStage
from app.auth.roles import Role
from app.database import utcnow
from app.dates import today_in_london
from app.evidence import compliance, services
from app.evidence.attendance import AttendanceAnswer, record_attendance
from app.evidence.models import ComplianceConcern
from app.extensions import db
from app.outcomes import services as outcomes
from app.referrals import lifecycle
from app.referrals.models import Referral
from app.referrals.services import post_update
from app.tasks.rules import Moment
from app.victims.liaison import ConsultationDetails, record_consultation
from tests import factories
from tests.evidence.support import World, past
from tests.outcomes import support as outcome_support
from tests.tasks.support import (
    CONFIRMED_REASON,
    api_items,
    browser_for,
    headers_for,
    links_in,
    page_counts,
    page_sections,
)
from tests.victims.support import victim


@pytest.fixture
def world(app):
    return World.build()


_browsers: dict = {}


@pytest.fixture(autouse=True)
def _one_browser_each():
    """One signed-in browser per user for the test (a code cannot be used twice)."""
    _browsers.clear()
    yield
    _browsers.clear()


def tasks_page(app, user):
    if user.id not in _browsers:
        _browsers[user.id] = browser_for(app, user)
    return _browsers[user.id].get("/tasks/")


def section(app, user, kind: str) -> str | None:
    return page_sections(tasks_page(app, user)).get(kind)


def test_a_keyworker_with_nothing_to_do_is_told_so(app):
    page = tasks_page(app, factories.user(Role.KEYWORKER)).get_data(as_text=True)
    assert "Nothing needs your action right now." in page
    assert 'data-testid="task"' not in page


def test_a_missed_session_is_a_concern_to_decide_until_decided(app, client, world):
    world.attend(world.book(starts_at=past()), status="did_not_attend")
    concern_id = db.session.scalar(db.select(ComplianceConcern.id))

    found = section(app, world.keyworker, "concern_to_decide")
    assert found is not None and world.case.crime_reference in found
    assert world.case.person.full_name in found
    assert links_in(found) == [f"/compliance-concerns/{concern_id}/decision"]
    [item] = api_items(client, world.keyworker, "concern_to_decide")
    assert item == {
        "kind": "concern_to_decide",
        "object_type": "compliance_concern",
        "object_id": str(concern_id),
        "case_id": str(world.case.id),
        "overdue": False,
    }

    compliance.decide_concern(world.keyworker, concern_id, decision="warning", reason="Warned")
    assert section(app, world.keyworker, "concern_to_decide") is None
    assert api_items(client, world.keyworker, "concern_to_decide") == []


def test_a_partner_update_is_unread_until_the_keyworker_opens_the_referral(app, client, world):
    post_update(world.partner, world.referral.id, "First session booked for Tuesday")
    keyworker = browser_for(app, world.keyworker)

    found = page_sections(keyworker.get("/tasks/")).get("partner_update_unread")
    assert found is not None and world.org.name in found
    assert links_in(found) == [f"/referrals/{world.referral.id}"]
    unread = api_items(client, world.keyworker, "partner_update_unread")
    assert [i["object_id"] for i in unread] == [str(world.referral.id)]
    # A supervisor reading it does not read it for the keyworker.
    supervisor = browser_for(app, factories.user(Role.SUPERVISOR))
    assert supervisor.get(f"/referrals/{world.referral.id}").status_code == 200
    assert "partner_update_unread" in page_sections(keyworker.get("/tasks/"))

    assert keyworker.get(f"/referrals/{world.referral.id}").status_code == 200
    assert "partner_update_unread" not in page_sections(keyworker.get("/tasks/"))
    assert api_items(client, world.keyworker, "partner_update_unread") == []

    # A later update is unread again.
    post_update(world.partner, world.referral.id, "They did not come on Tuesday")
    assert "partner_update_unread" in page_sections(keyworker.get("/tasks/"))


def test_a_decline_is_news_until_read(app, world):
    lifecycle.transition(world.partner, world.referral.id, "acknowledged")
    keyworker = browser_for(app, world.keyworker)
    assert "partner_update_unread" not in page_sections(keyworker.get("/tasks/"))
    lifecycle.transition(world.partner, world.referral.id, "declined", reason="no_capacity")
    assert "partner_update_unread" in page_sections(keyworker.get("/tasks/"))
    keyworker.get(f"/referrals/{world.referral.id}")
    assert "partner_update_unread" not in page_sections(keyworker.get("/tasks/"))


def test_a_referral_past_its_acknowledgement_date_is_overdue(app, client, world):
    assert section(app, world.keyworker, "acknowledgement_overdue") is None
    referral = db.session.get(Referral, world.referral.id)
    referral.acknowledge_by = today_in_london() - timedelta(days=1)
    db.session.commit()

    found = section(app, world.keyworker, "acknowledgement_overdue")
    assert found is not None and "Overdue" in found
    [item] = api_items(client, world.keyworker, "acknowledgement_overdue")
    assert item["due"] == referral.acknowledge_by.isoformat() and item["overdue"] is True

    lifecycle.transition(world.partner, world.referral.id, "acknowledged")
    assert section(app, world.keyworker, "acknowledgement_overdue") is None


def test_attendance_at_own_one_to_ones_is_to_record(app, client, world):
    session = services.record_one_to_one(
        world.keyworker, world.case.id, starts_at=past(hours=2), mode="phone"
    )
    world.book(starts_at=past())  # the partner's to record, not the keyworker's
    found = section(app, world.keyworker, "attendance_to_record")
    assert links_in(found) == [f"/appointments/{session.id}/attendance"]
    assert [i["object_id"] for i in api_items(client, world.keyworker, "attendance_to_record")] == [
        str(session.id)
    ]
    record_attendance(world.keyworker, session.id, AttendanceAnswer(status="attended"))
    assert section(app, world.keyworker, "attendance_to_record") is None


def test_appointments_today_and_this_week(app, client, world):
    now = Moment.at()
    earlier_today = now.today_starts + (now.now - now.today_starts) / 2
    today = world.book(starts_at=earlier_today)
    in_three_days = world.book(starts_at=utcnow() + timedelta(days=3))
    world.book(starts_at=utcnow() + timedelta(days=8))
    assert [i["object_id"] for i in api_items(client, world.keyworker, "appointment_today")] == [
        str(today.id)
    ]
    assert [
        i["object_id"] for i in api_items(client, world.keyworker, "appointment_this_week")
    ] == [str(in_three_days.id)]
    found = section(app, world.keyworker, "appointment_today")
    assert links_in(found) == [f"/appointments/{today.id}"]
    assert world.org.name in found


def test_a_contract_ending_within_14_days_lists_what_is_still_to_do(app, client):
    ending = outcome_support.active_case(started_days_ago=100)  # ends in 12 days
    keyworker = ending.keyworker
    not_yet = factories.case(keyworker)
    factories.contract(not_yet, start_date=today_in_london() - timedelta(days=90))
    found = section(app, keyworker, "contract_ending")
    assert found is not None and ending.case.crime_reference in found
    assert not_yet.crime_reference not in found
    assert "Still to do: exit reassessment, outcome proposal" in found
    assert links_in(found) == [f"/cases/{ending.case.id}/exit-planning"]
    [item] = api_items(client, keyworker, "contract_ending")
    assert item["due"] == ending.contract.end_date.isoformat() and item["overdue"] is False

    factories.assessment(ending.case, AssessmentStage.EXIT)
    assert "Still to do: outcome proposal" in section(app, keyworker, "contract_ending")
    outcome_support.mark_all_met(ending)
    outcomes.submit_outcome(
        keyworker, ending.case.id, "completed", CONFIRMED_REASON, confirmed=True
    )
    assert section(app, keyworker, "contract_ending") is None


def test_an_ended_contract_with_no_outcome_is_overdue(client):
    ended = outcome_support.active_case(started_days_ago=120)
    [item] = api_items(client, ended.keyworker, "contract_ending")
    assert item["overdue"] is True


def test_an_outcome_sent_back_asks_the_keyworker_to_propose_again(app, client):
    world = outcome_support.active_case()
    proposal = outcomes.submit_outcome(
        world.keyworker, world.case.id, "completed", CONFIRMED_REASON, confirmed=True
    ).proposal
    outcomes.send_back(world.supervisor, world.case.id, proposal.id, "Record the exit survey")
    found = section(app, world.keyworker, "outcome_sent_back")
    assert links_in(found) == [f"/cases/{world.case.id}/outcome/new"]
    assert [i["object_id"] for i in api_items(client, world.keyworker, "outcome_sent_back")] == [
        str(proposal.id)
    ]
    outcome_support.mark_all_met(world)
    outcomes.submit_outcome(
        world.keyworker, world.case.id, "completed", CONFIRMED_REASON, confirmed=True
    )
    assert section(app, world.keyworker, "outcome_sent_back") is None


def test_a_consent_expiring_within_30_days(app, client):
    keyworker = factories.user(Role.KEYWORKER)
    soon = factories.case(keyworker)
    expiring = factories.consent(soon, expires_at=utcnow() + timedelta(days=20))
    later = factories.case(keyworker)
    factories.consent(later, expires_at=utcnow() + timedelta(days=40))
    withdrawn = factories.case(keyworker)
    factories.consent(
        withdrawn,
        expires_at=utcnow() + timedelta(days=20),
        withdrawn_at=utcnow() - timedelta(minutes=1),
    )
    assert [i["object_id"] for i in api_items(client, keyworker, "consent_expiring")] == [
        str(expiring.id)
    ]
    found = section(app, keyworker, "consent_expiring")
    assert links_in(found) == [f"/cases/{soon.id}/consents"]
    assert "Expires " in found


def test_a_victim_not_yet_consulted(app, client):
    keyworker = factories.user(Role.KEYWORKER)
    case = factories.case(keyworker)
    hurt = victim(case)
    missing = api_items(client, keyworker, "victim_consultation_missing")
    assert [i["object_id"] for i in missing] == [str(case.id)]
    assert links_in(section(app, keyworker, "victim_consultation_missing")) == [
        f"/victims/cases/{case.id}/consultation"
    ]
    record_consultation(
        keyworker,
        case.id,
        ConsultationDetails(
            victim_id=hurt.id, consulted_on=today_in_london(), views="Wants an apology"
        ),
    )
    assert api_items(client, keyworker, "victim_consultation_missing") == []


def test_nothing_from_another_keyworkers_cases(app, client, world):
    world.attend(world.book(starts_at=past()), status="did_not_attend")
    post_update(world.partner, world.referral.id, "An update")
    someone_else = factories.user(Role.KEYWORKER)
    queue = client.get("/api/v1/tasks", headers=headers_for(someone_else)).json
    assert queue["items"] == []
    assert set(queue["counts"].values()) == {0}
    assert page_counts(tasks_page(app, someone_else)) == dict.fromkeys(queue["counts"], 0)
