"""A partner organisation's lead manages webhooks from the hub's pages: adds an endpoint
(the secret shown once), sees its deliveries, sends a test event, makes a new secret and
deletes it. Every change is audited, and the audit never holds the secret."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from app.extensions import db
from app.webhooks import signing
from app.webhooks.models import EventType, WebhookEndpoint
from tests.dom import parse
from tests.helpers import csrf_token, sign_in
from tests.partners.support import audit_entries
from tests.referrals import support as referrals
from tests.webhooks.support import deliveries, lead, run_jobs


@pytest.fixture
def org(app):
    return referrals.organisation()


@pytest.fixture
def the_lead(org):
    return lead(org)


@pytest.fixture
def lead_client(client, the_lead):
    sign_in(client, the_lead)
    return client


def _add(client, url, events) -> object:
    return client.post(
        "/webhooks/new",
        data={"csrf_token": csrf_token(client, "/webhooks/new"), "url": url, "events": events},
    )


def _secret_of(response) -> str:
    return parse(response).by_test_id("secret").text


def _send_referral(org):
    case = referrals.active_case()
    referrals.consent(case, org)
    return referrals.send(case, org)


def deliveries_endpoint():
    """The id of the one endpoint the test added."""
    db.session.expire_all()
    return db.session.scalars(select(WebhookEndpoint.id)).one()


def test_the_form_offers_every_event_and_explains_each(lead_client):
    doc = parse(lead_client.get("/webhooks/new"))
    boxes = doc.find_all("input", type="checkbox", name="events")
    assert [b.attrs["value"] for b in boxes] == [e.value for e in EventType]
    assert doc.label_for("url") == "Endpoint URL"


def test_bad_input_is_shown_against_each_field(lead_client):
    response = _add(lead_client, "http://partner.example.org/hooks", [])
    assert response.status_code == 400
    doc = parse(response)
    assert doc.error_summary() == [
        "The URL must start with https://",
        "Choose at least one event",
    ]
    assert audit_entries("webhook.created") == []


def test_a_lead_adds_an_endpoint_sees_the_secret_once_and_it_signs_deliveries(
    app, lead_client, org, receiver
):
    response = _add(lead_client, receiver.url, ["referral.sent", "referral.cancelled"])
    assert response.status_code == 200
    secret = _secret_of(response)
    assert secret.startswith("whsec_")
    endpoint_id = deliveries_endpoint()

    listed = parse(lead_client.get("/webhooks/"))
    [row] = listed.table_rows(listed.by_test_id("endpoints"))
    assert row[0] == receiver.url
    assert row[1] == "referral.sent, referral.cancelled"
    shown = lead_client.get(f"/webhooks/{endpoint_id}").get_data(as_text=True)
    assert secret not in shown and secret not in listed.text
    [entry] = audit_entries("webhook.created", endpoint_id)
    assert secret not in json.dumps(entry.details)
    assert entry.details["events"] == ["referral.sent", "referral.cancelled"]

    _send_referral(org)
    run_jobs(app)
    [request] = receiver.requests
    assert signing.verify(secret, request.body, request.headers)["type"] == "referral.sent"

    doc = parse(lead_client.get(f"/webhooks/{endpoint_id}"))
    [row] = doc.table_rows(doc.by_test_id("deliveries"))
    assert row[0] == "referral.sent"
    assert row[2:5] == ["Delivered", "1", "HTTP 204"]


def test_a_test_event_a_new_secret_and_deletion(app, lead_client, org, the_lead, receiver):
    old_secret = _secret_of(_add(lead_client, receiver.url, ["referral.sent"]))
    endpoint_id = deliveries_endpoint()
    page = f"/webhooks/{endpoint_id}"

    sent = lead_client.post(f"{page}/test", data={"csrf_token": csrf_token(lead_client, page)})
    assert sent.status_code == 302
    assert sent.headers["Location"] == page
    run_jobs(app)
    [request] = receiver.requests
    body = signing.verify(old_secret, request.body, request.headers)
    assert body["type"] == "webhook.test"
    assert body["data"] == {"object": "webhook", "id": str(endpoint_id), "version": None}
    assert len(audit_entries("webhook.test_sent", endpoint_id)) == 1

    rotated = lead_client.post(f"{page}/secret", data={"csrf_token": csrf_token(lead_client, page)})
    assert rotated.status_code == 200
    new_secret = _secret_of(rotated)
    assert new_secret != old_secret
    assert len(audit_entries("webhook.secret_rotated", endpoint_id)) == 1
    _send_referral(org)
    run_jobs(app)
    latest = receiver.requests[-1]
    assert signing.verify(new_secret, latest.body, latest.headers)["type"] == "referral.sent"
    with pytest.raises(signing.WebhookVerificationError):
        signing.verify(old_secret, latest.body, latest.headers)

    confirm = parse(lead_client.get(f"{page}/delete"))
    assert confirm.heading("Delete this webhook endpoint?") is not None
    deleted = lead_client.post(
        f"{page}/delete", data={"csrf_token": csrf_token(lead_client, f"{page}/delete")}
    )
    assert deleted.status_code == 302
    assert deleted.headers["Location"] == "/webhooks/"
    assert len(audit_entries("webhook.deleted", endpoint_id)) == 1
    assert lead_client.get(page).status_code == 404
    before = len(deliveries())
    _send_referral(org)
    run_jobs(app)
    assert len(deliveries()) == before  # nothing more for a deleted endpoint
    assert len(receiver.requests) == 2


def test_the_deliveries_page_query_count_stays_flat(app, lead_client, org, count_queries):
    _add(lead_client, "http://127.0.0.1:9/hooks", ["referral.sent"])
    page = f"/webhooks/{deliveries_endpoint()}"

    def queries() -> int:
        # Not counted: the sign-in session's once-a-minute "last seen" stamp.
        assert lead_client.get(page).status_code == 200
        with count_queries() as counter:
            assert lead_client.get(page).status_code == 200
        return counter.count

    _send_referral(org)
    few = queries()
    for _ in range(5):
        _send_referral(org)
    assert len(deliveries()) == 6
    assert queries() == few
