"""Role x endpoint -> status, for every route the app has.

The tables below state what each role gets from the account, admin and home endpoints.
Each feature's routes, whose answers also depend on who owns the object, have their own
matrix in ``tests/<feature>/test_access.py``, which declares ``COVERED_ENDPOINTS``. The
completeness test fails when a route is added without being in one of them, so the
matrices cannot fall behind the app.
"""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

from app.auth.roles import Role
from tests import factories
from tests.helpers import api_headers, assert_redirects, csrf_token, sign_in
from tests.security.test_route_security import PUBLIC_ENDPOINTS

K, S, A, P, V = Role.KEYWORKER, Role.SUPERVISOR, Role.ADMIN, Role.PARTNER, Role.VICTIM_LIAISON
N = Role.ANALYST  # aggregates only: every other route is refused (test_analyst_access)
ALL = (K, S, A, P, V, N)


def only(role: Role, ok: int = 200, other: int = 403) -> dict:
    return {r: (ok if r == role else other) for r in ALL}


def roles(*allowed: Role, ok: int = 200, other: int = 403) -> dict:
    return {r: (ok if r in allowed else other) for r in ALL}


def everyone(status: int) -> dict:
    return dict.fromkeys(ALL, status)


# endpoint -> (method, path template, expected status per role). {user} is another user's id.
PAGE_MATRIX = {
    "auth.home": ("GET", "/", everyone(302)),
    "auth.sign_out": ("POST", "/sign-out", everyone(302)),
    "users.index": ("GET", "/users/", only(A)),
    "users.new": ("GET", "/users/new", only(A)),
    "users.show": ("GET", "/users/{user}", only(A)),
    "users.change": ("GET", "/users/{user}/deactivate", only(A)),
    "users.edit": ("GET", "/users/{user}/edit", only(A)),
    "audit.index": ("GET", "/audit/", only(A)),
    "audit.export": ("GET", "/audit/export.csv", only(A)),
    "cases.caseload": ("GET", "/cases/", only(K)),
    "cases.team": ("GET", "/cases/team", only(S)),
    "referrals.inbox": ("GET", "/referrals/inbox", only(P)),
    "victims.home": ("GET", "/victims/", only(V)),
    "reports.dashboard": ("GET", "/reports/", roles(S, N)),
}

API_MATRIX = {
    "api_me.me": ("GET", "/api/v1/me", everyone(200)),
    # An empty body is refused with 422 by the role that may create users, 403 for the rest.
    "api_users.create_user": ("POST", "/api/v1/users", only(A, ok=422)),
    # An empty change changes nothing: 200 with the user, for the role that may change users.
    "api_users.update_user": ("PATCH", "/api/v1/users/{user}", only(A)),
    "api_users.create_token": ("POST", "/api/v1/users/{user}/tokens", only(A, ok=201)),
    "api_audit.list_audit_entries": ("GET", "/api/v1/audit", only(A)),
}

PUBLIC = PUBLIC_ENDPOINTS


def feature_matrices() -> set[str]:
    covered: set[str] = set()
    tests_root = Path(__file__).resolve().parent.parent
    for path in sorted(tests_root.glob("*/test_access.py")):
        module = importlib.import_module(f"tests.{path.parent.name}.test_access")
        covered |= set(module.COVERED_ENDPOINTS)
    return covered


def test_matrix_covers_every_route(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    covered = set(PAGE_MATRIX) | set(API_MATRIX) | feature_matrices()
    assert sorted(endpoints - PUBLIC - covered) == []
    assert sorted(covered - endpoints) == []


@pytest.mark.parametrize("role", ALL, ids=lambda r: r.value)
def test_pages_by_role(client, role):
    me = factories.user(role)
    other = factories.user(Role.KEYWORKER)
    sign_in(client, me)
    observed = {}
    for endpoint, (method, template, _expected) in PAGE_MATRIX.items():
        if endpoint == "auth.sign_out":
            continue  # signing out ends the session; checked on its own below
        path = template.format(user=other.id)
        response = client.open(path, method=method)
        observed[endpoint] = response.status_code
        if endpoint == "auth.home" and response.status_code == 302:  # the role's own home
            assert_redirects(response, "/reports/" if role == N else "/tasks/")
    expected = {e: row[2][role] for e, row in PAGE_MATRIX.items() if e != "auth.sign_out"}
    assert observed == expected


@pytest.mark.parametrize("role", ALL, ids=lambda r: r.value)
def test_sign_out_by_role(client, role):
    sign_in(client, factories.user(role))
    token = csrf_token(client, "/")
    response = client.post("/sign-out", data={"csrf_token": token})
    assert response.status_code == PAGE_MATRIX["auth.sign_out"][2][role]
    assert_redirects(response, "/signed-out")
    assert_redirects(client.get("/"), "/sign-in?next=/")


@pytest.mark.parametrize("role", ALL, ids=lambda r: r.value)
def test_api_by_role(client, role):
    from app.auth.tokens import issue_token

    me = factories.user(role)
    other = factories.user(Role.KEYWORKER)
    headers = api_headers(issue_token(me, days=1).secret)
    observed = {
        endpoint: client.open(
            template.format(user=other.id), method=method, json={}, headers=headers
        ).status_code
        for endpoint, (method, template, _expected) in API_MATRIX.items()
    }
    assert observed == {e: row[2][role] for e, row in API_MATRIX.items()}


def test_unknown_and_malformed_ids_answer_not_found_to_an_admin(client):
    import uuid

    sign_in(client, factories.user(A))
    assert client.get(f"/users/{uuid.uuid4()}").status_code == 404
    assert client.get("/users/not-a-uuid").status_code == 404


# Filters a role does not need (app.auth.filters) --------------------------------------


def test_a_victim_liaison_user_cannot_learn_who_holds_a_case(client):
    """They see which cases have victims; filtering them by keyworker would tell them who
    holds which case."""
    from app.auth.tokens import issue_token
    from tests.helpers import api_headers

    keyworker = factories.user(Role.KEYWORKER)
    held = factories.case(keyworker, victims=1)
    factories.case(victims=1)  # someone else's
    liaison = api_headers(issue_token(factories.user(Role.VICTIM_LIAISON), days=1).secret)

    everything = client.get("/api/v1/cases", headers=liaison)
    assert str(held.id) in {item["id"] for item in everything.json["items"]}
    response = client.get(
        "/api/v1/cases", query_string={"keyworker_id": str(keyworker.id)}, headers=liaison
    )
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert list(response.json["errors"]) == ["keyworker_id"]
    # A supervisor still filters by keyworker.
    supervisor = api_headers(issue_token(factories.user(Role.SUPERVISOR), days=1).secret)
    mine = client.get(
        "/api/v1/cases", query_string={"keyworker_id": str(keyworker.id)}, headers=supervisor
    )
    assert [item["id"] for item in mine.json["items"]] == [str(held.id)]


def test_every_denied_filter_is_refused_and_documented(client):
    """Each entry of the deny-list, for its role: 422 naming the parameter, and the
    OpenAPI document says so on it."""
    import uuid

    from app.auth.filters import DENIED_FILTERS
    from app.auth.tokens import issue_token
    from tests.api.spec import document, operations
    from tests.helpers import api_headers

    by_endpoint = {
        "api_cases.list_cases": "/api/v1/cases",
        "api_referrals.list_referrals": "/api/v1/referrals",
    }
    assert set(DENIED_FILTERS) == set(by_endpoint)
    for endpoint, roles in DENIED_FILTERS.items():
        path = by_endpoint[endpoint]
        parameters = {
            p["name"]: p
            for p in document()["paths"][path]["get"]["parameters"]
            if p["in"] == "query"
        }
        assert any(op.path == path for op in operations())
        for role, names in roles.items():
            extra = {"organisation_id": factories.organisation().id} if role == Role.PARTNER else {}
            headers = api_headers(issue_token(factories.user(role, **extra), days=1).secret)
            for name in names:
                response = client.get(path, query_string={name: str(uuid.uuid4())}, headers=headers)
                assert response.status_code == 422, (endpoint, role, name)
                assert name in response.json["errors"]
                assert f"Not for the `{role.value}` role" in parameters[name]["description"]
