"""Role x endpoint x owner -> status, for every partners page and organisations API route.

Actors: the five roles, plus a partner user who leads their organisation. Objects: an
organisation, a partner user of the lead's own organisation, a partner user of another
organisation, and an id that exists nowhere. Another organisation's user answers 404 to a
lead, as a missing one does.
"""

from __future__ import annotations

import uuid

import pytest

from app.auth.roles import Role
from app.auth.tokens import issue_token
from tests import factories
from tests.helpers import api_headers, assert_redirects, csrf_token, sign_in
from tests.partners.support import lead, partner, reload

K, S, A, P, V = "keyworker", "supervisor", "admin", "partner", "victim_liaison"
L = "partner_lead"
ACTORS = (K, S, A, P, L, V)


def only(*actors: str, ok: int = 200, other: int = 403) -> dict:
    return {a: (ok if a in actors else other) for a in ACTORS}


def directory_roles(ok: int = 200) -> dict:
    return {**dict.fromkeys(ACTORS, ok), V: 403}


# (endpoint, method, path template, expected status per actor)
PAGE_CASES = [
    ("partners.index", "GET", "/organisations/", only(A)),
    ("partners.new", "GET", "/organisations/new", only(A)),
    ("partners.show", "GET", "/organisations/{org}", only(A)),
    ("partners.show", "GET", "/organisations/{missing}", only(A, ok=404)),
    ("partners.edit", "GET", "/organisations/{org}/edit", only(A)),
    ("partners.edit", "GET", "/organisations/{missing}/edit", only(A, ok=404)),
    ("partners.set_lead", "POST", "/organisations/{org}/users/{own_user}/lead", only(A, ok=302)),
    (
        "partners.set_lead",
        "POST",
        "/organisations/{org}/users/{other_user}/lead",
        only(A, ok=404),
    ),
    ("partners.directory", "GET", "/organisations/directory", directory_roles()),
    ("partners.my_users", "GET", "/organisations/my-users", only(L)),
    ("partners.add_user", "GET", "/organisations/my-users/new", only(L)),
    (
        "partners.deactivate_user",
        "GET",
        "/organisations/my-users/{own_user}/deactivate",
        only(L),
    ),
    (
        "partners.deactivate_user",
        "GET",
        "/organisations/my-users/{other_user}/deactivate",
        only(L, ok=404),
    ),
    (
        "partners.deactivate_user",
        "GET",
        "/organisations/my-users/{missing}/deactivate",
        only(L, ok=404),
    ),
]

API_CASES = [
    # An empty body is refused with 422 by the role that may create organisations.
    ("api_organisations.create_organisation", "POST", "/api/v1/organisations", only(A, ok=422)),
    ("api_organisations.list_organisations", "GET", "/api/v1/organisations", directory_roles()),
    (
        "api_organisations.get_organisation",
        "GET",
        "/api/v1/organisations/{org}",
        directory_roles(),
    ),
    (
        "api_organisations.get_organisation",
        "GET",
        "/api/v1/organisations/{missing}",
        directory_roles(404),
    ),
    (
        "api_organisations.update_organisation",
        "PATCH",
        "/api/v1/organisations/{org}",
        only(A),
    ),
    (
        "api_organisations.update_organisation",
        "PATCH",
        "/api/v1/organisations/{missing}",
        only(A, ok=404),
    ),
]

COVERED_ENDPOINTS = {case[0] for case in PAGE_CASES + API_CASES}


@pytest.fixture
def world(app):
    org = factories.organisation(name="Safe Harbour Housing")
    other_org = factories.organisation(name="Turning Point Recovery")
    the_lead = lead(org)
    return {
        "org": org,
        "lead": the_lead,
        "values": {
            "org": org.id,
            "own_user": partner(org).id,
            "other_user": partner(other_org).id,
            "missing": uuid.uuid4(),
        },
    }


def actor(kind: str, world):
    if kind == L:
        return world["lead"]
    if kind == P:
        return partner(world["org"])
    return factories.user(Role(kind))


def label(case) -> str:
    return f"{case[1]} {case[2]}"


@pytest.mark.parametrize("kind", ACTORS)
def test_pages_by_actor(client, world, kind):
    sign_in(client, actor(kind, world))
    token = csrf_token(client, "/")
    observed, expected = {}, {}
    for _endpoint, method, template, statuses in PAGE_CASES:
        path = template.format(**world["values"])
        data = {"csrf_token": token, "lead": "yes"} if method == "POST" else None
        response = client.open(path, method=method, data=data)
        observed[label((None, method, template))] = response.status_code
        expected[label((None, method, template))] = statuses[kind]
        if statuses[kind] == response.status_code == 302:  # back to the organisation
            assert_redirects(response, f"/organisations/{world['values']['org']}")
    assert observed == expected


@pytest.mark.parametrize("kind", ACTORS)
def test_api_by_actor(client, world, kind):
    headers = api_headers(issue_token(actor(kind, world), days=1).secret)
    observed, expected = {}, {}
    for _endpoint, method, template, statuses in API_CASES:
        path = template.format(**world["values"])
        body = {} if method in {"POST", "PATCH"} else None
        observed[label((None, method, template))] = client.open(
            path, method=method, json=body, headers=headers
        ).status_code
        expected[label((None, method, template))] = statuses[kind]
    assert observed == expected


def test_every_partners_route_is_in_this_matrix(app):
    ours = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith(("partners.", "api_organisations."))
    }
    assert ours == COVERED_ENDPOINTS


def test_a_deactivated_lead_loses_the_lead_pages(client, world):
    the_lead = world["lead"]
    sign_in(client, the_lead)
    assert client.get("/organisations/my-users").status_code == 200
    from app.extensions import db

    the_lead = reload(the_lead)
    the_lead.active = False
    db.session.commit()
    # Deactivated accounts cannot use the service at all.
    assert_redirects(
        client.get("/organisations/my-users"), "/sign-in?expired=1&next=/organisations/my-users"
    )
