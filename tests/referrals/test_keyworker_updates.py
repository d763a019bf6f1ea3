"""The keyworker's updates for the partner organisation: posted from the referral's page
or the API while the referral is open, shown to the partner, announced to the partner's
named worker (or users) and referral address, and never news to the keyworker's own
work queue."""

from __future__ import annotations

from app.referrals import messages
from tests.dom import parse
from tests.helpers import assert_redirects, csrf_token, sign_in
from tests.referrals import support
from tests.tasks.support import api_items


def _partner_notes(world, kind=messages.KEYWORKER_UPDATE) -> list:
    return [n for n in support.notifications_for(world.partner) if n.kind == kind]


def test_a_keyworker_posts_an_update_from_the_referral_page(app, client, world):
    sign_in(client, world.keyworker)
    page = f"/referrals/{world.referral.id}"
    doc = parse(client.get(page))
    assert doc.label_for("update-body") == "Your update for the partner organisation"

    response = client.post(
        f"{page}/updates",
        data={"csrf_token": csrf_token(client, page), "update-body": "Now free on Mondays"},
    )
    assert_redirects(response, page)
    [note] = _partner_notes(world)
    assert note.link_path == page
    assert "Mondays" not in note.subject + note.body
    assert "referral.update_posted" in support.audit_actions(world.referral.id)

    partner = app.test_client()
    sign_in(partner, world.partner)
    updates = parse(partner.get(page)).by_test_id("updates").text
    assert "Now free on Mondays" in updates and world.keyworker.name in updates


def test_the_api_takes_a_keyworker_update_and_refuses_one_on_hold(client, world):
    headers = support.headers_for(world.keyworker)
    path = f"/api/v1/referrals/{world.referral.id}/updates"
    assert client.post(path, json={"body": "Moved house"}, headers=headers).status_code == 201
    assert len(_partner_notes(world)) == 1

    support.withdraw(world.consent, world.keyworker)
    refused = client.post(path, json={"body": "Still there?"}, headers=headers)
    assert refused.status_code == 409
    assert refused.get_json()["code"] == "referral_closed"
    assert len(_partner_notes(world)) == 1


def test_on_hold_the_page_offers_no_update_form_and_refuses_a_post(client, world):
    support.withdraw(world.consent, world.keyworker)
    sign_in(client, world.keyworker)
    page = f"/referrals/{world.referral.id}"
    assert parse(client.get(page)).find("textarea", name="update-body") is None
    response = client.post(
        f"{page}/updates",
        data={"csrf_token": csrf_token(client, page), "update-body": "Hello"},
    )
    assert response.status_code == 400
    assert parse(response).error_summary() == [
        "You can post an update only while the referral is open (not on hold, declined, "
        "completed or cancelled)"
    ]


def test_the_keyworkers_own_update_is_not_unread_news_to_them(client, world):
    headers = support.headers_for(world.keyworker)
    path = f"/api/v1/referrals/{world.referral.id}/updates"
    client.post(path, json={"body": "Moved house"}, headers=headers)
    assert api_items(client, world.keyworker, "partner_update_unread") == []
    client.post(path, json={"body": "Seen them"}, headers=support.headers_for(world.partner))
    unread = api_items(client, world.keyworker, "partner_update_unread")
    assert [i["object_id"] for i in unread] == [str(world.referral.id)]
