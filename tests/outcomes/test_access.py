"""Who may use the outcome pages and API: role x endpoint x ownership of the case.

Case pages: the keyworker of the case and supervisors (another keyworker: 404, as if the
case did not exist; administrators, partners and victim liaison staff: 403). Decisions and
the list of proposals: supervisors only. Reoffending checks (pages and API):
administrators and supervisors.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from app.auth.roles import Role
from app.cases.models import CaseStatus
from app.dates import today_in_london
from app.extensions import db
from app.outcomes import services
from app.outcomes.models import ReoffendingCheck
from tests import factories
from tests.auth.support import signed_in_csrf_token
from tests.helpers import sign_in
from tests.outcomes import support

COVERED_ENDPOINTS = {
    "outcomes.new",
    "outcomes.decide",
    "outcomes.pending",
    "outcomes.evidence_pack",
    "outcomes.exit_planning",
    "outcomes.survey",
    "outcomes.checks",
    "outcomes.record_check",
    "outcomes.checks_template",
    "outcomes.upload_checks",
    "api_reoffending_checks.list_checks",
    "api_reoffending_checks.record_check",
    "api_outcomes.record_outcome",
    "api_outcomes.get_outcome",
    "api_outcomes.send_back",
}

WHO = ["owner", "other_keyworker", "supervisor", "admin", "partner", "victim_liaison"]
ROLE_OF = {
    "owner": Role.KEYWORKER,
    "other_keyworker": Role.KEYWORKER,
    "supervisor": Role.SUPERVISOR,
    "admin": Role.ADMIN,
    "partner": Role.PARTNER,
    "victim_liaison": Role.VICTIM_LIAISON,
}
CASE_PAGE = {
    "owner": 200,
    "other_keyworker": 404,
    "supervisor": 200,
    "admin": 403,
    "partner": 403,
    "victim_liaison": 403,
}
SUPERVISOR_ONLY = {**dict.fromkeys(WHO, 403), "supervisor": 200}
CHECKERS = {**dict.fromkeys(WHO, 403), "admin": 200, "supervisor": 200}


def _form(statuses: dict) -> dict:
    """(GET, empty POST) per person: a form that answers 200 refuses an empty post with 400."""
    return {who: (s, 400 if s == 200 else s) for who, s in statuses.items()}


# endpoint -> (path template, {who: (GET, POST)}), POST None for pages without a form.
PAGES = {
    "outcomes.new": ("/cases/{active}/outcome/new", _form(CASE_PAGE)),
    "outcomes.decide": (
        "/cases/{proposed}/outcome/proposals/{proposal}",
        _form(SUPERVISOR_ONLY),
    ),
    "outcomes.pending": ("/outcomes/proposals", {w: (s, None) for w, s in SUPERVISOR_ONLY.items()}),
    "outcomes.evidence_pack": (
        "/cases/{active}/evidence-pack",
        {w: (s, None) for w, s in CASE_PAGE.items()},
    ),
    "outcomes.exit_planning": (
        "/cases/{active}/exit-planning",
        {w: (s, None) for w, s in CASE_PAGE.items()},
    ),
    "outcomes.survey": ("/cases/{completed}/ending-survey", _form(CASE_PAGE)),
    "outcomes.checks": ("/reoffending-checks", {w: (s, None) for w, s in CHECKERS.items()}),
    "outcomes.record_check": ("/reoffending-checks/{check}", _form(CHECKERS)),
    "outcomes.checks_template": (
        "/reoffending-checks/template.csv",
        {w: (s, None) for w, s in CHECKERS.items()},
    ),
    "outcomes.upload_checks": ("/reoffending-checks/upload", _form(CHECKERS)),
}


@pytest.fixture
def world(app):
    active = support.active_case()
    owner = active.keyworker
    proposed = factories.case(owner)
    factories.contract(proposed)
    proposal = services.submit_outcome(owner, proposed.id, "breached", "Missed sessions").proposal
    completed = factories.case(owner, status=CaseStatus.COMPLETED)
    check = ReoffendingCheck(case_id=completed.id, due_on=today_in_london() - timedelta(days=1))
    db.session.add(check)
    db.session.commit()
    return {
        "owner": owner,
        "ids": {
            "active": active.case.id,
            "proposed": proposed.id,
            "proposal": proposal.id,
            "completed": completed.id,
            "check": check.id,
        },
    }


def person(world, who):
    return world["owner"] if who == "owner" else factories.user(ROLE_OF[who])


@pytest.mark.parametrize("who", WHO)
def test_pages(client, world, who):
    sign_in(client, person(world, who))
    token = signed_in_csrf_token(client)
    observed, expected = {}, {}
    for endpoint, (template, statuses) in PAGES.items():
        path = template.format(**world["ids"])
        get_status, post_status = statuses[who]
        observed[endpoint, "GET"] = client.get(path).status_code
        expected[endpoint, "GET"] = get_status
        if post_status is not None:
            observed[endpoint, "POST"] = client.post(path, data={"csrf_token": token}).status_code
            expected[endpoint, "POST"] = post_status
    assert observed == expected


API_STATUS = {
    # (POST outcome without the reason a breach needs, GET outcome, POST send-back empty)
    "owner": (422, 200, 403),
    "other_keyworker": (404, 404, 403),
    "supervisor": (422, 200, 422),
    "admin": (403, 403, 403),
    "partner": (403, 403, 403),
    "victim_liaison": (403, 403, 403),
}


@pytest.mark.parametrize("who", WHO)
def test_api(client, world, who):
    headers = support.headers_for(person(world, who))
    ids = world["ids"]
    record = client.post(
        f"/api/v1/cases/{ids['active']}/outcome", json={"result": "breached"}, headers=headers
    )
    read = client.get(f"/api/v1/cases/{ids['active']}/outcome", headers=headers)
    send_back = client.post(
        f"/api/v1/cases/{ids['proposed']}/outcome/proposals/{ids['proposal']}/send-back",
        json={"reason": ""},
        headers=headers,
    )
    assert (record.status_code, read.status_code, send_back.status_code) == API_STATUS[who]
    if record.status_code == 422:
        assert record.json["code"] == "reason_required"
        assert "reason" in record.json["errors"]


@pytest.mark.parametrize("who", ["owner", "supervisor"])
def test_unknown_ids_are_not_found(client, world, who):
    me = person(world, who)
    sign_in(client, me)
    unknown = uuid.uuid4()
    assert client.get(f"/cases/{unknown}/outcome/new").status_code == 404
    assert client.get(f"/cases/{unknown}/evidence-pack").status_code == 404
    assert client.get(f"/cases/{unknown}/exit-planning").status_code == 404
    assert client.get(f"/cases/{unknown}/ending-survey").status_code == 404
    headers = support.headers_for(me)
    assert client.get(f"/api/v1/cases/{unknown}/outcome", headers=headers).status_code == 404
    body = {"result": "breached", "reason": "R"}
    assert (
        client.post(f"/api/v1/cases/{unknown}/outcome", json=body, headers=headers).status_code
        == 404
    )


def test_a_proposal_of_another_case_is_not_found(client, world):
    supervisor = factories.user(Role.SUPERVISOR)
    sign_in(client, supervisor)
    ids = world["ids"]
    assert (
        client.get(f"/cases/{ids['active']}/outcome/proposals/{ids['proposal']}").status_code == 404
    )
    assert (
        client.get(f"/cases/{ids['proposed']}/outcome/proposals/{uuid.uuid4()}").status_code == 404
    )
    headers = support.headers_for(supervisor)
    answer = client.post(
        f"/api/v1/cases/{ids['active']}/outcome/proposals/{ids['proposal']}/send-back",
        json={"reason": "No"},
        headers=headers,
    )
    assert answer.status_code == 404


# (GET the list, POST an empty result to a check): checkers get 200 and 422.
CHECK_API_STATUS = {**dict.fromkeys(WHO, (403, 403)), "admin": (200, 422), "supervisor": (200, 422)}


@pytest.mark.parametrize("who", WHO)
def test_check_api(client, world, who):
    headers = support.headers_for(person(world, who))
    listed = client.get("/api/v1/reoffending-checks?status=due", headers=headers)
    recorded = client.post(
        f"/api/v1/reoffending-checks/{world['ids']['check']}", json={}, headers=headers
    )
    assert (listed.status_code, recorded.status_code) == CHECK_API_STATUS[who]


@pytest.mark.parametrize("role", [Role.ADMIN, Role.SUPERVISOR])
def test_an_unknown_check_is_not_found(client, world, role):
    me = factories.user(role)
    sign_in(client, me)
    assert client.get(f"/reoffending-checks/{uuid.uuid4()}").status_code == 404
    answer = client.post(
        f"/api/v1/reoffending-checks/{uuid.uuid4()}",
        json={"reoffended": False},
        headers=support.headers_for(me),
    )
    assert answer.status_code == 404
