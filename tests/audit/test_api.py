"""GET /api/v1/audit: who did what to an object, and when, newest first (administrators)."""

from __future__ import annotations

from app.auth.roles import Role
from tests import factories
from tests.evidence.support import World, past
from tests.referrals.support import headers_for


def test_an_administrator_reads_an_objects_history_newest_first(client, app):
    world = World.build()
    appointment = world.book(starts_at=past())
    world.attend(appointment, status="attended")
    admin = factories.user(Role.ADMIN)

    answer = client.get(f"/api/v1/audit?object_id={appointment.id}", headers=headers_for(admin))

    assert answer.status_code == 200
    assert answer.json["total"] == 2
    assert [e["action"] for e in answer.json["items"]] == [
        "attendance.recorded",
        "appointment.booked",
    ]
    newest = answer.json["items"][0]
    assert newest["actor_id"] == str(world.partner.id)
    assert newest["actor_role"] == "partner"
    assert newest["occurred_at"].endswith("Z")


def test_filters_and_paging(client, app):
    admin = factories.user(Role.ADMIN)
    world = World.build()
    world.attend(world.book(starts_at=past()), status="attended")
    headers = headers_for(admin)
    by_partner = client.get(
        f"/api/v1/audit?actor_id={world.partner.id}&per_page=1", headers=headers
    )
    assert by_partner.status_code == 200
    everything = client.get("/api/v1/audit?per_page=200", headers=headers).json["items"]
    partners_own = [e for e in everything if e["actor_id"] == str(world.partner.id)]
    assert len(partners_own) >= 2  # the world's booking and attendance, at least
    assert by_partner.json["total"] == len(partners_own)
    assert [e["id"] for e in by_partner.json["items"]] == [partners_own[0]["id"]]
    assert client.get("/api/v1/audit?actor_id=nope", headers=headers).status_code == 422
    assert client.get("/api/v1/audit?per_page=500", headers=headers).status_code == 422
    future = client.get("/api/v1/audit?updated_since=2999-01-01T00:00:00Z", headers=headers)
    assert future.json == {"items": [], "total": 0, "page": 1, "per_page": 50}


def test_only_administrators_read_the_audit_log(client, app):
    world = World.build()
    for user in (world.keyworker, world.partner, factories.user(Role.SUPERVISOR)):
        answer = client.get("/api/v1/audit", headers=headers_for(user))
        assert answer.status_code == 403
