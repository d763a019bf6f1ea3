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
