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


@pytest.mark.committed
def test_models_and_migrations_agree(app):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
    assert differences == []


PLAIN_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # noqa: S105 (a well-known example)
USERS = sa.table(
    "users",
    sa.column("id", sa.Uuid()),
    sa.column("email", sa.String()),
    sa.column("name", sa.String()),
    sa.column("role", sa.String()),
    sa.column("password_hash", sa.String()),
    sa.column("active", sa.Boolean()),
    sa.column("failed_sign_in_attempts", sa.Integer()),
    sa.column("totp_secret", sa.String()),
    sa.column("created_at", sa.DateTime(timezone=True)),
    sa.column("updated_at", sa.DateTime(timezone=True)),
    sa.column("version", sa.Integer()),
)


def _stored_totp_secret(user_id) -> str:
    with db.engine.connect() as connection:
        return connection.execute(
            sa.select(USERS.c.totp_secret).where(USERS.c.id == user_id)
        ).scalar_one()


def test_existing_totp_secrets_are_encrypted_and_decrypted_again(scratch_database_url):
    from cryptography.fernet import Fernet, MultiFernet

    from app.database import utcnow

    app = make_app(scratch_database_url)
    keys = MultiFernet([Fernet(k) for k in app.config["TOTP_ENCRYPTION_KEYS"]])
    user_id = uuid.uuid4()
    with app.app_context():
        upgrade(revision="ae71449eac63")  # before secrets were encrypted
        with db.engine.begin() as connection:
            connection.execute(
                USERS.insert().values(
                    id=user_id,
                    email="enrolled@hub.example",
                    name="Enrolled Person",
                    role="keyworker",
                    password_hash="$argon2id$not-used-here",
                    active=True,
                    failed_sign_in_attempts=0,
                    totp_secret=PLAIN_TOTP_SECRET,
                    created_at=utcnow(),
                    updated_at=utcnow(),
                    version=1,
                )
            )
        upgrade()
        encrypted = _stored_totp_secret(user_id)
        assert PLAIN_TOTP_SECRET not in encrypted
        assert keys.decrypt(encrypted.encode()).decode() == PLAIN_TOTP_SECRET

        downgrade(revision="ae71449eac63")
        assert _stored_totp_secret(user_id) == PLAIN_TOTP_SECRET
        db.engine.dispose()


# The check constraints of the performance framework's vocabulary (the models' enums are
# the source; the database refuses anything else, whichever code path writes).
REFUSED = {
    "a role nobody has": "UPDATE users SET role = 'statistician'",
    "a sex outside the list": "UPDATE people SET sex = 'unknown'",
    "an ethnic group outside the census groups": "UPDATE people SET ethnicity = 'british'",
    "a reoffence class outside the list": "UPDATE reoffending_checks SET offence_class = 'minor'",
    "a negative crime harm": "UPDATE reoffending_checks SET harm_days = -1",
}


@pytest.mark.parametrize("statement", REFUSED.values(), ids=REFUSED.keys())
def test_the_vocabulary_is_enforced_by_the_database(app, statement):
    from app.auth.roles import Role
    from app.outcomes.models import ReoffendingCheck
    from tests import factories

    case = factories.case()
    factories.user(Role.ANALYST)  # the new role is accepted
    db.session.add(ReoffendingCheck(case_id=case.id, due_on=case.offence_committed_on))
    db.session.commit()
    with pytest.raises(sa.exc.IntegrityError), db.session.begin_nested():
        db.session.execute(sa.text(statement))
    db.session.rollback()


def test_people_recorded_before_the_vocabulary_are_not_stated(scratch_database_url):
    app = make_app(scratch_database_url)
    with app.app_context():
        upgrade(revision="ae71449eac63")
        person_id = uuid.uuid4().hex
        with db.engine.begin() as connection:
            connection.execute(
                sa.text(
                    "INSERT INTO people (id, given_name, family_name, date_of_birth, "
                    "lives_in_force_area, created_at) VALUES (:id, 'Alex', 'Example', "
                    "'1990-05-17', true, '2026-01-01 00:00:00')"
                ),
                {"id": person_id if not USING_POSTGRES else str(uuid.UUID(person_id))},
            )
        upgrade()
        with db.engine.connect() as connection:
            row = connection.execute(sa.text("SELECT sex, ethnicity FROM people")).one()
        assert tuple(row) == ("not_stated", "not_stated")
        db.engine.dispose()


BEFORE_AUDIT_KEYS = "b95f40ad820c"


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
