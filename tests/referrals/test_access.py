"""Who may reach each referral endpoint: role x organisation x ownership -> status.

The keyworker of the case and supervisors work on the case side; partner users of the
referral's organisation on the partner side. Another keyworker and another
organisation's partner users get 404 (the referral or case does not exist for them);
administrators and victim liaison staff get 403 from every referral page and API call.
"""

from __future__ import annotations

import pytest

from app.auth.roles import Role
from tests import factories
from tests.helpers import assert_redirects, csrf_token, sign_in
from tests.referrals import support

COVERED_ENDPOINTS = {
    "referrals.inbox",
    "referrals.show",
    "referrals.act",
    "referrals.assign_worker",
    "referrals.post_update",
    "referrals.case_referrals",
    "referrals.case_choose_organisation",
    "referrals.case_new_referral",
    "api_referrals.create_referral",
    "api_referrals.list_referrals",
    "api_referrals.get_referral",
    "api_referrals.create_transition",
    "api_referrals.create_update",
    "api_referrals.assign_worker",
}

WHO = (
    "keyworker",  # of the case
    "other_keyworker",
    "supervisor",
    "partner",  # of the referral's organisation
    "other_partner",  # of another organisation
    "admin",
    "victim_liaison",
)


def _row(*statuses) -> dict:
    return dict(zip(WHO, statuses, strict=True))


CASE_SIDE = _row(200, 404, 200, 403, 403, 403, 403)
EVERY_SIDE = _row(200, 404, 200, 200, 404, 403, 403)
PARTNER_FORM = _row(403, 403, 403, 302, 404, 403, 403)

# endpoint -> (method, path, form or JSON body, expected status for each of WHO)
PAGES = {
    "referrals.inbox": ("GET", "/referrals/inbox", None, _row(403, 403, 403, 200, 200, 403, 403)),
    "referrals.show": ("GET", "/referrals/{referral}", None, EVERY_SIDE),
    # Case staff may post here, but acknowledging is the partner's move: refused with a
    # message on the page (a redirect), not with a 403.
    "referrals.act": (
        "POST",
        "/referrals/{referral}/acknowledge",
        {"acknowledge-version": ""},
        _row(302, 404, 302, 302, 404, 403, 403),
    ),
    "referrals.assign_worker": (
        "POST",
        "/referrals/{referral}/worker",
        {"assign-worker_id": ""},
        PARTNER_FORM,
    ),
    # Either side posts updates for the other (case staff while the referral is open).
    "referrals.post_update": (
        "POST",
        "/referrals/{referral}/updates",
        {"update-body": "First session booked"},
        _row(302, 404, 302, 302, 404, 403, 403),
    ),
    "referrals.case_referrals": ("GET", "/cases/{case}/referrals", None, CASE_SIDE),
    "referrals.case_choose_organisation": ("GET", "/cases/{case}/referrals/new", None, CASE_SIDE),
    "referrals.case_new_referral": ("GET", "/cases/{case}/referrals/new/{org}", None, CASE_SIDE),
}

API = {
    "api_referrals.create_referral": (
        "POST",
        "/api/v1/cases/{case}/referrals",
        {"need": "Housing", "shared_categories": ["housing"]},  # organisation_id added below
        _row(201, 404, 201, 403, 403, 403, 403),
    ),
    "api_referrals.list_referrals": (
        "GET",
        "/api/v1/referrals",
        None,
        _row(200, 200, 200, 200, 200, 403, 403),
    ),
    "api_referrals.get_referral": ("GET", "/api/v1/referrals/{referral}", None, EVERY_SIDE),
    "api_referrals.create_transition": (
        "POST",
        "/api/v1/referrals/{referral}/transitions",
        {"to": "acknowledged"},
        _row(409, 404, 409, 200, 404, 403, 403),
    ),
    "api_referrals.create_update": (
        "POST",
        "/api/v1/referrals/{referral}/updates",
        {"body": "First session booked"},
        _row(201, 404, 201, 201, 404, 403, 403),
    ),
    "api_referrals.assign_worker": (
        "POST",
        "/api/v1/referrals/{referral}/assignment",
        {"worker_id": None},
        _row(403, 403, 403, 200, 404, 403, 403),
    ),
}


def test_the_matrices_cover_the_endpoints():
    assert set(PAGES) | set(API) == COVERED_ENDPOINTS


def _user(world, other, who):
    return {
        "keyworker": lambda: world.keyworker,
        "other_keyworker": lambda: other.keyworker,
        "supervisor": lambda: factories.user(Role.SUPERVISOR),
        "partner": lambda: world.partner,
        "other_partner": lambda: other.partner,
        "admin": lambda: factories.user(Role.ADMIN),
        "victim_liaison": lambda: factories.user(Role.VICTIM_LIAISON),
    }[who]()


def _path(template: str, world) -> str:
    return template.format(referral=world.referral.id, case=world.case.id, org=world.org.id)


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize("endpoint", sorted(PAGES))
def test_pages(client, world, other_org, endpoint, who):
    method, template, data, expected = PAGES[endpoint]
    sign_in(client, _user(world, other_org, who))
    path = _path(template, world)
    if method == "GET":
        response = client.get(path)
    else:
        token = csrf_token(client, "/")
        response = client.post(path, data={**data, "csrf_token": token})
    assert response.status_code == expected[who], response.get_data(as_text=True)[:300]
    if expected[who] == 302:  # each form answers on the referral's own page
        assert_redirects(response, f"/referrals/{world.referral.id}")


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize("endpoint", sorted(API))
def test_api(client, world, other_org, endpoint, who):
    method, template, body, expected = API[endpoint]
    if endpoint == "api_referrals.create_referral":
        body = {**body, "organisation_id": str(world.org.id)}
    headers = support.headers_for(_user(world, other_org, who))
    response = client.open(_path(template, world), method=method, json=body, headers=headers)
    assert response.status_code == expected[who], response.json
    assert response.mimetype in {"application/json", "application/problem+json"}


@pytest.mark.parametrize("who", ["keyworker", "other_keyworker", "partner", "other_partner"])
def test_lists_hold_only_what_each_may_see(client, world, other_org, who):
    user = _user(world, other_org, who)
    body = client.get("/api/v1/referrals", headers=support.headers_for(user)).json
    mine = world if who in {"keyworker", "partner"} else other_org
    assert body["total"] == 1
    assert [item["id"] for item in body["items"]] == [str(mine.referral.id)]


# The partner's shorter moves: only the referral's own organisation makes them.
SHORT_MOVES = [
    ("sent", "accept", "accepted", {}, {}),
    ("sent", "decline", "declined", {"decline-reason": "no_capacity"}, {"reason": "no_capacity"}),
    (
        "accepted",
        "complete",
        "completed",
        {"complete-outcome": "achieved"},
        {"outcome": "achieved"},
    ),
]
SHORT_MOVE_PAGE = _row(302, 404, 302, 302, 404, 403, 403)  # case staff: refused on the page
SHORT_MOVE_API = _row(409, 404, 409, 200, 404, 403, 403)


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize(
    "source, action, target, form, body", SHORT_MOVES, ids=[m[1] for m in SHORT_MOVES]
)
def test_the_short_moves_on_the_page(
    client, world, other_org, who, source, action, target, form, body
):
    referral = support.set_status(world.referral, source)
    sign_in(client, _user(world, other_org, who))
    token = csrf_token(client, "/")
    response = client.post(
        f"/referrals/{referral.id}/{action}",
        data={**form, f"{action}-version": str(referral.version), "csrf_token": token},
    )
    assert response.status_code == SHORT_MOVE_PAGE[who]
    moved = support.fresh(type(referral), referral.id).status
    assert moved == (target if who == "partner" else source)


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize(
    "source, action, target, form, body", SHORT_MOVES, ids=[m[1] for m in SHORT_MOVES]
)
def test_the_short_moves_in_the_api(
    client, world, other_org, who, source, action, target, form, body
):
    referral = support.set_status(world.referral, source)
    response = client.post(
        f"/api/v1/referrals/{referral.id}/transitions",
        json={"to": target, **body},
        headers=support.headers_for(_user(world, other_org, who)),
    )
    assert response.status_code == SHORT_MOVE_API[who], response.json
    if who == "partner":
        assert response.json["status"] == target
        if source == "sent":  # the answer is its acknowledgement too
            assert response.json["acknowledged_at"] is not None
    else:
        assert support.fresh(type(referral), referral.id).status == source
