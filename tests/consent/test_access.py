"""Who may use the consent pages and API: role x endpoint x ownership of the case.

The keyworker of the case and any supervisor may; another keyworker gets 404 (the case
is not theirs, and they are not told it exists); administrators, partner users and
victim liaison staff get 403 on the pages and in the API. Changes refused for access
reasons write nothing.
"""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, select

from app.auth.roles import Role
from app.consent.models import Consent
from app.extensions import db
from tests import factories
from tests.consent.conftest import headers_for
from tests.helpers import assert_redirects, csrf_token, sign_in

COVERED_ENDPOINTS = {
    "consent.index",
    "consent.new",
    "consent.withdraw",
    "consent.summary",
    "api_consents.create_consent",
    "api_consents.list_consents",
    "api_consents.withdraw_consent",
}

# Who is asking, relative to the case: its own keyworker, another keyworker, or a role.
ACTORS = ["owner", "other_keyworker", "supervisor", "admin", "partner", "victim_liaison"]

PAGE_EXPECTED = {
    "owner": 200,
    "other_keyworker": 404,
    "supervisor": 200,
    "admin": 403,
    "partner": 403,
    "victim_liaison": 403,
}

# endpoint -> (method, path template)
PAGES = {
    "consent.index": ("GET", "/cases/{case}/consents"),
    "consent.new": ("GET", "/cases/{case}/consents/new"),
    "consent.withdraw": ("GET", "/consents/{consent}/withdraw"),
    "consent.summary": ("GET", "/cases/{case}/consents/summary"),
}

# endpoint -> (method, path template, expected status of an allowed caller)
API = {
    "api_consents.create_consent": ("POST", "/api/v1/cases/{case}/consents", 201),
    "api_consents.list_consents": ("GET", "/api/v1/cases/{case}/consents", 200),
    "api_consents.withdraw_consent": ("POST", "/api/v1/consents/{consent}/withdrawal", 200),
}


def test_every_endpoint_is_in_a_table():
    assert set(PAGES) | set(API) == COVERED_ENDPOINTS


@pytest.fixture
def world(app):
    owner = factories.user(Role.KEYWORKER)
    case = factories.case(owner)
    org = factories.organisation()
    consent = factories.consent(case, org)
    return {"owner": owner, "case": case, "org": org, "consent": consent}


def actor_for(name: str, world):
    if name == "owner":
        return world["owner"]
    if name == "other_keyworker":
        return factories.user(Role.KEYWORKER)
    return factories.user(Role(name))


def consent_count() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(Consent))


def withdrawn_count() -> int:
    db.session.expire_all()
    return db.session.scalar(
        select(func.count()).select_from(Consent).where(Consent.withdrawn_at.is_not(None))
    )


@pytest.mark.parametrize("endpoint", sorted(PAGES))
@pytest.mark.parametrize("actor", ACTORS)
def test_pages(client, world, actor, endpoint):
    sign_in(client, actor_for(actor, world))
    method, template = PAGES[endpoint]
    path = template.format(case=world["case"].id, consent=world["consent"].id)
    assert client.open(path, method=method).status_code == PAGE_EXPECTED[actor]


@pytest.mark.parametrize("actor", ACTORS)
def test_recording_on_the_page(client, world, actor):
    sign_in(client, actor_for(actor, world))
    path = f"/cases/{world['case'].id}/consents/new"
    token = csrf_token(client, "/")  # any page of ours carries one for this session
    response = client.post(
        path,
        data={
            "csrf_token": token,
            "organisation_id": str(factories.organisation().id),
            "categories": ["housing"],
            "method": "verbal",
            "notice_version": "2026-04",
        },
    )
    expected = {200: 302}.get(PAGE_EXPECTED[actor], PAGE_EXPECTED[actor])
    assert response.status_code == expected
    if expected == 302:
        assert_redirects(response, f"/cases/{world['case'].id}/consents")
    assert consent_count() == (2 if expected == 302 else 1)


@pytest.mark.parametrize("actor", ACTORS)
def test_withdrawing_on_the_page(client, world, actor):
    sign_in(client, actor_for(actor, world))
    token = csrf_token(client, "/")
    response = client.post(
        f"/consents/{world['consent'].id}/withdraw",
        data={"csrf_token": token, "reason": "Stop", "version": "1"},
    )
    expected = {200: 302}.get(PAGE_EXPECTED[actor], PAGE_EXPECTED[actor])
    assert response.status_code == expected
    if expected == 302:
        assert_redirects(response, f"/cases/{world['case'].id}/consents")
    assert withdrawn_count() == (1 if expected == 302 else 0)


API_EXPECTED = {
    "owner": None,  # the endpoint's own success status
    "other_keyworker": 404,
    "supervisor": None,
    "admin": 403,
    "partner": 403,
    "victim_liaison": 403,
}


@pytest.mark.parametrize("endpoint", sorted(API))
@pytest.mark.parametrize("actor", ACTORS)
def test_api(client, world, actor, endpoint):
    headers = headers_for(actor_for(actor, world))
    method, template, ok = API[endpoint]
    path = template.format(case=world["case"].id, consent=world["consent"].id)
    payload = {
        "api_consents.create_consent": {
            "organisation_id": str(world["org"].id),
            "categories": ["housing"],
            "method": "written",
            "notice_version": "2026-04",
        },
        "api_consents.withdraw_consent": {"reason": "Stop", "version": 1},
    }.get(endpoint)
    before = (consent_count(), withdrawn_count())
    response = client.open(path, method=method, json=payload, headers=headers)
    expected = API_EXPECTED[actor] or ok
    assert response.status_code == expected
    if expected >= 400:
        assert response.mimetype == "application/problem+json"
        assert (consent_count(), withdrawn_count()) == before
        assert str(world["case"].id) not in response.get_data(as_text=True)


def test_anonymous_requests_are_refused(client, world):
    case_id, consent_id = world["case"].id, world["consent"].id
    for method, template in PAGES.values():
        path = template.format(case=case_id, consent=consent_id)
        assert_redirects(client.open(path, method=method), f"/sign-in?next={path}")
    for endpoint, (method, template, _ok) in API.items():
        response = client.open(template.format(case=case_id, consent=consent_id), method=method)
        assert response.status_code == 401, endpoint
    assert consent_count() == 1 and withdrawn_count() == 0


@pytest.mark.parametrize("actor", ["owner", "supervisor"])
def test_unknown_and_malformed_ids_are_not_found(client, world, actor):
    sign_in(client, actor_for(actor, world))
    for path in (
        f"/cases/{uuid.uuid4()}/consents",
        f"/cases/{uuid.uuid4()}/consents/new",
        f"/cases/{uuid.uuid4()}/consents/summary",
        f"/consents/{uuid.uuid4()}/withdraw",
        "/cases/not-a-uuid/consents",
        "/consents/123/withdraw",
    ):
        assert client.get(path).status_code == 404, path


def test_a_reallocated_case_leaves_the_old_keyworkers_scope(client, world):
    old_keyworker = world["owner"]
    new_keyworker = factories.user(Role.KEYWORKER)
    case = world["case"]
    case.keyworker_id = new_keyworker.id
    db.session.commit()
    sign_in(client, old_keyworker)
    assert client.get(f"/cases/{case.id}/consents").status_code == 404
    assert client.get(f"/consents/{world['consent'].id}/withdraw").status_code == 404
