"""Who may import historic cases: supervisors and administrators (pages and API); every
other role gets 403."""

from __future__ import annotations

import pytest

from app.auth.roles import Role
from app.auth.tokens import issue_token
from tests import factories
from tests.auth.support import signed_in_csrf_token
from tests.helpers import api_headers, sign_in

COVERED_ENDPOINTS = {
    "imports.historic_cases",
    "imports.historic_template",
    "api_imports.import_historic_cases",
}
IMPORTERS = {Role.SUPERVISOR, Role.ADMIN}


def expected(role: Role) -> dict:
    allowed = role in IMPORTERS
    return {
        ("page", "GET"): 200 if allowed else 403,
        ("page", "POST"): 400 if allowed else 403,  # an empty form: no file chosen
        ("template", "GET"): 200 if allowed else 403,
        ("api", "POST"): 422 if allowed else 403,  # an empty file
    }


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_importing_by_role(client, role):
    me = factories.user(role)
    sign_in(client, me)
    token = signed_in_csrf_token(client)
    headers = {**api_headers(issue_token(me, days=1).secret), "Content-Type": "text/csv"}
    observed = {
        ("page", "GET"): client.get("/imports/historic-cases").status_code,
        ("page", "POST"): client.post(
            "/imports/historic-cases", data={"csrf_token": token}
        ).status_code,
        ("template", "GET"): client.get("/imports/historic-cases/template.csv").status_code,
        ("api", "POST"): client.post(
            "/api/v1/imports/historic-cases", data="", headers=headers
        ).status_code,
    }
    assert observed == expected(role)
