"""Who may use the contract pages and API: role x endpoint x ownership of the case.

The keyworker of the case and supervisors may; another keyworker gets 404 (as if the case
did not exist); administrators, partners and victim liaison staff get 403.
"""

from __future__ import annotations

import uuid

import pytest

from app.auth.roles import Role
from app.auth.tokens import issue_token
from app.dates import today_in_london
from tests import factories
from tests.auth.support import signed_in_csrf_token
from tests.helpers import api_headers, sign_in

COVERED_ENDPOINTS = {
    "contracts.show",
    "contracts.new",
    "contracts.add_condition",
    "contracts.vary_condition",
    "api_contracts.create_contract",
    "api_contracts.list_conditions",
}

WHO = ["owner", "other_keyworker", "supervisor", "admin", "partner", "victim_liaison"]
ROLE_OF = {
    "owner": Role.KEYWORKER,
    "other_keyworker": Role.KEYWORKER,
    "supervisor": Role.SUPERVISOR,
    "admin": Role.ADMIN,
    "partner": Role.PARTNER,
    "victim_liaison": Role.VICTIM_LIAISON,
}
# What each person gets from a page (GET), and from posting an empty form to it.
PAGE_STATUS = {
    "owner": (200, 400),
    "other_keyworker": (404, 404),
    "supervisor": (200, 400),
    "admin": (403, 403),
    "partner": (403, 403),
    "victim_liaison": (403, 403),
}
API_STATUS = {
    "owner": (201, 200),
    "other_keyworker": (404, 404),
    "supervisor": (201, 200),
    "admin": (403, 403),
    "partner": (403, 403),
    "victim_liaison": (403, 403),
}
PAGES = {
    "contracts.show": "/cases/{active}/contract",
    "contracts.new": "/cases/{eligible}/contract/new",
    "contracts.add_condition": "/cases/{active}/contract/conditions/new",
    "contracts.vary_condition": "/conditions/{condition}/vary",
}
FORMS = {"contracts.new", "contracts.add_condition", "contracts.vary_condition"}


@pytest.fixture
def world(app):
    owner = factories.user(Role.KEYWORKER)
    eligible = factories.case(owner)
    active = factories.case(owner)
    contract = factories.contract(active)
    return {
        "owner": owner,
        "ids": {
            "eligible": eligible.id,
            "active": active.id,
            "condition": contract.conditions[0].id,
        },
    }


def person(world, who):
    return world["owner"] if who == "owner" else factories.user(ROLE_OF[who])


@pytest.mark.parametrize("who", WHO)
def test_pages(client, world, who):
    sign_in(client, person(world, who))
    token = signed_in_csrf_token(client)
    observed, expected = {}, {}
    for endpoint, template in PAGES.items():
        path = template.format(**world["ids"])
        observed[endpoint, "GET"] = client.get(path).status_code
        expected[endpoint, "GET"] = PAGE_STATUS[who][0]
        if endpoint in FORMS:
            observed[endpoint, "POST"] = client.post(path, data={"csrf_token": token}).status_code
            expected[endpoint, "POST"] = PAGE_STATUS[who][1]
    assert observed == expected


@pytest.mark.parametrize("who", WHO)
def test_api(client, world, who):
    headers = api_headers(issue_token(person(world, who), days=1).secret)
    body = {
        "start_date": today_in_london().isoformat(),
        "conditions": [{"type": "restrictive", "description": "Not to enter the town centre"}],
    }
    create = client.post(
        f"/api/v1/cases/{world['ids']['eligible']}/contract", json=body, headers=headers
    )
    listing = client.get(f"/api/v1/cases/{world['ids']['active']}/conditions", headers=headers)
    assert (create.status_code, listing.status_code) == API_STATUS[who]
    if listing.status_code == 200:
        assert listing.json["total"] == 2


@pytest.mark.parametrize("who", ["owner", "supervisor"])
def test_unknown_ids_are_not_found(client, world, who):
    sign_in(client, person(world, who))
    unknown = uuid.uuid4()
    assert client.get(f"/cases/{unknown}/contract").status_code == 404
    assert client.get(f"/cases/{unknown}/contract/new").status_code == 404
    assert client.get(f"/cases/{unknown}/contract/conditions/new").status_code == 404
    assert client.get(f"/conditions/{unknown}/vary").status_code == 404
    assert client.get("/conditions/not-a-uuid/vary").status_code == 404
    headers = api_headers(issue_token(person(world, who), days=1).secret)
    assert client.get(f"/api/v1/cases/{unknown}/conditions", headers=headers).status_code == 404
