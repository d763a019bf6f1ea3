"""Who may search: keyworkers, supervisors, partners and victim liaison staff, each in
their own scope (tests/search/test_search.py); administrators and analysts have no search
(403)."""

from __future__ import annotations

import pytest

from app.auth.roles import Role
from tests import factories
from tests.helpers import sign_in

COVERED_ENDPOINTS = {"search.index"}

MATRIX = {
    "search.index": (
        "GET",
        "/search/?q=smith",
        {**dict.fromkeys(Role, 200), Role.ADMIN: 403, Role.ANALYST: 403},
    ),
}


def test_the_matrix_covers_every_endpoint():
    assert set(MATRIX) == COVERED_ENDPOINTS


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_role_by_endpoint(client, role):
    sign_in(client, factories.user(role))
    observed = {
        endpoint: client.open(path, method=method).status_code
        for endpoint, (method, path, _expected) in MATRIX.items()
    }
    assert observed == {endpoint: row[2][role] for endpoint, row in MATRIX.items()}


@pytest.mark.parametrize("role", [Role.KEYWORKER, Role.SUPERVISOR, Role.VICTIM_LIAISON])
def test_the_api_search_is_open_to_the_roles_that_list_cases(client, role):
    from tests.tasks.support import headers_for

    response = client.get("/api/v1/cases?q=smith", headers=headers_for(factories.user(role)))
    assert response.status_code == 200


@pytest.mark.parametrize("role", [Role.PARTNER, Role.ADMIN])
def test_roles_that_see_no_cases_cannot_search_them(client, role):
    from tests.tasks.support import headers_for

    response = client.get("/api/v1/cases?q=smith", headers=headers_for(factories.user(role)))
    assert response.status_code == 403
