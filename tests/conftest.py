"""Test set-up: a database built by the real migrations, fresh for every test.

SQLite (the default): the migrations run once into a template file, copied for each test.
PostgreSQL (DATABASE_URL=postgresql+psycopg://...): the migrations run once into that
database, and every test ends by truncating every table. If the server cannot be reached,
the run fails; it never skips.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import event
from werkzeug.serving import make_server

from app import create_app
from app.extensions import db

DATABASE_URL = os.environ.get("DATABASE_URL", "")
USING_POSTGRES = DATABASE_URL.startswith("postgresql")
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")

BASE_CONFIG = {
    "HUB_ENV": "test",
    "TESTING": True,
    "SECRET_KEY": "test-secret-key-that-is-long-enough-for-tests",
    "RATELIMIT_ENABLED": False,
    "SERVER_NAME": None,
}


def make_app(database_url: str, **overrides):
    return create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": database_url, **overrides})


def migrate_to_head(database_url: str) -> None:
    app = make_app(database_url)
    with app.app_context():
        upgrade()
        db.engine.dispose()


@pytest.fixture(scope="session")
def database_template(tmp_path_factory):
    """Build the schema once, through the migrations."""
    if USING_POSTGRES:
        engine = sa.create_engine(DATABASE_URL)
        try:
            with engine.begin() as connection:
                connection.execute(sa.text("DROP SCHEMA public CASCADE"))
                connection.execute(sa.text("CREATE SCHEMA public"))
        except sa.exc.OperationalError as error:
            pytest.exit(f"PostgreSQL at DATABASE_URL cannot be reached: {error}", returncode=3)
        finally:
            engine.dispose()
        migrate_to_head(DATABASE_URL)
        return DATABASE_URL
    template = tmp_path_factory.mktemp("db") / "template.sqlite3"
    migrate_to_head(f"sqlite:///{template}")
    return template


def _truncate_all(database_url: str) -> None:
    engine = sa.create_engine(database_url)
    with engine.begin() as connection:
        tables = [
            row[0]
            for row in connection.execute(
                sa.text(
                    "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                    "AND tablename <> 'alembic_version'"
                )
            )
        ]
        if tables:
            connection.execute(sa.text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture
def database_url(database_template, tmp_path):
    if USING_POSTGRES:
        yield DATABASE_URL
        _truncate_all(DATABASE_URL)
    else:
        copy = tmp_path / "test.sqlite3"
        shutil.copyfile(database_template, copy)
        yield f"sqlite:///{copy}"


@pytest.fixture
def app_config():
    """Override in a test module to change settings."""
    return {}


class FreshContextClient(FlaskClient):
    """Each request gets its own app context (so its own ``g`` and database session), as
    in production, even though the test itself holds an app context open."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture
def app(database_url, app_config):
    app = make_app(database_url, **app_config)
    app.test_client_class = FreshContextClient
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


class QueryCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, *args, **kwargs):
        self.count += 1


@pytest.fixture
def count_queries(app):
    """Use as ``with count_queries() as counter: ...``; counter.count is the SQL statements run."""
    from contextlib import contextmanager

    @contextmanager
    def counting():
        counter = QueryCounter()
        event.listen(db.engine, "before_cursor_execute", counter)
        try:
            yield counter
        finally:
            event.remove(db.engine, "before_cursor_execute", counter)

    return counting


# Browser tests -------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def live_server(app):
    """The app served on 127.0.0.1 on a free port, sharing the test's database."""
    port = _free_port()
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not Path(CHROMIUM).exists():
        pytest.exit(f"Chromium is missing at {CHROMIUM}: run `make browser`", returncode=3)
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }
