"""Who reaches the work queue: every signed-in role that handles cases, each seeing only
its own queue; the performance analyst (aggregates only) has none (403) and lands on the
reports (tests/security/test_analyst_access.py).

The page and the API are open to those roles (a queue is always the caller's own, built
from their scope); anonymous requests are refused by the deny-by-default test in
tests/security. What each role finds in its queue is tested in the other modules here.
"""

from __future__ import annotations

import pytest

from app.auth.roles import Role
from tests import factories
from tests.helpers import sign_in
from tests.tasks.support import headers_for

COVERED_ENDPOINTS = {"tasks.index", "api_tasks.list_tasks"}
WITH_TASKS = [role for role in Role if role != Role.ANALYST]

MATRIX = {
    "tasks.index": ("GET", "/tasks/", {**dict.fromkeys(Role, 200), Role.ANALYST: 403}),
    "api_tasks.list_tasks": (
        "GET",
        "/api/v1/tasks",
        {**dict.fromkeys(Role, 200), Role.ANALYST: 403},
    ),
}


def test_the_matrix_covers_every_endpoint():
    assert set(MATRIX) == COVERED_ENDPOINTS


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_role_by_endpoint(app, role):
    user = factories.user(role)
    browser = app.test_client()
    sign_in(browser, user)
    observed = {}
    for endpoint, (method, path, _expected) in MATRIX.items():
        if path.startswith("/api/"):
            response = app.test_client().open(path, method=method, headers=headers_for(user))
        else:
            response = browser.open(path, method=method)
        observed[endpoint] = response.status_code
    assert observed == {endpoint: row[2][role] for endpoint, row in MATRIX.items()}


@pytest.mark.parametrize("role", WITH_TASKS, ids=lambda r: r.value)
def test_every_role_lands_on_its_tasks(client, role):
    sign_in(client, factories.user(role))
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/tasks/"
    page = client.get("/tasks/").get_data(as_text=True)
    assert '<h1 class="govuk-heading-l">Your tasks</h1>' in page


@pytest.mark.parametrize("kind", ["nonsense", ""])
def test_an_unknown_kind_is_refused(client, kind):
    user = factories.user(Role.KEYWORKER)
    response = client.get(f"/api/v1/tasks?kind={kind}", headers=headers_for(user))
    assert response.status_code == 422
    assert "kind" in response.json["errors"]


def test_per_kind_is_bounded(client):
    user = factories.user(Role.KEYWORKER)
    for per_kind in (0, 201):
        response = client.get(f"/api/v1/tasks?per_kind={per_kind}", headers=headers_for(user))
        assert response.status_code == 422
