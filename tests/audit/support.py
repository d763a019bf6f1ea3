"""Acting as someone with direct access to the database: past the append-only triggers,
rewriting the audit log with whatever they can compute."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import sqlalchemy as sa

from app.audit import services as audit
from app.audit.chain import canonical_content
from app.audit.models import AuditEntry
from app.extensions import db

POSTGRES_TRIGGER = (
    "CREATE TRIGGER audit_entries_no_update BEFORE UPDATE OR DELETE ON audit_entries "
    "FOR EACH ROW EXECUTE FUNCTION audit_entries_append_only()"
)
SQLITE_TRIGGERS = [
    "CREATE TRIGGER audit_entries_no_update BEFORE UPDATE ON audit_entries "
    "BEGIN SELECT RAISE(ABORT, 'audit_entries is append-only'); END",
    "CREATE TRIGGER audit_entries_no_delete BEFORE DELETE ON audit_entries "
    "BEGIN SELECT RAISE(ABORT, 'audit_entries is append-only'); END",
]


def make_entries(n: int, start: int = 0) -> None:
    for i in range(start, start + n):
        audit.record("test.event", "thing", f"object-{i}", details={"i": i})
    db.session.commit()


def entries() -> list[AuditEntry]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id)))


@contextmanager
def triggers_dropped() -> Iterator[sa.Connection]:
    """Drop the append-only triggers, tamper through the connection given, then put the
    triggers back (the PostgreSQL test database outlives the test)."""
    postgres = db.engine.dialect.name == "postgresql"
    # The test's own session must not hold the table open: on PostgreSQL, DROP TRIGGER
    # waits for every transaction that has read it.
    db.session.rollback()
    with db.engine.begin() as connection:
        if postgres:
            connection.execute(sa.text("SET LOCAL lock_timeout = '10s'"))
            connection.execute(sa.text("DROP TRIGGER audit_entries_no_update ON audit_entries"))
        else:
            connection.execute(sa.text("DROP TRIGGER audit_entries_no_update"))
            connection.execute(sa.text("DROP TRIGGER audit_entries_no_delete"))
    try:
        with db.engine.begin() as connection:
            yield connection
    finally:
        with db.engine.begin() as connection:
            for statement in [POSTGRES_TRIGGER] if postgres else SQLITE_TRIGGERS:
                connection.execute(sa.text(statement))
        db.session.expire_all()


def has_key_ids() -> bool:
    columns = sa.inspect(db.engine).get_columns("audit_entries")
    return any(column["name"] == "key_id" for column in columns)


def content(entry: AuditEntry, *, keyed: bool = False) -> bytes:
    """The entry's content as the hub's source code canonicalises it (which an attacker
    can read as well as anyone): the forgeries below differ from a real seal only in
    the key, so a test that finds them proves the key is what stops them."""
    return canonical_content(entry, keyed=keyed)


def plain_sha256(entry: AuditEntry) -> str:
    """The old attack: the chain's hash was a plain SHA-256 of the content."""
    return hashlib.sha256(content(entry)).hexdigest()


def rewrite_chain(
    first: int,
    *,
    change: dict,
    rehash: Callable[[AuditEntry], str],
    clear_key_ids=False,
    until: int | None = None,
) -> None:
    """Change the ``first``-th entry (0-based), then recompute every later hash (up to,
    not including, the ``until``-th entry) with ``rehash`` so each entry follows the one
    before, and write it all back."""
    rows = entries()
    for row in rows:
        db.session.expunge(row)
    previous = rows[first - 1].entry_hash if first else "0" * 64
    with triggers_dropped() as connection:
        for position, entry in enumerate(rows[first:until]):
            if position == 0:
                for name, value in change.items():
                    setattr(entry, name, value)
            if clear_key_ids:
                entry.key_id = None
            entry.prev_hash = previous
            entry.entry_hash = rehash(entry)
            previous = entry.entry_hash
            values = {**change} if position == 0 else {}
            values |= {"prev_hash": entry.prev_hash, "entry_hash": entry.entry_hash}
            if clear_key_ids:
                values["key_id"] = None
            assignments = ", ".join(f"{name} = :{name}" for name in values)
            connection.execute(
                sa.text(f"UPDATE audit_entries SET {assignments} WHERE id = :id"),  # noqa: S608
                {**values, "id": entry.id},
            )


def delete_newest(n: int) -> None:
    newest = [entry.id for entry in entries()[-n:]]
    with triggers_dropped() as connection:
        connection.execute(
            sa.delete(AuditEntry.__table__).where(AuditEntry.__table__.c.id.in_(newest))
        )
