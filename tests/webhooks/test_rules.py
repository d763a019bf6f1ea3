"""The rules of registering endpoints and of which events reach which endpoint."""

from __future__ import annotations

import json

import pytest

from app.auth.roles import Role
from tests import factories
from tests.referrals import support as referrals
from tests.webhooks.receiver import Receiver
from tests.webhooks.support import deliveries, lead, register, run_jobs

BAD_URL = "Enter a URL that starts with https://, like https://example.org/hooks"
NEW = {"url": "https://cases.example.org/h", "events": ["referral.sent"]}


def _post(client, headers, **body):
    return client.post("/api/v1/webhooks", json=body, headers=headers)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("", "Enter the URL of your endpoint"),
        ("ftp://partner.example.org/hooks", BAD_URL),
        ("partner.example.org/hooks", BAD_URL),
        ("http://partner.example.org/hooks", "The URL must start with https://"),
        ("http://localhost:8000/hooks", "The URL must start with https://"),
        (
            "https://user:pw@partner.example.org/",
            "The URL must not contain a user name or password",
        ),
        ("https://partner.example.org:notaport/", BAD_URL),
        ("https://10.1.2.3/hooks", "Enter the address of your organisation's own system"),
        ("https://[::1]/hooks", "Enter the address of your organisation's own system"),
        ("https://169.254.169.254/latest", "Enter the address of your organisation's own system"),
        ("https://localhost/hooks", "Enter the address of your organisation's own system"),
        # 127.0.0.1 written in forms only resolving the name reveals
        ("https://2130706433/hooks", "Enter the address of your organisation's own system"),
        ("https://0x7f.1/hooks", "Enter the address of your organisation's own system"),
        ("https://partner.example.org/" + "a" * 2000, "The URL must be 2000 characters or fewer"),
    ],
)
def test_a_url_that_is_not_https_is_refused(client, app, url, message):
    headers = referrals.headers_for(lead(referrals.organisation()))
    response = _post(client, headers, url=url, events=["referral.sent"])
    assert response.status_code == 422
    assert response.headers["Content-Type"] == "application/problem+json"
    assert response.get_json()["errors"] == {"url": [message]}


def test_http_to_127_0_0_1_is_for_development_and_tests_only(client, app):
    headers = referrals.headers_for(lead(referrals.organisation()))
    local = {"url": "http://127.0.0.1:8000/h", "events": ["referral.sent"]}
    assert _post(client, headers, **local).status_code == 201
    app.config["HUB_ENV"] = "production"
    refused = _post(client, headers, **local)
    assert refused.status_code == 422
    assert refused.get_json()["errors"] == {"url": ["The URL must start with https://"]}
    assert (
        _post(
            client, headers, url="https://cases.example.org/h", events=["referral.sent"]
        ).status_code
        == 201
    )


@pytest.mark.parametrize(
    ("events", "status"),
    [
        ([], 422),
        (["referral.deleted"], 422),
        (["webhook.test"], 422),
        (["appointment.changed"], 201),
    ],
)
def test_events_must_be_chosen_from_the_list(client, app, events, status):
    headers = referrals.headers_for(lead(referrals.organisation()))
    response = _post(client, headers, url="https://cases.example.org/h", events=events)
    assert response.status_code == status


def test_the_secret_is_shown_once_and_never_listed(client, app):
    headers = referrals.headers_for(lead(referrals.organisation()))
    created = register(client, headers, "https://cases.example.org/h")
    listed = client.get("/api/v1/webhooks", headers=headers).get_json()
    assert listed["total"] == 1
    [item] = listed["items"]
    assert item["id"] == created["id"]
    assert "secret" not in item
    assert created["secret"] not in str(listed)


def test_an_administrator_names_the_organisation_a_lead_cannot_name_another(client, app):
    org, other = referrals.organisation(), referrals.organisation()
    admin = referrals.headers_for(factories.user(Role.ADMIN))
    missing = _post(client, admin, url="https://cases.example.org/h", events=["referral.sent"])
    assert missing.get_json()["errors"] == {"organisation_id": ["Choose the organisation"]}
    made = _post(
        client,
        admin,
        url="https://cases.example.org/h",
        events=["referral.sent"],
        organisation_id=str(org.id),
    )
    assert made.status_code == 201
    assert made.get_json()["organisation_id"] == str(org.id)
    lead_headers = referrals.headers_for(lead(org))
    refused = _post(
        client,
        lead_headers,
        url="https://cases.example.org/h",
        events=["referral.sent"],
        organisation_id=str(other.id),
    )
    assert refused.status_code == 422
    # The lead sees the endpoint the administrator made for their organisation.
    assert client.get("/api/v1/webhooks", headers=lead_headers).get_json()["total"] == 1


def test_events_reach_only_the_organisations_own_endpoints_that_chose_them(client, app):
    org, other = referrals.organisation(), referrals.organisation()
    with Receiver() as ours, Receiver() as theirs, Receiver() as not_chosen:
        register(client, referrals.headers_for(lead(org)), ours.url, ["referral.sent"])
        register(client, referrals.headers_for(lead(other)), theirs.url, ["referral.sent"])
        register(client, referrals.headers_for(lead(org)), not_chosen.url, ["referral.cancelled"])
        case = referrals.active_case()
        referrals.consent(case, org)
        referral = referrals.send(case, org)
        run_jobs(app)
    assert [r.headers["webhook-id"] for r in ours.requests] == [str(d.id) for d in deliveries()]
    assert str(referral.id) in ours.requests[0].body.decode()
    assert theirs.requests == []
    assert not_chosen.requests == []


def test_a_referral_event_names_its_version_after_the_change(client, app, receiver):
    org = referrals.organisation()
    register(
        client,
        referrals.headers_for(lead(org)),
        receiver.url,
        ["referral.updated", "referral.cancelled"],
    )
    case = referrals.active_case()
    referrals.consent(case, org)
    referral = referrals.send(case, org)
    partner = referrals.partner(org)
    client.post(
        f"/api/v1/referrals/{referral.id}/transitions",
        json={"to": "acknowledged"},
        headers=referrals.headers_for(partner),
    )
    cancelled = client.post(
        f"/api/v1/referrals/{referral.id}/transitions",
        json={"to": "cancelled", "reason": "No longer needed"},
        headers=referrals.headers_for(case.keyworker),
    ).get_json()
    run_jobs(app)
    bodies = [json.loads(r.body) for r in receiver.requests]
    assert [(b["type"], b["data"]["version"]) for b in bodies] == [
        ("referral.updated", 2),
        ("referral.cancelled", cancelled["version"]),
    ]
    fetched = client.get(f"/api/v1/referrals/{referral.id}", headers=referrals.headers_for(partner))
    assert fetched.get_json()["version"] == bodies[-1]["data"]["version"]
