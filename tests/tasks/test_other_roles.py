"""The work queues of supervisors, partners, victim liaison staff and administrators."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from app import kept
from app.auth.roles import Role
from app.database import utcnow
from app.dates import today_in_london
from app.evidence import services as evidence
from app.extensions import db
from app.notifications.models import DeliveryStatus, Notification
from app.outcomes import services as outcomes
from app.outcomes.models import ReoffendingCheck
from app.referrals import lifecycle
from app.referrals.models import Referral
from app.tasks.rules import Moment
from app.victims.due import due_on
from tests import factories
from tests.evidence.support import World, past
from tests.outcomes import support as outcome_support
from tests.referrals import support as referrals
from tests.tasks.support import (
    CONFIRMED_REASON,
    api_items,
    api_queue,
    browser_for,
    links_in,
    page_sections,
    text,
)
from tests.victims.support import event, victim

# Supervisors -----------------------------------------------------------------------------


def test_a_supervisor_decides_outcomes_but_never_their_own(app, client):
    world = outcome_support.active_case()
    proposal = outcomes.submit_outcome(
        world.keyworker, world.case.id, "completed", CONFIRMED_REASON, confirmed=True
    ).proposal
    other = factories.user(Role.SUPERVISOR)
    assert [i["object_id"] for i in api_items(client, other, "outcome_to_decide")] == [
        str(proposal.id)
    ]
    found = page_sections(browser_for(app, other).get("/tasks/"))["outcome_to_decide"]
    assert links_in(found) == [f"/cases/{world.case.id}/outcome/proposals/{proposal.id}"]
    assert world.case.person.full_name in found

    # A keyworker promoted to supervisor cannot approve their own proposal: not theirs.
    promoted = db.session.get(type(world.keyworker), world.keyworker.id)
    promoted.role = Role.SUPERVISOR.value
    db.session.commit()
    assert api_items(client, promoted, "outcome_to_decide") == []


def test_unallocated_cases_are_to_allocate(app, client):
    supervisor = factories.user(Role.SUPERVISOR)
    waiting = factories.case(keyworker=False)
    factories.case(keyworker=False, status="ineligible")
    factories.case()  # allocated
    assert [i["object_id"] for i in api_items(client, supervisor, "unallocated_case")] == [
        str(waiting.id)
    ]
    found = page_sections(browser_for(app, supervisor).get("/tasks/"))["unallocated_case"]
    assert links_in(found) == [f"/cases/{waiting.id}/allocation"]


def test_keyworkers_overdue_items_by_keyworker(app, client):
    world = World.build()
    late = db.session.get(Referral, world.referral.id)
    late.acknowledge_by = today_in_london() - timedelta(days=1)
    db.session.commit()
    evidence.record_one_to_one(world.keyworker, world.case.id, starts_at=past(), mode="phone")
    evidence.record_one_to_one(world.keyworker, world.case.id, starts_at=past(2), mode="video")
    ended = outcome_support.active_case(started_days_ago=120)
    supervisor = factories.user(Role.SUPERVISOR)

    body = api_queue(client, supervisor)
    by_keyworker = {row["keyworker_id"]: row for row in body["overdue_by_keyworker"]}
    assert by_keyworker[str(world.keyworker.id)]["counts"] == {
        "acknowledgement_overdue": 1,
        "attendance_to_record": 2,
    }
    assert by_keyworker[str(ended.keyworker.id)]["counts"] == {"contract_ended": 1}
    assert [row["keyworker_id"] for row in body["overdue_by_keyworker"]] == [
        str(world.keyworker.id),  # the most first
        str(ended.keyworker.id),
    ]
    page = text(browser_for(app, supervisor).get("/tasks/"))
    assert "Keyworkers' overdue items" in page
    assert f"/cases/team?keyworker={world.keyworker.id}" in page
    assert 'data-testid="overdue-worked-out"' not in page  # worked out on every view


def test_the_overdue_table_is_kept_a_minute_and_says_when_it_was_worked_out(
    app, client, monkeypatch
):
    app.config["KEPT_COUNTS_SECONDS"] = 60  # the shared app's config is put back after
    world = World.build()
    supervisor = factories.user(Role.SUPERVISOR)
    browser = browser_for(app, supervisor)
    first = text(browser.get("/tasks/"))
    assert 'data-testid="no-overdue"' in first
    note = re.search(r'data-testid="overdue-worked-out">(.*?)</p>', first).group(1)
    assert note.startswith("These counts were worked out on ")
    assert note.endswith("They are worked out again once they are more than 1 minute old.")

    evidence.record_one_to_one(world.keyworker, world.case.id, starts_at=past(), mode="phone")
    assert api_queue(client, supervisor)["overdue_by_keyworker"] == []  # kept
    assert 'data-testid="no-overdue"' in text(browser.get("/tasks/"))

    a_minute_on = utcnow() + timedelta(seconds=60)
    monkeypatch.setattr(kept, "utcnow", lambda: a_minute_on)
    [row] = api_queue(client, supervisor)["overdue_by_keyworker"]
    assert row["counts"] == {"attendance_to_record": 1}
    assert f"/cases/team?keyworker={world.keyworker.id}" in text(browser.get("/tasks/"))


# Partners --------------------------------------------------------------------------------


def test_a_partner_sees_new_and_overdue_referrals_of_their_organisation_only(app, client):
    world = World.build()
    other = World.build()  # another organisation's referral
    overdue_case = referrals.active_case(world.keyworker)
    referrals.consent(overdue_case, world.org)
    overdue = referrals.send(overdue_case, world.org, world.keyworker)
    row = db.session.get(Referral, overdue.id)
    row.acknowledge_by = today_in_london() - timedelta(days=3)
    db.session.commit()

    assert [i["object_id"] for i in api_items(client, world.partner, "new_referral")] == [
        str(world.referral.id)
    ]
    [late] = api_items(client, world.partner, "acknowledgement_overdue")
    assert late["object_id"] == str(overdue.id) and late["overdue"] is True
    assert "case_id" not in late  # partners are not told the case's id
    body = api_queue(client, world.partner)
    assert str(other.referral.id) not in str(body)
    page = browser_for(app, world.partner).get("/tasks/")
    sections = page_sections(page)
    assert links_in(sections["new_referral"]) == [f"/referrals/{world.referral.id}"]
    assert world.case.person.family_name not in text(page)  # nothing of the person

    lifecycle.transition(world.partner, world.referral.id, "acknowledged")
    assert api_items(client, world.partner, "new_referral") == []


def test_a_partner_records_attendance_and_sees_todays_appointments(app, client):
    world = World.build()
    lifecycle.transition(world.partner, world.referral.id, "acknowledged")
    missed = world.book(starts_at=past(days=2))
    now = Moment.at()
    today = world.book(starts_at=now.today_starts + (now.now - now.today_starts) / 2)
    tomorrow = world.book(starts_at=now.tomorrow_starts + timedelta(hours=10))
    to_record = api_items(client, world.partner, "attendance_to_record")
    assert [i["object_id"] for i in to_record] == [str(missed.id), str(today.id)]  # oldest first
    assert [i["object_id"] for i in api_items(client, world.partner, "appointment_today")] == [
        str(today.id)
    ]
    assert str(tomorrow.id) not in str(api_queue(client, world.partner))
    found = page_sections(browser_for(app, world.partner).get("/tasks/"))["attendance_to_record"]
    # The form itself, which returns to the work queue once saved.
    assert links_in(found)[0] == f"/appointments/{missed.id}/attendance?from=tasks"


# Victim liaison ----------------------------------------------------------------------------


def test_victim_updates_due_and_overdue_most_urgent_first(app, client):
    liaison = factories.user(Role.VICTIM_LIAISON)
    overdue_case = factories.case()
    victim(overdue_case)
    agreed = utcnow() - timedelta(days=20)
    event(overdue_case, "contract.agreed", agreed)
    due_case = factories.case()
    victim(due_case, enhanced_rights=False)
    event(due_case, "contract.agreed", utcnow() - timedelta(minutes=5))
    quiet = factories.case()
    victim(quiet, wants_updates=False)
    event(quiet, "contract.agreed", agreed)

    items = api_items(client, liaison, "victim_update_due")
    assert [i["object_id"] for i in items] == [str(overdue_case.id), str(due_case.id)]
    assert items[0]["overdue"] is True and items[1]["overdue"] is False
    assert items[0]["due"] == due_on(agreed, False).isoformat()
    page = browser_for(app, liaison).get("/tasks/")
    found = page_sections(page)["victim_update_due"]
    assert links_in(found) == [f"/victims/cases/{overdue_case.id}", f"/victims/cases/{due_case.id}"]
    assert overdue_case.crime_reference in found
    assert overdue_case.person.family_name not in text(page)


def test_victims_not_yet_consulted(client):
    liaison = factories.user(Role.VICTIM_LIAISON)
    new = factories.case()
    victim(new)
    closed = factories.case(status="completed")
    victim(closed)
    assert [i["object_id"] for i in api_items(client, liaison, "victim_consultation_missing")] == [
        str(new.id)
    ]


# Administrators --------------------------------------------------------------------------


def test_an_administrator_sees_checks_due_failed_notifications_and_locked_accounts(app, client):
    admin = factories.user(Role.ADMIN)
    world = outcome_support.active_case()
    due = ReoffendingCheck(case_id=world.case.id, due_on=today_in_london() - timedelta(days=1))
    db.session.add(due)
    not_yet = outcome_support.active_case()
    db.session.add(
        ReoffendingCheck(case_id=not_yet.case.id, due_on=today_in_london() + timedelta(1))
    )
    locked = factories.user(Role.KEYWORKER, locked_at=utcnow())
    failed = Notification(
        recipient_id=world.keyworker.id,
        kind="referral.updated",
        subject="A referral was updated",
        body="Sign in to see it",
        status=DeliveryStatus.FAILED.value,
    )
    db.session.add(failed)
    db.session.commit()
    # The referral goes to the organisation's own referral address too (no user's): when
    # that email fails, the administrator is sent to the organisation to put it right.
    org = referrals.organisation(contact_email="referrals@unreachable-partner.example")
    case = referrals.active_case()
    referrals.consent(case, org)
    referrals.send(case, org)
    to_org = db.session.scalar(
        db.select(Notification).where(Notification.address == org.contact_email)
    )
    assert to_org.organisation_id == org.id
    to_org.status = DeliveryStatus.FAILED.value
    db.session.commit()

    body = api_queue(client, admin)
    assert body["counts"] == {
        "reoffending_check_due": 1,
        "notification_failed": 1,
        "organisation_email_failed": 1,
        "account_locked": 1,
    }
    page = page_sections(browser_for(app, admin).get("/tasks/"))
    assert links_in(page["reoffending_check_due"]) == [f"/reoffending-checks/{due.id}"]
    assert links_in(page["notification_failed"]) == [f"/users/{world.keyworker.id}"]
    assert links_in(page["organisation_email_failed"]) == [f"/organisations/{org.id}"]
    assert org.name in page["organisation_email_failed"]
    org.contact_email = "new.referrals@reachable-partner.example"  # put right
    db.session.commit()
    assert api_queue(client, admin)["counts"]["organisation_email_failed"] == 0
    assert links_in(page["account_locked"]) == [f"/users/{locked.id}"]


@pytest.mark.parametrize("role", [Role.PARTNER, Role.VICTIM_LIAISON, Role.ADMIN])
def test_queues_that_name_nobody_are_not_audited(client, role):
    from app.audit.models import AuditEntry

    api_queue(client, factories.user(role))
    assert (
        db.session.scalar(db.select(AuditEntry).where(AuditEntry.action == "task.listed")) is None
    )
