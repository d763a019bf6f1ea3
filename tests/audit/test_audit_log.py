"""The audit log: chained, append-only, written with the change, verifiable, browsable."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DatabaseError

from app.audit import services as audit
from app.audit.models import AuditEntry
from app.auth import users as user_service
from app.auth.roles import Role
from app.extensions import db
from tests import factories
from tests.helpers import sign_in

# Tampering goes straight to the database, on a connection of its own.
pytestmark = pytest.mark.committed

NEW_USER = {
    "email": "new.person@hub.example",
    "name": "New Person",
    "role": "keyworker",
    "password": "a long enough password",
}


def _entries():
    return db.session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id)).all()


def _without_append_only_guard(statement: str, params: dict) -> None:
    """Tamper as someone with direct database access would, past the triggers."""
    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as connection:
            connection.execute(sa.text("ALTER TABLE audit_entries DISABLE TRIGGER USER"))
            connection.execute(sa.text(statement), params)
            connection.execute(sa.text("ALTER TABLE audit_entries ENABLE TRIGGER USER"))
    else:
        with db.engine.begin() as connection:
            connection.execute(sa.text("DROP TRIGGER audit_entries_no_update"))
            connection.execute(sa.text("DROP TRIGGER audit_entries_no_delete"))
            connection.execute(sa.text(statement), params)


def _make_entries(n: int) -> None:
    for i in range(n):
        audit.record("test.event", "thing", f"object-{i}", details={"i": i})
    db.session.commit()


def test_each_entry_holds_the_hash_of_the_one_before(app):
    _make_entries(3)
    entries = _entries()
    assert entries[0].prev_hash == "0" * 64
    assert [e.prev_hash for e in entries[1:]] == [e.entry_hash for e in entries[:-1]]
    assert audit.verify().ok


def test_verify_detects_an_altered_entry(app):
    _make_entries(4)
    target = _entries()[1]
    _without_append_only_guard(
        "UPDATE audit_entries SET reason = 'edited' WHERE id = :id", {"id": target.id}
    )
    db.session.expire_all()
    result = audit.verify()
    assert not result.ok
    assert any(f"entry {target.id}: content does not match" in p for p in result.problems)


def test_verify_detects_a_removed_entry(app):
    _make_entries(4)
    removed = _entries()[1]
    _without_append_only_guard("DELETE FROM audit_entries WHERE id = :id", {"id": removed.id})
    db.session.expire_all()
    result = audit.verify()
    assert not result.ok
    assert any("does not follow" in p for p in result.problems)


def test_the_command_line_check_fails_on_tampering(app):
    runner = app.test_cli_runner()
    _make_entries(2)
    ok = runner.invoke(args=["audit", "verify"])
    assert ok.exit_code == 0 and "chain intact" in ok.output
    _without_append_only_guard(
        "UPDATE audit_entries SET action = 'other' WHERE id = :id", {"id": _entries()[0].id}
    )
    broken = runner.invoke(args=["audit", "verify"])
    assert broken.exit_code == 1
    assert "FAILED" in broken.output


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_entries SET reason = 'rewritten'",
        "DELETE FROM audit_entries",
    ],
)
def test_the_database_refuses_to_rewrite_or_delete_entries(app, statement):
    _make_entries(1)
    with pytest.raises(DatabaseError), db.engine.begin() as connection:
        connection.execute(sa.text(statement))
    assert len(_entries()) == 1


def test_an_entry_is_written_with_its_change_or_not_at_all(app):
    before = len(_entries())
    with pytest.raises(user_service.UserInvalid):
        user_service.create_user(user_service.NewUser(**{**NEW_USER, "password": "short"}))
    assert len(_entries()) == before
    audit.record("test.event", "thing", "x")
    db.session.rollback()
    assert len(_entries()) == before
    user = user_service.create_user(user_service.NewUser(**NEW_USER))
    assert [e.action for e in _entries() if e.object_id == str(user.id)] == ["user.created"]


def test_admin_browses_and_filters_the_log(client):
    admin = factories.user(Role.ADMIN)
    other = factories.user(Role.KEYWORKER)
    sign_in(client, admin)
    client.get(f"/users/{other.id}")
    page = client.get(f"/audit/?object_id={other.id}").get_data(as_text=True)
    assert "user.viewed" in page
    assert "user.signed_in" not in page  # that entry is about the admin, not this object
    by_actor = client.get(f"/audit/?actor_id={admin.id}&kind=all").get_data(as_text=True)
    assert "user.signed_in" in by_actor and "user.viewed" in by_actor
    bad = client.get("/audit/?actor_id=not-an-id")
    assert bad.status_code == 200
    assert "Enter a user ID in the correct format" in bad.get_data(as_text=True)


def test_audit_entries_carry_who_where_and_why(client):
    admin = factories.user(Role.ADMIN)
    target = factories.user(Role.KEYWORKER)
    sign_in(client, admin)
    from tests.helpers import post_form

    post_form(client, f"/users/{target.id}/deactivate", {"reason": "Left the team"})
    entry = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == "user.deactivate")
    ).one()
    assert entry.actor_id == admin.id
    assert entry.actor_role == "admin"
    assert entry.object_id == str(target.id)
    assert entry.reason == "Left the team"
    assert entry.ip_address == "127.0.0.1"
    assert entry.occurred_at.tzinfo is not None
