"""Who may use the needs assessment pages: role x endpoint x ownership of the case.

The keyworker of the case and supervisors may; another keyworker gets 404 (as if the case
did not exist); administrators, partners and victim liaison staff get 403. There is no
assessment API (shared/API.md has none).
"""

from __future__ import annotations

import uuid

import pytest

from app.auth.roles import Role
from tests import factories
from tests.auth.support import signed_in_csrf_token
from tests.helpers import sign_in

COVERED_ENDPOINTS = {"assessments.show", "assessments.new"}

ROLE_OF = {
    "owner": Role.KEYWORKER,
    "other_keyworker": Role.KEYWORKER,
    "supervisor": Role.SUPERVISOR,
    "admin": Role.ADMIN,
    "partner": Role.PARTNER,
    "victim_liaison": Role.VICTIM_LIAISON,
}
# (show, new initial GET, new exit GET, new initial empty POST)
EXPECTED = {
    "owner": (200, 200, 200, 400),
    "other_keyworker": (404, 404, 404, 404),
    "supervisor": (200, 200, 200, 400),
    "admin": (403, 403, 403, 403),
    "partner": (403, 403, 403, 403),
    "victim_liaison": (403, 403, 403, 403),
}


@pytest.mark.parametrize("who", list(ROLE_OF))
def test_pages(client, who):
    owner = factories.user(Role.KEYWORKER)
    fresh = factories.case(owner)
    assessed = factories.case(owner)
    factories.assessment(assessed, "initial")
    sign_in(client, owner if who == "owner" else factories.user(ROLE_OF[who]))
    token = signed_in_csrf_token(client)
    observed = (
        client.get(f"/cases/{assessed.id}/assessments").status_code,
        client.get(f"/cases/{fresh.id}/assessments/initial/new").status_code,
        client.get(f"/cases/{assessed.id}/assessments/exit/new").status_code,
        client.post(
            f"/cases/{fresh.id}/assessments/initial/new", data={"csrf_token": token}
        ).status_code,
    )
    assert observed == EXPECTED[who]


def test_unknown_cases_are_not_found(client):
    sign_in(client, factories.user(Role.SUPERVISOR))
    unknown = uuid.uuid4()
    assert client.get(f"/cases/{unknown}/assessments").status_code == 404
    assert client.get(f"/cases/{unknown}/assessments/initial/new").status_code == 404
    assert client.get("/cases/not-a-uuid/assessments").status_code == 404
