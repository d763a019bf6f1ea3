"""``flask ops backup`` and ``flask ops restore``: a populated database, backed up and
restored into an empty one, has the same rows in every table and an intact audit log.

The test runs on the suite's own database (SQLite by default; PostgreSQL with
DATABASE_URL), restoring into a scratch database of the same kind.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import uuid

import pytest
import sqlalchemy as sa

from app.auth.roles import Role
from app.cases.services import view_case
from app.extensions import db
from tests import factories
from tests.conftest import DATABASE_URL, USING_POSTGRES, make_app
from tests.victims.support import planted_case

pytestmark = pytest.mark.committed  # pg_dump reads the data through its own connection


@pytest.fixture
def scratch_database_url(tmp_path):
    """An empty database of the suite's kind: a new SQLite file, or a new PostgreSQL
    database (scripts/pg_database.py), dropped afterwards."""
    if not USING_POSTGRES:
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    url = sa.engine.make_url(DATABASE_URL).set(database=f"hub_restore_{uuid.uuid4().hex[:8]}")
    rendered = url.render_as_string(hide_password=False)
    subprocess.run([sys.executable, "scripts/pg_database.py", "create", rendered], check=True)
    yield rendered
    subprocess.run([sys.executable, "scripts/pg_database.py", "drop", rendered], check=True)


def _populate() -> None:
    supervisor = factories.user(Role.SUPERVISOR)
    for stage in ("active", "completed", "breached"):
        planted = planted_case(stage)
        view_case(supervisor, planted.case.id, purpose="case_page")  # audit entries
    factories.case(status="ineligible", victims=2)


def _row_counts(engine: sa.Engine) -> dict[str, int]:
    with engine.connect() as connection:
        names = sa.inspect(connection).get_table_names()
        return {
            name: connection.execute(
                sa.select(sa.func.count()).select_from(sa.table(name))
            ).scalar_one()
            for name in sorted(names)
        }


@pytest.fixture
def restored_app(scratch_database_url):
    other = make_app(scratch_database_url)
    yield other
    with other.app_context():
        db.engine.dispose()


def test_a_backup_restores_into_an_empty_database_with_every_row(app, restored_app, tmp_path):
    _populate()
    before = _row_counts(db.engine)
    assert before["audit_entries"] == 3 and before["cases"] == 4 and before["referrals"] == 3
    backup = tmp_path / "hub.backup"

    made = app.test_cli_runner().invoke(args=["ops", "backup", "--to", str(backup)])
    assert made.exit_code == 0, made.output
    assert "Backed up" in made.output
    assert stat.S_IMODE(os.stat(backup).st_mode) == 0o600  # it holds personal data

    runner = restored_app.test_cli_runner()
    with restored_app.app_context():  # a command runs in the app context it finds
        restored = runner.invoke(args=["ops", "restore", "--from", str(backup)])
        assert restored.exit_code == 0, restored.output
        assert _row_counts(db.engine) == before
        verified = runner.invoke(args=["audit", "verify"])
        assert verified.exit_code == 0, verified.output
        assert f"Audit log verified: {before['audit_entries']} entries, chain intact" in (
            verified.output
        )
        with pytest.raises(sa.exc.DatabaseError), db.engine.begin() as connection:
            # The triggers came too: the restored log is still append-only.
            connection.execute(sa.text("UPDATE audit_entries SET reason = 'changed'"))


def test_a_restore_refuses_to_replace_data_unless_forced(app, restored_app, tmp_path):
    _populate()
    backup = tmp_path / "hub.backup"
    assert app.test_cli_runner().invoke(args=["ops", "backup", "--to", str(backup)]).exit_code == 0
    runner = restored_app.test_cli_runner()
    with restored_app.app_context():
        assert runner.invoke(args=["ops", "restore", "--from", str(backup)]).exit_code == 0
        factories.case(status="ineligible")  # the restored database moves on
        changed = _row_counts(db.engine)

        refused = runner.invoke(args=["ops", "restore", "--from", str(backup)])
        assert refused.exit_code == 1
        assert "already holds data" in refused.output
        assert "Nothing was restored" in refused.output
        assert _row_counts(db.engine) == changed

        forced = runner.invoke(args=["ops", "restore", "--from", str(backup), "--force"])
        assert forced.exit_code == 0, forced.output
        assert _row_counts(db.engine)["cases"] == changed["cases"] - 1
        assert runner.invoke(args=["audit", "verify"]).exit_code == 0


def test_a_file_that_is_not_a_backup_is_refused(restored_app, tmp_path):
    bogus = tmp_path / "notes.txt"
    bogus.write_text("not a database")
    runner = restored_app.test_cli_runner()
    with restored_app.app_context():
        result = runner.invoke(args=["ops", "restore", "--from", str(bogus)])
        missing = runner.invoke(args=["ops", "restore", "--from", str(tmp_path / "missing.backup")])
    assert result.exit_code == 1
    assert "is not a backup" in result.output
    assert missing.exit_code == 1
    assert "There is no backup file" in missing.output
