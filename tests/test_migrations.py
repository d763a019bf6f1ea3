"""The migration chain goes up, all the way down and up again, and matches the models."""

from __future__ import annotations

import subprocess
import sys
import uuid
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from app.extensions import db
from tests.conftest import DATABASE_URL, USING_POSTGRES, make_app


@pytest.fixture
def scratch_database_url(tmp_path):
    if not USING_POSTGRES:
        yield f"sqlite:///{tmp_path / 'migrations.sqlite3'}"
        return
    url = sa.engine.make_url(DATABASE_URL).set(database=f"hub_migrations_{uuid.uuid4().hex[:8]}")
    rendered = url.render_as_string(hide_password=False)
    subprocess.run([sys.executable, "scripts/pg_database.py", "create", rendered], check=True)
    yield rendered
    subprocess.run([sys.executable, "scripts/pg_database.py", "drop", rendered], check=True)


def _tables(app) -> set[str]:
    return set(sa.inspect(db.engine).get_table_names()) - {"alembic_version"}


def test_upgrade_downgrade_upgrade(scratch_database_url):
    app = make_app(scratch_database_url)
    with app.app_context():
        upgrade()
        tables = _tables(app)
        assert {"users", "user_sessions", "api_tokens", "organisations", "audit_entries"} <= tables
        downgrade(revision="base")
        db.engine.dispose()
        assert _tables(app) == set()
        upgrade()
        assert _tables(app) == tables
        db.engine.dispose()


def test_models_and_migrations_agree(app):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
    assert differences == []


BEFORE_AUDIT_KEYS = "ae71449eac63"


def _refuses(statement: str) -> bool:
    try:
        with db.engine.begin() as connection:
            connection.execute(sa.text(statement))
    except sa.exc.DatabaseError:
        return True
    return False


def test_the_audit_key_migration_keeps_entries_and_the_append_only_guard(scratch_database_url):
    from app.audit import services as audit
    from app.audit.models import GENESIS_HASH, AuditEntry
    from tests.audit.support import plain_sha256

    app = make_app(scratch_database_url)
    with app.app_context():
        upgrade(revision=BEFORE_AUDIT_KEYS)
        legacy = AuditEntry(
            occurred_at=datetime(2026, 11, 1, 9, 0, tzinfo=UTC),
            actor_role="system",
            action="legacy.event",
            object_type="thing",
            object_id="legacy",
            details={},
            prev_hash=GENESIS_HASH,
        )
        legacy.entry_hash = plain_sha256(legacy)
        columns = ("occurred_at", "actor_role", "action", "object_type", "object_id")
        values = {name: getattr(legacy, name) for name in columns}
        values |= {"details": {}, "prev_hash": GENESIS_HASH, "entry_hash": legacy.entry_hash}
        with db.engine.begin() as connection:
            connection.execute(sa.insert(AuditEntry.__table__).values(**values))

        upgrade()
        audit.record("keyed.event", "thing", "new")
        db.session.commit()
        result = audit.verify()
        assert result.ok and (result.checked, result.legacy) == (2, 1)
        assert _refuses("UPDATE audit_entries SET reason = 'x'")
        assert _refuses("DELETE FROM audit_entries")
        db.session.remove()

        downgrade(revision=BEFORE_AUDIT_KEYS)
        assert _refuses("UPDATE audit_entries SET reason = 'x'")
        assert _refuses("DELETE FROM audit_entries")
        with db.engine.connect() as connection:
            count = connection.scalar(sa.text("SELECT count(*) FROM audit_entries"))
        assert count == 2

        upgrade()
        assert _refuses("UPDATE audit_entries SET reason = 'x'")
        assert _refuses("DELETE FROM audit_entries")
        db.engine.dispose()
