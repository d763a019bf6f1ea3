"""Who may use the appointment, attendance and evidence pages and API: role x endpoint x
scope. A partner of another organisation and a keyworker of another case are answered as
if the object did not exist (404); roles that may never do a thing get 403."""

from __future__ import annotations

import pytest

from app.auth.roles import Role
from app.evidence.lists import case_concerns
from tests import factories
from tests.auth.support import signed_in_csrf_token
from tests.evidence.support import World, past
from tests.helpers import assert_redirects, sign_in
from tests.referrals.support import headers_for
from tests.referrals.support import organisation as make_organisation
from tests.referrals.support import partner as make_partner

COVERED_ENDPOINTS = {
    "evidence.book",
    "evidence.appointment",
    "evidence.reschedule",
    "evidence.attendance",
    "evidence.case_evidence",
    "evidence.new_one_to_one",
    "evidence.condition",
    "evidence.decide",
    "evidence.to_record",
    "evidence.cancel",
    "evidence.register",
    "api_appointments.book_appointment",
    "api_appointments.list_referral_appointments",
    "api_appointments.get_appointment",
    "api_appointments.reschedule_appointment",
    "api_appointments.record_attendance",
    "api_appointments.list_concerns",
    "api_appointments.decide_concern",
}

WHO = [
    "partner",
    "other_partner",
    "keyworker",
    "other_keyworker",
    "supervisor",
    "admin",
    "victim_liaison",
]
PAGES = {
    "evidence.book": "/referrals/{referral}/appointments/new",
    "evidence.appointment": "/appointments/{appointment}",
    "evidence.reschedule": "/appointments/{appointment}/reschedule",
    "evidence.attendance": "/appointments/{appointment}/attendance",
    "evidence.case_evidence": "/cases/{case}/evidence",
    "evidence.new_one_to_one": "/cases/{case}/one-to-ones/new",
    "evidence.condition": "/cases/{case}/conditions/{condition}",
    "evidence.decide": "/compliance-concerns/{concern}/decision",
    "evidence.to_record": "/appointments/to-record",
    "evidence.register": "/appointments/register",
}
FORMS = set(PAGES) - {"evidence.appointment", "evidence.case_evidence", "evidence.to_record"}
PARTNER_FORMS = {"evidence.book", "evidence.reschedule", "evidence.attendance"}
STAFF_PAGES = {
    "evidence.case_evidence",
    "evidence.new_one_to_one",
    "evidence.condition",
    "evidence.decide",
}


def page_expectation(endpoint: str, who: str) -> tuple[int, int]:
    """(GET, POST of an empty form)."""
    if who in {"admin", "victim_liaison"}:
        return 403, 403
    if endpoint == "evidence.to_record":
        return 200, 0  # everyone else sees their own list
    if endpoint == "evidence.register":
        # A partner organisation's own register (another's lists only its own sessions);
        # a submit answering nothing goes back to it.
        return (200, 302) if who in {"partner", "other_partner"} else (403, 403)
    if endpoint in PARTNER_FORMS:
        if who == "partner":
            return 200, 400
        if who == "other_partner":
            return 404, 404
        if endpoint == "evidence.book":
            return 403, 403  # only partners book
        return (404, 404) if who == "other_keyworker" else (403, 403)
    if endpoint == "evidence.appointment":
        return (200, 0) if who in {"partner", "keyworker", "supervisor"} else (404, 0)
    # Case staff pages.
    if who in {"partner", "other_partner"}:
        return 403, 403
    if who == "other_keyworker":
        return 404, 404
    return 200, 400


@pytest.fixture
def world(app):
    world = World.build()
    missed = world.book(starts_at=past(days=2))
    world.attend(missed, status="did_not_attend")
    booked = world.book(starts_at=past(days=1))
    concern = case_concerns(world.case.id)[0]
    other_org = make_organisation("Elsewhere Recovery Service")
    people = {
        "partner": world.partner,
        "other_partner": make_partner(other_org),
        "keyworker": world.keyworker,
        "other_keyworker": factories.user(Role.KEYWORKER),
        "supervisor": factories.user(Role.SUPERVISOR),
        "admin": factories.user(Role.ADMIN),
        "victim_liaison": factories.user(Role.VICTIM_LIAISON),
    }
    ids = {
        "referral": world.referral.id,
        "appointment": booked.id,
        "case": world.case.id,
        "condition": world.rehab.id,
        "concern": concern.id,
    }
    return world, people, ids


@pytest.mark.parametrize("who", WHO)
def test_pages(client, world, who):
    _, people, ids = world
    sign_in(client, people[who])
    token = signed_in_csrf_token(client)
    observed, expected = {}, {}
    for endpoint, template in PAGES.items():
        path = template.format(**ids)
        get_status, post_status = page_expectation(endpoint, who)
        observed[endpoint, "GET"] = client.get(path).status_code
        expected[endpoint, "GET"] = get_status
        if endpoint in FORMS:
            observed[endpoint, "POST"] = client.post(path, data={"csrf_token": token}).status_code
            expected[endpoint, "POST"] = post_status
    assert observed == expected


CANCEL_EXPECTED = {
    "partner": 302,  # the reason is missing: told so on the page it came from
    "other_partner": 404,
    "keyworker": 403,  # case staff see partner appointments but do not run them
    "other_keyworker": 404,
    "supervisor": 403,
    "admin": 403,
    "victim_liaison": 403,
}


@pytest.mark.parametrize("who", WHO)
def test_cancelling(client, world, who):
    _, people, ids = world
    sign_in(client, people[who])
    token = signed_in_csrf_token(client)
    answer = client.post(f"/appointments/{ids['appointment']}/cancel", data={"csrf_token": token})
    assert answer.status_code == CANCEL_EXPECTED[who]
    if CANCEL_EXPECTED[who] == 302:
        assert_redirects(answer, f"/referrals/{ids['referral']}")


def api_expectation(name: str, who: str) -> int:
    ok = {
        "book": 201,
        "list": 200,
        "get": 200,
        "reschedule": 201,
        "attendance": 200,
        "concerns": 200,
        "decide": 201,
    }[name]
    if who in {"admin", "victim_liaison"}:
        return 403
    if name in {"concerns", "decide"}:
        if who in {"partner", "other_partner"}:
            return 403
        return 404 if who == "other_keyworker" else ok
    if who == "other_partner":
        return 404
    if name in {"list", "get"}:
        return 404 if who == "other_keyworker" else ok
    if who == "partner":
        return ok
    if name == "book":
        return 403
    return 404 if who == "other_keyworker" else 403


@pytest.mark.parametrize("who", WHO)
def test_api(client, world, who):
    _, people, ids = world
    headers = headers_for(people[who])
    when = past(hours=3, days=0).strftime("%Y-%m-%dT%H:%M:%SZ")
    calls = {
        "list": client.get(f"/api/v1/referrals/{ids['referral']}/appointments", headers=headers),
        "get": client.get(f"/api/v1/appointments/{ids['appointment']}", headers=headers),
        "attendance": client.post(
            f"/api/v1/appointments/{ids['appointment']}/attendance",
            json={"status": "attended"},
            headers=headers,
        ),
        "book": client.post(
            f"/api/v1/referrals/{ids['referral']}/appointments",
            json={"starts_at": when, "mode": "phone"},
            headers=headers,
        ),
        "concerns": client.get(f"/api/v1/cases/{ids['case']}/compliance-concerns", headers=headers),
        "decide": client.post(
            f"/api/v1/compliance-concerns/{ids['concern']}/decisions",
            json={"decision": "warning", "reason": "Warned by phone"},
            headers=headers,
        ),
    }
    rebook = client.post(
        f"/api/v1/referrals/{ids['referral']}/appointments",
        json={"starts_at": when, "mode": "video"},
        headers=headers_for(people["partner"]),
    ).json["id"]
    calls["reschedule"] = client.post(
        f"/api/v1/appointments/{rebook}/reschedule",
        json={"starts_at": when, "reason": "Room double-booked"},
        headers=headers,
    )
    observed = {name: answer.status_code for name, answer in calls.items()}
    expected = {name: api_expectation(name, who) for name in calls}
    assert observed == expected
