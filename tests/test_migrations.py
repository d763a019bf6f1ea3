"""The migration chain goes up, all the way down and up again, and matches the models."""

from __future__ import annotations

import subprocess
import sys
import uuid

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
