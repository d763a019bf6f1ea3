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
from argon2 import PasswordHasher
from flask.testing import FlaskClient
from flask_migrate import upgrade
from jinja2 import BytecodeCache
from sqlalchemy import event
from werkzeug.serving import make_server

from app import create_app
from app.auth import passwords
from app.extensions import db
from tests import factories

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


class _MemoryBytecodeCache(BytecodeCache):
    """Compiled templates shared by every test's app (each test builds a new app)."""

    def __init__(self):
        self._store: dict[str, bytes] = {}

    def load_bytecode(self, bucket):
        data = self._store.get(bucket.key)
        if data is not None:
            bucket.bytecode_from_string(data)

    def dump_bytecode(self, bucket):
        self._store[bucket.key] = bucket.bytecode_to_string()


_BYTECODE_CACHE = _MemoryBytecodeCache()
# argon2id at its lowest cost: tests sign in (and fail to) thousands of times. The
# production parameters are checked in tests/auth/test_passwords_and_config.py.
_FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
_FAST_PASSWORD_HASH = _FAST_HASHER.hash(factories.PASSWORD)
_FAST_DUMMY_HASH = _FAST_HASHER.hash("not-a-real-password-for-timing")


def _no_fsync(dbapi_connection, _record):
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA synchronous = OFF")
    cursor.close()


def _engine_of(app):
    with app.app_context():
        return db.engine


class FreshContextClient(FlaskClient):
    """Each request gets its own app context (so its own ``g`` and database session), as
    in production, even though the test itself holds an app context open."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture
def app(database_url, app_config, monkeypatch):
    monkeypatch.setattr(passwords, "_hasher", _FAST_HASHER)
    monkeypatch.setattr(passwords, "_DUMMY_HASH", _FAST_DUMMY_HASH)
    monkeypatch.setattr(factories, "_password_hash", lambda: _FAST_PASSWORD_HASH)
    app = make_app(database_url, **app_config)
    if database_url.startswith("sqlite"):
        # Each test's database is a throwaway copy: waiting for the disk buys nothing.
        event.listen(_engine_of(app), "connect", _no_fsync)
    app.jinja_env.bytecode_cache = _BYTECODE_CACHE
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
