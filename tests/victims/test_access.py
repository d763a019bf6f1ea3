"""Who reaches the victim-update view, the victims and the update log: role x endpoint x
ownership. And victim liaison users reach nothing else of a case.

Victim liaison users: every case that has victims. The keyworker of the case and
supervisors: the same, within the case policy (another keyworker's case is not found).
Partners and administrators: 403. A case without victims: not found for everyone.
"""

from __future__ import annotations

import uuid

import pytest

from app.auth.roles import Role
from app.auth.tokens import issue_token
from tests import factories
from tests.helpers import api_headers, csrf_token, sign_in
from tests.victims import support

COVERED_ENDPOINTS = {
    "victims.home",
    "victims.show",
    "victims.record_update",
    "victims.consultation",
    "victims.preferences",
    "victims.survey",
    "api_victims.get_victim_update",
    "api_victims.create_victim_update",
}

ACTORS = ["own_keyworker", "other_keyworker", "supervisor", "victim_liaison", "admin", "partner"]


def allowed(ok: int) -> dict:
    """``ok`` for the keyworker of the case, supervisors and victim liaison users; 404 for
    another keyworker; 403 for administrators and partners."""
    return {
        "own_keyworker": ok,
        "other_keyworker": 404,
        "supervisor": ok,
        "victim_liaison": ok,
        "admin": 403,
        "partner": 403,
    }


# endpoint -> (method, path template, expected per actor). {case}: an eligible case with a
# victim; {closed}: a completed case with a victim; {victim}: the eligible case's victim.
MATRIX = {
    "victims.home": (
        "GET",
        "/victims/",
        {actor: 200 if actor == "victim_liaison" else 403 for actor in ACTORS},
    ),
    "victims.show": ("GET", "/victims/cases/{case}", allowed(200)),
    # An empty form: refused with its errors (400) by those who may record updates.
    "victims.record_update": ("POST", "/victims/cases/{case}/updates", allowed(400)),
    "victims.consultation": ("GET", "/victims/cases/{case}/consultation", allowed(200)),
    "victims.preferences": ("GET", "/victims/{victim}/preferences", allowed(200)),
    "victims.survey": ("GET", "/victims/cases/{closed}/survey", allowed(200)),
    "api_victims.get_victim_update": ("GET", "/api/v1/cases/{case}/victim-update", allowed(200)),
    "api_victims.create_victim_update": (
        "POST",
        "/api/v1/cases/{case}/victim-updates",
        allowed(201),
    ),
}


def test_the_matrix_covers_every_endpoint():
    assert set(MATRIX) == COVERED_ENDPOINTS


@pytest.fixture
def world(app):
    own = factories.user(Role.KEYWORKER)
    case = factories.case(own)
    victim = support.victim(case)
    closed = support.planted_case("completed", keyworker=own).case
    victimless = factories.case(own)
    users = {
        "own_keyworker": own,
        "other_keyworker": factories.user(Role.KEYWORKER),
        "supervisor": factories.user(Role.SUPERVISOR),
        "victim_liaison": factories.user(Role.VICTIM_LIAISON),
        "admin": factories.user(Role.ADMIN),
        "partner": factories.user(Role.PARTNER),
    }
    return {
        "users": users,
        "ids": {"case": case.id, "closed": closed.id, "victim": victim.id},
        "victimless": victimless,
    }


def _request(app, user, method: str, path: str):
    if path.startswith("/api/"):
        headers = api_headers(issue_token(user, days=1).secret)
        body = {"method": "phone", "summary": "Told them"} if method == "POST" else None
        return app.test_client().open(path, method=method, json=body, headers=headers)
    browser = app.test_client()
    sign_in(browser, user)
    data = {"csrf_token": csrf_token(browser, "/")} if method == "POST" else None
    return browser.open(path, method=method, data=data)


@pytest.mark.parametrize("actor", ACTORS)
def test_role_by_endpoint_by_ownership(app, world, actor):
    user = world["users"][actor]
    browser = app.test_client()
    sign_in(browser, user)
    token = csrf_token(browser, "/")
    headers = api_headers(issue_token(user, days=1).secret)
    observed = {}
    for endpoint, (method, template, _expected) in MATRIX.items():
        path = template.format(**world["ids"])
        if path.startswith("/api/"):
            body = {"method": "phone", "summary": "Told them"} if method == "POST" else None
            response = app.test_client().open(path, method=method, json=body, headers=headers)
        else:
            data = {"csrf_token": token} if method == "POST" else None
            response = browser.open(path, method=method, data=data)
        observed[endpoint] = response.status_code
    assert observed == {endpoint: row[2][actor] for endpoint, row in MATRIX.items()}


@pytest.mark.parametrize("actor", ["own_keyworker", "supervisor", "victim_liaison"])
def test_a_case_without_victims_or_no_case_at_all_is_not_found(app, world, actor):
    user = world["users"][actor]
    browser = app.test_client()
    sign_in(browser, user)
    token = csrf_token(browser, "/")
    headers = api_headers(issue_token(user, days=1).secret)
    for case_id in (world["victimless"].id, uuid.uuid4()):
        for path in (
            f"/victims/cases/{case_id}",
            f"/victims/cases/{case_id}/consultation",
            f"/victims/cases/{case_id}/survey",
        ):
            assert browser.get(path).status_code == 404, path
        assert (
            browser.post(
                f"/victims/cases/{case_id}/updates", data={"csrf_token": token}
            ).status_code
            == 404
        )
        assert browser.get(f"/victims/{uuid.uuid4()}/preferences").status_code == 404
        client = app.test_client()
        assert (
            client.get(f"/api/v1/cases/{case_id}/victim-update", headers=headers).status_code == 404
        )
        assert (
            client.post(
                f"/api/v1/cases/{case_id}/victim-updates",
                json={"method": "phone", "summary": "x"},
                headers=headers,
            ).status_code
            == 404
        )


def test_another_keyworkers_case_is_not_found_even_with_a_valid_body(app, world):
    other = world["users"]["other_keyworker"]
    response = _request(app, other, "POST", f"/api/v1/cases/{world['ids']['case']}/victim-updates")
    assert response.status_code == 404
    assert "Told them" not in response.get_data(as_text=True)


# Victim liaison users see nothing else of a case ------------------------------------

CASE_BLUEPRINTS = {"cases", "consent", "contracts", "assessments", "referrals"}
# The victim liaison user's own API endpoints, and the case list that API.md lets them
# read (id, crime reference and status of the cases that have victims).
LIAISON_API = {
    "api_me.me",
    "api_cases.list_cases",
    *(e for e in COVERED_ENDPOINTS if e.startswith("api_")),
}
# Their own work queue (ids, kinds and dates): reached, and checked for leaks like the rest.
OWN_QUEUE = {"api_tasks.list_tasks"}


def _sample_path(rule, ids: dict) -> str:
    """The rule's path with the given ids, and random UUIDs for the other ids."""
    values = {}
    for name in rule.arguments:
        converter = rule._converters[name]
        if name in ids:
            values[name] = str(ids[name])
        elif type(converter).__name__ == "UUIDConverter":
            values[name] = str(uuid.uuid4())
        elif type(converter).__name__ == "AnyConverter":
            values[name] = sorted(converter.items)[0]
        else:
            values[name] = "sample"
    return rule.build(values, append_unknown=False)[1]


def test_victim_liaison_users_reach_no_case_page(app, world):
    liaison_officer = world["users"]["victim_liaison"]
    planted = support.planted_case("active")
    browser = app.test_client()
    sign_in(browser, liaison_officer)
    token = csrf_token(browser, "/")
    ids = {"case_id": planted.case.id}
    reached = {}
    checked = 0
    for rule in app.url_map.iter_rules():
        if rule.endpoint.split(".")[0] not in CASE_BLUEPRINTS:
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            path = _sample_path(rule, ids)
            data = {"csrf_token": token} if method == "POST" else None
            response = browser.open(path, method=method, data=data)
            checked += 1
            if response.status_code not in (403, 404):
                reached[(method, path)] = response.status_code
            assert support.leaks(response.get_data(as_text=True)) == []
    assert checked >= 5
    assert reached == {}
    # The case's own pages answer 403: the role may not see case records at all.
    for path in (
        f"/cases/{planted.case.id}",
        f"/cases/{planted.case.id}/contract",
        f"/cases/{planted.case.id}/consents",
        f"/cases/{planted.case.id}/assessments",
        "/referrals/inbox",
        "/cases/",
    ):
        assert browser.get(path).status_code == 403, path


def test_victim_liaison_users_reach_no_other_case_data_in_the_api(app, world):
    liaison_officer = world["users"]["victim_liaison"]
    planted = support.planted_case("active")
    client = app.test_client()
    headers = api_headers(issue_token(liaison_officer, days=1).secret)
    ids = {"case_id": planted.case.id}
    reached = {}
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/") or rule.endpoint in LIAISON_API:
            continue
        if rule.endpoint == "api-docs.openapi_json":
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            path = _sample_path(rule, ids)
            response = client.open(path, method=method, json={}, headers=headers)
            if response.status_code not in (403, 404) and rule.endpoint not in OWN_QUEUE:
                reached[(method, rule.endpoint)] = response.status_code
            assert support.leaks(response.get_data(as_text=True)) == []
    assert reached == {}
    assert client.get(f"/api/v1/cases/{planted.case.id}", headers=headers).status_code == 403
    assert (
        client.get(f"/api/v1/cases/{planted.case.id}/conditions", headers=headers).status_code
        == 403
    )
    assert (
        client.get(f"/api/v1/cases/{planted.case.id}/consents", headers=headers).status_code == 403
    )

    # The case list shows them the cases with victims, and of each only three fields.
    listed = client.get("/api/v1/cases", headers=headers)
    assert listed.status_code == 200
    assert [set(item) for item in listed.json["items"]] == [
        {"id", "crime_reference", "status"}
    ] * len(listed.json["items"])
    assert str(planted.case.id) in {item["id"] for item in listed.json["items"]}
    assert support.leaks(listed.get_data(as_text=True)) == []


def test_partners_cannot_reach_the_victim_view(app, world):
    partner = world["users"]["partner"]
    planted = support.planted_case("active")
    browser = app.test_client()
    sign_in(browser, partner)
    response = browser.get(f"/victims/cases/{planted.case.id}")
    assert response.status_code == 403
    assert support.leaks(response.get_data(as_text=True)) == []
    assert "Write a letter of apology" not in response.get_data(as_text=True)
    headers = api_headers(issue_token(partner, days=1).secret)
    response = app.test_client().get(
        f"/api/v1/cases/{planted.case.id}/victim-update", headers=headers
    )
    assert response.status_code == 403
    assert "Write a letter of apology" not in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "role", [Role.KEYWORKER, Role.SUPERVISOR, Role.VICTIM_LIAISON, Role.PARTNER, Role.ADMIN]
)
def test_the_scope_over_victims_is_the_scope_over_cases(app, role):
    """Counts start from the victims (``victim_scope``); pages from the cases
    (``victim_case_scope``): both must choose the same cases for every role."""
    from sqlalchemy import select

    from app.cases.models import Case
    from app.extensions import db
    from app.victims.models import Victim
    from app.victims.policy import victim_case_scope, victim_scope

    user = factories.user(role)
    other = factories.user(Role.KEYWORKER)
    for keyworker in (user if role == Role.KEYWORKER else other, other):
        factories.case(keyworker, status="active", victims=2)
        factories.case(keyworker, status="active")
    db.session.commit()
    by_case = set(db.session.scalars(select(Case.id).where(victim_case_scope(user))))
    by_victim = set(db.session.scalars(select(Victim.case_id).where(victim_scope(user))))
    assert by_victim == by_case
    expected = {Role.KEYWORKER: 1, Role.SUPERVISOR: 2, Role.VICTIM_LIAISON: 2}.get(role, 0)
    assert len(by_case) == expected
