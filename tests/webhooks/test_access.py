"""Role x endpoint x owner -> status, for every webhook page and API operation.

Actors: the roles, plus a partner organisation's lead. Objects: an endpoint of the lead's
organisation, one of another organisation, and an id that exists nowhere. Another
organisation's endpoint answers 404 to a lead, as a missing one does; an administrator
may manage any (API only: the pages are the lead's). Changes that remove the object come
last in each list, so the earlier rows still find it.
"""

from __future__ import annotations

import uuid

import pytest

from app.auth.roles import Role
from app.auth.tokens import issue_token
from app.extensions import db
from app.webhooks import services
from tests import factories
from tests.helpers import api_headers, csrf_token, sign_in
from tests.partners.support import lead, partner

K, S, A, P, V = "keyworker", "supervisor", "admin", "partner", "victim_liaison"
L = "partner_lead"
ACTORS = (K, S, A, P, L, V)


def only(*actors: str, ok: int = 200, other: int = 403) -> dict:
    return {a: (ok if a in actors else other) for a in ACTORS}


def lead_and_admin(lead_status: int, admin_status: int) -> dict:
    return {**only(), L: lead_status, A: admin_status}


PAGE_CASES = [
    ("webhooks.index", "GET", "/webhooks/", only(L)),
    ("webhooks.new", "GET", "/webhooks/new", only(L)),
    ("webhooks.show", "GET", "/webhooks/{own}", only(L)),
    ("webhooks.show", "GET", "/webhooks/{other}", only(L, ok=404)),
    ("webhooks.show", "GET", "/webhooks/{missing}", only(L, ok=404)),
    ("webhooks.send_test", "POST", "/webhooks/{own}/test", only(L, ok=302)),
    ("webhooks.send_test", "POST", "/webhooks/{other}/test", only(L, ok=404)),
    ("webhooks.rotate_secret", "POST", "/webhooks/{own}/secret", only(L)),
    ("webhooks.rotate_secret", "POST", "/webhooks/{other}/secret", only(L, ok=404)),
    ("webhooks.delete", "GET", "/webhooks/{own}/delete", only(L)),
    ("webhooks.delete", "GET", "/webhooks/{other}/delete", only(L, ok=404)),
    ("webhooks.delete", "POST", "/webhooks/{other}/delete", only(L, ok=404)),
    ("webhooks.delete", "POST", "/webhooks/{own}/delete", only(L, ok=302)),
]

NEW = {"url": "https://cases.example.org/hooks", "events": ["referral.sent"]}

API_CASES = [
    # An administrator must name the organisation (422 without one).
    ("api_webhooks.create_webhook", "POST", "/api/v1/webhooks", NEW, lead_and_admin(201, 422)),
    ("api_webhooks.list_webhooks", "GET", "/api/v1/webhooks", None, lead_and_admin(200, 200)),
    (
        "api_webhooks.list_webhook_deliveries",
        "GET",
        "/api/v1/webhooks/{own}/deliveries",
        None,
        lead_and_admin(200, 200),
    ),
    (
        "api_webhooks.list_webhook_deliveries",
        "GET",
        "/api/v1/webhooks/{other}/deliveries",
        None,
        lead_and_admin(404, 200),
    ),
    (
        "api_webhooks.list_webhook_deliveries",
        "GET",
        "/api/v1/webhooks/{missing}/deliveries",
        None,
        lead_and_admin(404, 404),
    ),
    (
        "api_webhooks.test_webhook",
        "POST",
        "/api/v1/webhooks/{own}/test",
        {},
        lead_and_admin(201, 201),
    ),
    (
        "api_webhooks.test_webhook",
        "POST",
        "/api/v1/webhooks/{other}/test",
        {},
        lead_and_admin(404, 201),
    ),
    (
        "api_webhooks.rotate_webhook_secret",
        "POST",
        "/api/v1/webhooks/{own}/secret",
        {},
        lead_and_admin(200, 200),
    ),
    (
        "api_webhooks.rotate_webhook_secret",
        "POST",
        "/api/v1/webhooks/{other}/secret",
        {},
        lead_and_admin(404, 200),
    ),
    (
        "api_webhooks.delete_webhook",
        "DELETE",
        "/api/v1/webhooks/{missing}",
        None,
        lead_and_admin(404, 404),
    ),
    (
        "api_webhooks.delete_webhook",
        "DELETE",
        "/api/v1/webhooks/{other}",
        None,
        lead_and_admin(404, 204),
    ),
    (
        "api_webhooks.delete_webhook",
        "DELETE",
        "/api/v1/webhooks/{own}",
        None,
        lead_and_admin(204, 204),
    ),
]

COVERED_ENDPOINTS = {case[0] for case in PAGE_CASES + API_CASES}


@pytest.fixture
def world(app):
    org = factories.organisation(name="Safe Harbour Housing")
    other_org = factories.organisation(name="Turning Point Recovery")
    the_lead = lead(org)
    own = services.register(
        the_lead, url="https://own.example.org/hooks", events=["referral.sent"]
    ).endpoint
    other = services.register(
        lead(other_org), url="https://other.example.org/hooks", events=["referral.sent"]
    ).endpoint
    return {
        "org": org,
        "lead": the_lead,
        "values": {"own": own.id, "other": other.id, "missing": uuid.uuid4()},
    }


def actor(kind: str, world):
    if kind == L:
        return world["lead"]
    if kind == P:
        return partner(world["org"])
    return factories.user(Role(kind))


@pytest.mark.parametrize("kind", ACTORS)
def test_pages_by_actor(client, world, kind):
    sign_in(client, actor(kind, world))
    token = csrf_token(client, "/")
    observed, expected = [], []
    for _endpoint, method, template, statuses in PAGE_CASES:
        path = template.format(**world["values"])
        data = {"csrf_token": token} if method == "POST" else None
        observed.append((method, template, client.open(path, method=method, data=data).status_code))
        expected.append((method, template, statuses[kind]))
    assert observed == expected


@pytest.mark.parametrize("kind", ACTORS)
def test_api_by_actor(client, world, kind):
    headers = api_headers(issue_token(actor(kind, world), days=1).secret)
    observed, expected = [], []
    for _endpoint, method, template, body, statuses in API_CASES:
        path = template.format(**world["values"])
        response = client.open(path, method=method, json=body, headers=headers)
        observed.append((method, template, response.status_code))
        expected.append((method, template, statuses[kind]))
    assert observed == expected


def test_every_webhook_route_is_in_this_matrix(app):
    ours = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith(("webhooks.", "api_webhooks."))
    }
    assert ours == COVERED_ENDPOINTS


def test_a_lead_who_is_no_longer_lead_loses_the_webhooks(client, world):
    the_lead = world["lead"]
    headers = api_headers(issue_token(the_lead, days=1).secret)
    assert client.get("/api/v1/webhooks", headers=headers).status_code == 200
    the_lead = db.session.get(type(the_lead), the_lead.id)
    the_lead.is_organisation_lead = False
    db.session.commit()
    assert client.get("/api/v1/webhooks", headers=headers).status_code == 403
    assert (
        client.get(
            f"/api/v1/webhooks/{world['values']['own']}/deliveries", headers=headers
        ).status_code
        == 403
    )
