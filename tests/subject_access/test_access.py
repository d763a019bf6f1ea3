"""Who may produce a subject access record: the person's, supervisors only; a victim's,
supervisors and victim liaison officers. Everyone else 403; an unknown id 404."""

from __future__ import annotations

import uuid

import pytest

from app.auth.roles import Role
from tests import factories
from tests.helpers import sign_in
from tests.victims import support

COVERED_ENDPOINTS = {
    "subject_access.person",
    "subject_access.person_json",
    "subject_access.victim",
    "subject_access.victim_json",
}
WHO = ["own_keyworker", "other_keyworker", "supervisor", "victim_liaison", "admin", "partner"]
ROLE_OF = {
    "own_keyworker": Role.KEYWORKER,
    "other_keyworker": Role.KEYWORKER,
    "supervisor": Role.SUPERVISOR,
    "victim_liaison": Role.VICTIM_LIAISON,
    "admin": Role.ADMIN,
    "partner": Role.PARTNER,
}
SUPERVISORS = {who: 200 if who == "supervisor" else 403 for who in WHO}
VICTIM_STAFF = {who: 200 if who in ("supervisor", "victim_liaison") else 403 for who in WHO}
MATRIX = {
    "subject_access.person": ("/cases/{case}/subject-access", SUPERVISORS),
    "subject_access.person_json": ("/cases/{case}/subject-access.json", SUPERVISORS),
    "subject_access.victim": ("/victims/{victim}/subject-access", VICTIM_STAFF),
    "subject_access.victim_json": ("/victims/{victim}/subject-access.json", VICTIM_STAFF),
}


def test_the_matrix_covers_every_endpoint():
    assert set(MATRIX) == COVERED_ENDPOINTS


@pytest.fixture
def world(app):
    keyworker = factories.user(Role.KEYWORKER)
    case = factories.case(keyworker)
    return {"keyworker": keyworker, "case": case.id, "victim": support.victim(case).id}


@pytest.mark.parametrize("who", WHO)
def test_each_role(client, world, who):
    me = world["keyworker"] if who == "own_keyworker" else factories.user(ROLE_OF[who])
    sign_in(client, me)
    observed = {
        endpoint: client.get(template.format(**world)).status_code
        for endpoint, (template, _) in MATRIX.items()
    }
    assert observed == {endpoint: statuses[who] for endpoint, (_, statuses) in MATRIX.items()}


@pytest.mark.parametrize("who", ["supervisor", "victim_liaison"])
def test_unknown_ids_are_not_found(client, world, who):
    sign_in(client, factories.user(ROLE_OF[who]))
    unknown = uuid.uuid4()
    if who == "supervisor":
        assert client.get(f"/cases/{unknown}/subject-access").status_code == 404
        assert client.get(f"/cases/{unknown}/subject-access.json").status_code == 404
    assert client.get(f"/victims/{unknown}/subject-access").status_code == 404
    assert client.get(f"/victims/{unknown}/subject-access.json").status_code == 404
