"""After consent is withdrawn the partner no longer reads what was written about the
person: the referral's need, its message, the linked conditions' text (which can reveal
substance use), the updates and a decline's details. It keeps the reference, the status,
the dates and its own organisation's appointments and attendance, on the pages and in
the API (same shapes: the text fields null, the lists empty)."""

from __future__ import annotations

import pytest

from app.evidence import services as evidence_services
from app.referrals import services
from tests.dom import parse
from tests.evidence.support import past
from tests.helpers import sign_in
from tests.referrals import support

NEED = "Help to stop using heroin before the court date"
MESSAGE = "Has relapsed twice this year; prefers mornings"


@pytest.fixture
def world(app):
    world = support.World.build()
    condition = world.case.contract.current_conditions[0]
    condition.description = "Attend the Northtown drug service weekly"
    referral = support.send(
        world.case,
        world.org,
        world.keyworker,
        need=NEED,
        message=MESSAGE,
        conditions=[condition.id],
    )
    world.referral = support.set_status(referral, "accepted")
    world.condition_text = condition.description
    world.appointment = evidence_services.book_appointment(
        world.partner, referral.id, starts_at=past(days=1), mode="phone", location=None
    )
    world.headers = support.headers_for(world.partner)
    services.post_update(world.partner, referral.id, "Spoke about the heroin use")
    return world


def _api(client, world, path=""):
    return client.get(f"/api/v1/referrals{path}", headers=world.headers)


def test_before_withdrawal_the_partner_reads_the_text(client, world):
    body = _api(client, world, f"/{world.referral.id}").json
    assert body["need"] == NEED
    assert body["message"] == MESSAGE
    assert [c["description"] for c in body["conditions"]] == [world.condition_text]
    assert [u["body"] for u in body["updates"]] == ["Spoke about the heroin use"]


def test_after_withdrawal_the_api_holds_no_text_and_keeps_the_rest(client, world):
    before = _api(client, world, f"/{world.referral.id}").json
    support.withdraw(world.consent, world.keyworker)

    body = _api(client, world, f"/{world.referral.id}").json
    assert body["need"] is None
    assert body["message"] is None
    assert body["conditions"] == []
    assert body["updates"] == []
    assert body["decline_details"] is None
    assert body["shared"] == {}
    assert body["consent_withdrawn"] is True
    assert body["status"] == "on_hold"
    for kept in ("id", "reference", "sent_at", "acknowledge_by", "acknowledged_at"):
        assert body[kept] == before[kept]
    assert set(body) == set(before)  # the same shape
    assert NEED not in _api(client, world).get_data(as_text=True)
    [item] = [i for i in _api(client, world).json["items"] if i["id"] == str(world.referral.id)]
    assert item["need"] is None

    appointments = _api(client, world, f"/{world.referral.id}/appointments").json
    assert [a["id"] for a in appointments["items"]] == [str(world.appointment.id)]


def test_after_withdrawal_the_pages_hold_no_text(client, world):
    sign_in(client, world.partner)
    before = parse(client.get(f"/referrals/{world.referral.id}")).text
    assert NEED in before and MESSAGE in before and world.condition_text in before
    support.withdraw(world.consent, world.keyworker)

    response = client.get(f"/referrals/{world.referral.id}")
    assert response.status_code == 200
    page = parse(response)
    text = page.text
    for secret in (NEED, MESSAGE, world.condition_text, "heroin"):
        assert secret not in text
    assert world.ref in text
    assert page.summary_value("Need").text == (
        "Not shown: consent to share was withdrawn or has expired"
    )
    assert page.by_test_id("consent-withdrawn")

    inbox = parse(client.get("/referrals/inbox", query_string={"q": world.ref})).text
    assert world.ref in inbox and NEED not in inbox
    found = parse(client.get("/search/", query_string={"q": world.ref})).text
    assert world.ref in found and NEED not in found
    tasks = client.get("/tasks/").get_data(as_text=True)
    assert NEED not in tasks
