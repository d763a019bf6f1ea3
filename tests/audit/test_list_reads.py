"""Every list read that returns personal data is audited: one entry per request, naming
the ids of the records it returned (DPA 2018 s.62: consultation and disclosure).

Each list is read as its user reads it (pages signed in, the API with a token); the test
compares the entry's ids with what the answer actually showed."""

from __future__ import annotations

from sqlalchemy import func, select

from app.audit.models import AuditEntry
from app.auth.roles import Role
from app.extensions import db
from tests import factories
from tests.dom import parse
from tests.evidence.support import World as EvidenceWorld
from tests.helpers import sign_in
from tests.referrals import support


def _last_id() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.max(AuditEntry.id))) or 0


def _entries_since(last: int) -> list[AuditEntry]:
    db.session.expire_all()
    return list(
        db.session.scalars(select(AuditEntry).where(AuditEntry.id > last).order_by(AuditEntry.id))
    )


def _one_list_entry(last: int, action: str) -> AuditEntry:
    entries = _entries_since(last)
    assert [e.action for e in entries] == [action], [(e.action, e.details) for e in entries]
    assert entries[0].object_id == "*"
    return entries[0]


def test_the_apis_referral_list_names_the_referrals_returned(client):
    world = support.World.build()
    other = support.send(world.case, world.org, world.keyworker)
    for user in (world.partner, world.keyworker):
        headers = support.headers_for(user)
        last = _last_id()
        response = client.get("/api/v1/referrals", headers=headers)
        assert response.status_code == 200
        shown = {item["id"] for item in response.json["items"]}
        assert shown == {str(world.referral.id), str(other.id)}
        entry = _one_list_entry(last, "referral.listed")
        assert set(entry.details["ids"]) == shown
        assert entry.actor_id == user.id


def test_the_partners_inbox_names_the_referrals_shown(client):
    world = support.World.build()
    sign_in(client, world.partner)
    last = _last_id()
    response = client.get("/referrals/inbox")
    assert response.status_code == 200
    assert world.ref in parse(response).text
    entry = _one_list_entry(last, "referral.listed")
    assert entry.details["ids"] == [str(world.referral.id)]
    assert entry.details["purpose"] == "partner_inbox"


def test_the_victim_liaison_list_names_the_cases_shown(client):
    liaison = factories.user(Role.VICTIM_LIAISON)
    cases = [factories.case(victims=1) for _ in range(2)]
    factories.case()  # no victims: not listed
    sign_in(client, liaison)
    last = _last_id()
    response = client.get("/victims/")
    assert response.status_code == 200
    page = parse(response).text
    assert all(case.crime_reference in page for case in cases)
    entry = _one_list_entry(last, "victim_case.listed")
    assert set(entry.details["ids"]) == {str(case.id) for case in cases}


def test_the_caseload_page_and_api_name_the_cases_shown(client):
    keyworker = factories.user(Role.KEYWORKER)
    mine = [factories.case(keyworker) for _ in range(2)]
    factories.case()  # someone else's
    sign_in(client, keyworker)
    last = _last_id()
    assert client.get("/cases/").status_code == 200
    entry = _one_list_entry(last, "case.listed")
    assert set(entry.details["ids"]) == {str(case.id) for case in mine}

    headers = support.headers_for(keyworker)
    last = _last_id()
    response = client.get("/api/v1/cases", headers=headers)
    shown = {item["id"] for item in response.json["items"]}
    assert shown == {str(case.id) for case in mine}
    assert set(_one_list_entry(last, "case.listed").details["ids"]) == shown


def test_the_work_queue_names_the_cases_of_its_tasks(client):
    supervisor = factories.user(Role.SUPERVISOR)
    unallocated = [factories.case(False), factories.case(False)]
    headers = support.headers_for(supervisor)
    for path, purpose in (("/api/v1/tasks", "api"), ("/tasks/", "page")):
        last = _last_id()
        if purpose == "api":
            response = client.get(path, headers=headers)
            named = {item["case_id"] for item in response.json["items"] if item.get("case_id")}
        else:
            sign_in(client, supervisor)
            last = _last_id()
            response = client.get(path)
            named = {str(case.id) for case in unallocated}
        assert response.status_code == 200
        assert {str(case.id) for case in unallocated} <= named
        entry = _one_list_entry(last, "task.listed")
        assert set(entry.details["ids"]) == named


def test_the_apis_appointment_list_names_the_appointments(client):
    world = EvidenceWorld.build()
    booked = [world.book(), world.book()]
    headers = support.headers_for(world.partner)
    last = _last_id()
    response = client.get(f"/api/v1/referrals/{world.referral.id}/appointments", headers=headers)
    shown = {item["id"] for item in response.json["items"]}
    assert shown == {str(a.id) for a in booked}
    assert set(_one_list_entry(last, "appointments.listed").details["ids"]) == shown


def test_the_attendance_to_record_page_names_the_appointments(client):
    world = EvidenceWorld.build()
    waiting = world.book()
    sign_in(client, world.partner)
    last = _last_id()
    assert client.get("/appointments/to-record").status_code == 200
    entry = _one_list_entry(last, "appointments.awaiting_listed")
    assert entry.details["ids"] == [str(waiting.id)]


def test_search_results_name_the_records_shown(client):
    keyworker = factories.user(Role.KEYWORKER)
    found = factories.case(keyworker, person_fields={"family_name": "Quennell"})
    sign_in(client, keyworker)
    last = _last_id()
    assert client.get("/search/", query_string={"q": "Quennell"}).status_code == 200
    entry = _one_list_entry(last, "case.searched")
    assert entry.details["ids"] == [str(found.id)]


def test_a_list_that_returns_nothing_discloses_nothing_and_is_not_an_entry(client):
    world = support.World.build()
    headers = support.headers_for(world.partner)
    last = _last_id()
    response = client.get(
        "/api/v1/referrals", query_string={"status": "completed"}, headers=headers
    )
    assert response.json["items"] == []
    assert _entries_since(last) == []
