"""Junk in a page's query string is the hub's 400 page, never a 500.

Every page (every GET rule of the URL map outside the API and the assets, so a page added
later is covered at once) is requested by a signed-in user of every role with a NUL in
every query parameter any page reads (searches, filters, tabs, sorting): PostgreSQL cannot
compare text with a NUL in it, and a search would fail inside the database.
"""

from __future__ import annotations

import pytest

from app.auth.roles import Role
from tests import factories
from tests.dom import parse
from tests.helpers import sign_in
from tests.security.test_route_security import build_path

QUERY_NAMES = (
    "q",
    "status",
    "keyworker",
    "sort",
    "order",
    "tab",
    "show",
    "object_id",
    "actor_id",
    "service_type",
    "name",
    "area",
    "capacity",
    "kind",
    "next",
)


def page_paths(app) -> list[str]:
    return sorted(
        {
            build_path(rule)
            for rule in app.url_map.iter_rules()
            if "GET" in rule.methods
            and not rule.rule.startswith(("/api/", "/assets", "/health"))
            and rule.endpoint != "static"
        }
    )


@pytest.mark.parametrize("role", list(Role), ids=str)
def test_a_nul_in_any_pages_query_is_the_400_page(app, client, role):
    sign_in(client, factories.user(role))
    paths = page_paths(app)
    assert len(paths) > 40
    answers = {}
    junk = {name: "Sam\x00Example" for name in QUERY_NAMES}
    for path in paths:
        response = client.get(path, query_string=junk)
        answers[path] = response.status_code
        if response.status_code == 400:
            assert parse(response).one("h1").text == "There is a problem with your request"
            assert response.headers["Cache-Control"] == "no-store"
    assert {path: status for path, status in answers.items() if status != 400} == {}
