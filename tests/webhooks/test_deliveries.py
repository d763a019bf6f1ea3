"""Deliveries to a real receiver on 127.0.0.1: signed per Standard Webhooks, retried with
growing waits when the receiver fails, and never carrying anything about the person."""

from __future__ import annotations

from app.webhooks import signing
from app.webhooks.models import DeliveryStatus
from tests.referrals import support as referrals
from tests.webhooks.support import deliveries, lead, register, run_jobs


def test_a_new_referral_reaches_the_receiver_signed(app, client, receiver):
    org = referrals.organisation()
    headers = referrals.headers_for(lead(org))
    registered = register(client, headers, receiver.url, ["referral.sent"])
    assert registered["secret"].startswith("whsec_")
    assert registered["events"] == ["referral.sent"]
    case = referrals.active_case()
    referrals.consent(case, org)

    referral = referrals.send(case, org)
    run_jobs(app)

    [request] = receiver.requests
    assert request.path == "/hooks"
    assert request.headers["content-type"] == "application/json"
    body = signing.verify(registered["secret"], request.body, request.headers)
    assert body["type"] == "referral.sent"
    assert body["data"] == {"object": "referral", "id": str(referral.id), "version": 1}
    assert body["timestamp"].endswith("Z")
    assert request.headers["webhook-id"] == str(deliveries()[0].id)
    assert request.headers["webhook-signature"].startswith("v1,")
    [delivery] = deliveries()
    assert delivery.status == DeliveryStatus.DELIVERED
    assert delivery.attempts == 1
    assert delivery.last_status_code == 204
