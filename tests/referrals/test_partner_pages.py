"""The partner portal: the inbox (tabs, counts, overdue flags, search, pages) and the
referral page with the actions allowed now. Another organisation's referrals never show."""

from __future__ import annotations

import html
import re
from datetime import timedelta
from functools import partial

import pytest

from app.audit.models import AuditEntry
from app.database import utcnow
from app.dates import today_in_london
from app.evidence import services as evidence_services
from app.extensions import db
from app.referrals import lifecycle, services
from app.referrals.errors import ReferralClosed
from app.referrals.models import Referral, ReferralStatus, ReferralUpdate
from app.referrals.reference import reference
from tests.dom import parse
from tests.helpers import assert_landed_on, assert_redirects, csrf_token, sign_in
from tests.referrals import support


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def count_of(page: str, tab: str) -> int:
    return int(re.search(rf'data-testid="count-{tab}">(\d+)<', page).group(1))


def post(client, path: str, data: dict, **kwargs):
    """Post a form of the referral page, with the page's CSRF token."""
    token = csrf_token(client, "/referrals/inbox")
    return client.post(path, data={**data, "csrf_token": token}, **kwargs)


@pytest.fixture
def partner_client(client, world):
    sign_in(client, world.partner)
    return client


# The inbox --------------------------------------------------------------------------------


def test_the_partner_home_is_the_inbox_with_counts_per_tab(partner_client, world, other_org):
    accepted = support.send(world.case, world.org, world.keyworker)
    support.set_status(accepted, "accepted")
    for status in ("declined", "completed", "cancelled"):
        support.set_status(support.send(world.case, world.org, world.keyworker), status)
    support.set_status(
        support.send(world.case, world.org, world.keyworker), "on_hold", held_from="sent"
    )
    # The other organisation's referrals must not be counted anywhere.
    for status in ("accepted", "in_progress", "declined"):
        support.set_status(support.send(other_org.case, other_org.org, other_org.keyworker), status)

    home = partner_client.get("/")
    assert_redirects(home, "/tasks/")
    page = text(partner_client.get("/referrals/inbox"))
    assert {
        tab: count_of(page, tab) for tab in ("new", "accepted", "in_progress", "closed", "on_hold")
    } == {
        "new": 1,
        "accepted": 1,
        "in_progress": 0,
        "closed": 3,
        "on_hold": 1,
    }
    assert world.ref in page
    assert other_org.ref not in page
    closed = text(partner_client.get("/referrals/inbox?tab=closed"))
    assert closed.count('data-testid="referral-RF-') == 3
    empty = text(partner_client.get("/referrals/inbox?tab=in_progress"))
    assert 'data-testid="empty-state"' in empty and "no referrals in progress" in empty


def test_overdue_referrals_are_tagged(partner_client, world):
    referral = db.session.get(Referral, world.referral.id)
    referral.acknowledge_by = today_in_london() - timedelta(days=1)
    db.session.commit()
    page = text(partner_client.get("/referrals/inbox"))
    assert 'data-testid="overdue"' in page


def test_search_by_reference_finds_only_the_organisations_own(partner_client, world, other_org):
    page = text(partner_client.get(f"/referrals/inbox?q={world.ref}"))
    assert "1 referral matching" in page and world.ref in page
    lower = text(partner_client.get(f"/referrals/inbox?q={world.ref[3:].lower()}"))
    assert world.ref in lower
    theirs = text(partner_client.get(f"/referrals/inbox?q={other_org.ref}"))
    assert "0 referrals matching" in theirs
    assert f'data-testid="referral-{other_org.ref}"' not in theirs
    bad = partner_client.get("/referrals/inbox?q=Jordan")
    assert bad.status_code == 200
    assert "Enter a referral reference" in text(bad)


def test_the_inbox_is_paginated_by_25(partner_client, world):
    for _ in range(26):
        support.send(world.case, world.org, world.keyworker)
    first = text(partner_client.get("/referrals/inbox"))
    assert first.count('data-testid="referral-RF-') == 25
    assert "govuk-pagination" in first
    second = text(partner_client.get("/referrals/inbox?page=2"))
    assert second.count('data-testid="referral-RF-') == 2


def test_the_inbox_query_count_stays_flat_as_referrals_grow(partner_client, world, count_queries):
    def queries_for_inbox() -> int:
        with count_queries() as counter:
            assert partner_client.get("/referrals/inbox").status_code == 200
        return counter.count

    few = queries_for_inbox()
    for i in range(30):
        referral = support.send(world.case, world.org, world.keyworker)
        if i % 2:
            db.session.get(Referral, referral.id).assigned_worker_id = world.colleague.id
            db.session.commit()
    assert queries_for_inbox() == few
    assert partner_client.get("/referrals/inbox?tab=closed").status_code == 200


def test_staff_and_other_roles_cannot_open_the_inbox(client, world):
    sign_in(client, world.keyworker)
    assert client.get("/referrals/inbox").status_code == 403


# The referral page -----------------------------------------------------------------------


def test_the_referral_page_shows_what_was_shared_and_the_introduction(partner_client, world):
    response = partner_client.get(f"/referrals/{world.referral.id}")
    assert response.status_code == 200
    page = text(response)
    assert "Jordan Ellis" in page  # contact details were shared
    assert "Accommodation" in page and "High" in page  # housing
    assert "Mental health and emotional wellbeing" in page  # health
    assert "Drugs" not in page  # substance use was not shared
    assert world.case.offence_description not in page  # nor was the offence
    assert world.case.crime_reference not in page
    assert "Three-way call" in page
    assert world.keyworker.name in page and world.keyworker.email in page
    assert "Help to find settled accommodation" in page
    assert "Rehabilitative" in page  # the linked condition
    # A sent referral is answered at once (accept, decline) or acknowledged for later.
    actions = parse(response).by_test_id("actions")
    assert [b.text for b in actions.find_all("button")] == ["Accept", "Acknowledge"]
    assert parse(response).by_test_id("decline").find("summary").text == "Decline the referral"


def test_every_partner_read_of_shared_information_is_audited(partner_client, world):
    partner_client.get(f"/referrals/{world.referral.id}")
    db.session.expire_all()
    entry = db.session.query(AuditEntry).filter_by(action="referral.viewed").one()
    assert entry.actor_id == world.partner.id
    assert entry.object_id == str(world.referral.id)
    assert entry.details["categories_shown"] == ["contact_details", "health", "housing"]


def test_without_contact_details_the_person_is_not_identified(client, app):
    world = support.World.build(categories=["housing"])
    sign_in(client, world.partner)
    page = text(client.get(f"/referrals/{world.referral.id}"))
    assert "Jordan" not in page and "Ellis" not in page
    assert world.ref in page and world.keyworker.email in page


def test_acknowledge_accept_start_complete_each_take_one_click(partner_client, world):
    path = f"/referrals/{world.referral.id}"
    for action, data, banner in [
        ("acknowledge", {}, "acknowledged"),
        ("accept", {}, "accepted"),
        ("start", {}, "started"),
        ("complete", {"complete-outcome": "achieved"}, "completed"),
    ]:
        version = support.fresh(Referral, world.referral.id).version
        response = post(
            partner_client,
            f"{path}/{action}",
            {f"{action}-version": str(version), **data},
            follow_redirects=True,
        )
        assert_landed_on(response, path)
        assert f"Referral {world.ref} {banner}" in text(response)
    assert support.fresh(Referral, world.referral.id).status == "completed"
    page = text(partner_client.get(path))
    assert 'data-testid="actions"' not in page


def test_accepting_from_sent_takes_one_click_and_records_the_acknowledgement(partner_client, world):
    path = f"/referrals/{world.referral.id}"
    version = str(support.fresh(Referral, world.referral.id).version)
    response = post(partner_client, f"{path}/accept", {"accept-version": version})
    assert response.status_code == 302
    assert response.headers["Location"] == path
    referral = support.fresh(Referral, world.referral.id)
    assert referral.status == "accepted" and referral.acknowledged_at is not None
    page = parse(partner_client.get(path))
    assert "Accepted" in page.by_test_id("status").text
    assert page.summary_value("Acknowledged").text
    assert [b.text for b in page.by_test_id("actions").find_all("button")] == ["Start work"]
    assert page.by_test_id("complete").find("summary").text == "Complete the referral"


@pytest.mark.parametrize("acknowledged_first", [True, False], ids=["acknowledged", "sent"])
def test_declining_needs_a_reason_from_the_list(partner_client, world, acknowledged_first):
    if acknowledged_first:
        lifecycle.transition(world.partner, world.referral.id, "acknowledged")
    path = f"/referrals/{world.referral.id}/decline"
    version = str(support.fresh(Referral, world.referral.id).version)
    missing = post(partner_client, path, {"decline-version": version})
    assert missing.status_code == 400
    assert "Select why you are declining the referral" in text(missing)
    assert "There is a problem" in text(missing)
    other = post(partner_client, path, {"decline-version": version, "decline-reason": "other"})
    assert other.status_code == 400
    assert "Enter why you are declining the referral" in text(other)
    done = post(
        partner_client,
        path,
        {"decline-version": version, "decline-reason": "outside_area"},
        follow_redirects=True,
    )
    assert_landed_on(done, f"/referrals/{world.referral.id}")
    assert f"Referral {world.ref} declined" in text(done)
    assert support.fresh(Referral, world.referral.id).decline_reason == "outside_area"


def test_a_stale_form_says_someone_else_changed_it(partner_client, world):
    path = f"/referrals/{world.referral.id}"
    stale = str(support.fresh(Referral, world.referral.id).version)
    lifecycle.transition(world.colleague, world.referral.id, "acknowledged")
    response = post(
        partner_client, f"{path}/acknowledge", {"acknowledge-version": stale}, follow_redirects=True
    )
    assert_landed_on(response, path)
    assert "Someone else changed this referral" in text(response)
    transitions = support.transitions(world.referral)
    assert [t.actor_id for t in transitions if t.to_status == "acknowledged"] == [
        world.colleague.id
    ]


def test_an_action_not_allowed_now_is_refused_with_a_message(partner_client, world):
    version = str(support.fresh(Referral, world.referral.id).version)
    response = post(
        partner_client,
        f"/referrals/{world.referral.id}/start",
        {"start-version": version},
        follow_redirects=True,
    )
    assert_landed_on(response, f"/referrals/{world.referral.id}")
    assert "cannot be moved to in progress" in text(response)
    assert support.fresh(Referral, world.referral.id).status == "sent"


def test_assigning_a_named_worker(partner_client, world, other_org):
    path = f"/referrals/{world.referral.id}/worker"
    version = str(support.fresh(Referral, world.referral.id).version)
    wrong = post(
        partner_client,
        path,
        {"assign-version": version, "assign-worker_id": str(other_org.partner.id)},
    )
    assert wrong.status_code == 400
    assert "Select a worker from your organisation" in text(wrong)
    done = post(
        partner_client,
        path,
        {"assign-version": version, "assign-worker_id": str(world.colleague.id)},
        follow_redirects=True,
    )
    assert_landed_on(done, f"/referrals/{world.referral.id}")
    assert f"{world.colleague.name} is now the named worker" in text(done)
    assert support.fresh(Referral, world.referral.id).assigned_worker_id == world.colleague.id


def test_posting_an_update_tells_the_keyworker(partner_client, world):
    path = f"/referrals/{world.referral.id}/updates"
    empty = post(partner_client, path, {"update-body": "  "})
    assert empty.status_code == 400 and "Enter the update" in text(empty)
    done = post(
        partner_client,
        path,
        {"update-body": "First appointment booked for Monday"},
        follow_redirects=True,
    )
    assert_landed_on(done, f"/referrals/{world.referral.id}")
    assert "Update posted" in text(done)
    assert "First appointment booked for Monday" in text(done)
    assert support.count(ReferralUpdate) == 1
    [message] = [
        n for n in support.notifications_for(world.keyworker) if n.kind == "referral.update"
    ]
    assert "Monday" not in message.body


def test_another_organisations_referral_is_not_found(partner_client, world, other_org):
    theirs = other_org.referral.id
    assert partner_client.get(f"/referrals/{theirs}").status_code == 404
    version = str(support.fresh(Referral, theirs).version)
    for path, data in [
        (f"/referrals/{theirs}/acknowledge", {"acknowledge-version": version}),
        (f"/referrals/{theirs}/worker", {"assign-worker_id": ""}),
        (f"/referrals/{theirs}/updates", {"update-body": "Hello"}),
    ]:
        assert post(partner_client, path, data).status_code == 404
    assert support.fresh(Referral, theirs).status == "sent"
    assert support.count(ReferralUpdate) == 0
    assert reference(theirs) not in text(partner_client.get("/referrals/inbox"))


def test_the_shared_address_keeps_its_line_breaks(client, world):
    world.case.person.address = "Flat 2\n14 Long Street\nExampletown"
    db.session.commit()
    referral = support.send(world.case, world.org, world.keyworker)
    sign_in(client, world.partner)
    doc = parse(client.get(f"/referrals/{referral.id}"))
    contact = doc.by_test_id("shared-contact_details").next_element
    assert contact.summary_value("Address").lines == ["Flat 2", "14 Long Street", "Exampletown"]


@pytest.mark.parametrize("status", list(ReferralStatus))
def test_the_worker_changes_until_closed_and_appointments_are_booked_while_open(
    partner_client, world, status
):
    """The page offers what the services allow: the named worker can change unless the
    referral is declined, completed or cancelled; appointments are booked only while it is
    sent, acknowledged, accepted or in progress."""
    held_from = ReferralStatus.ACCEPTED if status == ReferralStatus.ON_HOLD else None
    support.set_status(world.referral, status, held_from=held_from)
    closed = status in {"declined", "completed", "cancelled"}
    open_now = status in {"sent", "acknowledged", "accepted", "in_progress"}

    page = text(partner_client.get(f"/referrals/{world.referral.id}"))

    assert ('name="assign-worker_id"' in page) is not closed
    assert (f"/referrals/{world.referral.id}/appointments/new" in page) is open_now
    assign = partial(services.assign_worker, world.partner, world.referral.id, world.colleague.id)
    book = partial(
        evidence_services.book_appointment,
        world.partner,
        world.referral.id,
        starts_at=utcnow() - timedelta(days=1),
        mode="phone",
    )
    if closed:
        with pytest.raises(ReferralClosed):
            assign()
    else:
        assert assign().assigned_worker_id == world.colleague.id
    if open_now:
        assert book().referral_id == world.referral.id
    else:
        with pytest.raises(evidence_services.ReferralNotOpen):
            book()
