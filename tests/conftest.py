"""Test set-up: one app for the whole run, over a database built by the real migrations.

Creating an app is costly (the OpenAPI document, cold caches), so the run shares one;
each test still starts from an empty, freshly migrated database:
- SQLite (the default): the migrations run once into a template file, and before each
  test the template is copied over the shared app's database file.
- PostgreSQL (DATABASE_URL=postgresql+psycopg://...): the migrations run once; each test
  runs inside a transaction that is rolled back afterwards, with the test's (and its
  requests') own commits turned into SAVEPOINTs. Tests that need real, separately
  committed transactions (a live server's threads, concurrent sessions) are marked
  ``committed`` (browser tests are, by their ``live_server``), and instead end by
  truncating every table. If the server cannot be reached, the run fails; it never skips.

Settings changed by a test are restored afterwards. A test module that needs settings
read when the app is built overrides ``app_config``; a test that adds routes uses
``fresh_app``: both get an app (and a database) of their own.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher
from flask import has_app_context
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import event
from werkzeug.serving import WSGIRequestHandler, make_server

from app import create_app
from app.auth import passwords
from app.extensions import cache, db
from app.jobs.runner import runner_of
from app.rate_limits import limiter_of
from tests import factories
from tests.smtp import POLL_SECONDS, free_port

DATABASE_URL = os.environ.get("DATABASE_URL", "")
USING_POSTGRES = DATABASE_URL.startswith("postgresql")
# pytest-xdist runs the suite in several processes (`-n`); each names itself gw0, gw1, ...
XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
# Debian's chromium-headless-shell: Chromium without the desktop browser around the page
# (scripts/ensure-chromium.sh). CHROMIUM_PATH=/usr/bin/chromium runs the full browser.
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/lib/chromium/chromium-headless-shell")

BASE_CONFIG = {
    "HUB_ENV": "test",
    "TESTING": True,
    "SECRET_KEY": "test-secret-key-that-is-long-enough-for-tests",
    "RATELIMIT_ENABLED": False,
    "SERVER_NAME": None,
    # Background tasks wait in the runner's queue until a test runs them (app.jobs.runner).
    "BACKGROUND_TASKS": "manual",
    # Report figures worked out on every request; tests/reports/test_figures_kept.py
    # turns keeping them on.
    "REPORT_FIGURES_SECONDS": 0,
    # Counts worked out on every page; tests/tasks/test_navigation.py and
    # tests/cases/test_team_counts.py turn keeping them on.
    "KEPT_COUNTS_SECONDS": 0,
}


def make_app(database_url: str, **overrides):
    return create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": database_url, **overrides})


def migrate_to_head(database_url: str) -> None:
    app = make_app(database_url)
    with app.app_context():
        upgrade()
        db.engine.dispose()


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "committed: the test needs real commits that other connections see (PostgreSQL "
        "isolates it by truncating every table afterwards, not by a rolled-back transaction)",
    )


PG_DATABASE = Path(__file__).resolve().parent.parent / "scripts" / "pg_database.py"


def _pg_database(action: str, database_url: str) -> None:
    """``scripts/pg_database.py create|drop``: the project's one way to make or drop one."""
    done = subprocess.run([sys.executable, str(PG_DATABASE), action, database_url], check=False)
    if done.returncode:
        pytest.exit(f"PostgreSQL database could not be {action}d (see above)", returncode=3)


def _workers_own_database(database_url: str, worker: str) -> str:
    """A PostgreSQL database of this xdist worker's own, beside DATABASE_URL's, made empty:
    workers must not roll back or truncate under each other."""
    url = sa.engine.make_url(database_url)
    own = url.set(database=f"{url.database}_{worker}").render_as_string(hide_password=False)
    _pg_database("create", own)
    return own


if USING_POSTGRES and XDIST_WORKER:
    DATABASE_URL = _workers_own_database(DATABASE_URL, XDIST_WORKER)
    os.environ["DATABASE_URL"] = DATABASE_URL


def pytest_unconfigure(config):
    if USING_POSTGRES and XDIST_WORKER:
        _pg_database("drop", DATABASE_URL)


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


def _truncate_all(engine: sa.Engine) -> None:
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


def _copy_sqlite_template(template: Path, target: Path) -> None:
    for suffix in ("-wal", "-shm", "-journal"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(template, target)


@pytest.fixture
def app_config():
    """Override in a test module to change settings read when the app is built."""
    return {}


# argon2id at its lowest cost: tests sign in (and fail to) thousands of times. The
# production parameters are checked in tests/auth/test_passwords_and_config.py.
_FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
_FAST_PASSWORD_HASH = _FAST_HASHER.hash(factories.PASSWORD)
_FAST_DUMMY_HASH = _FAST_HASHER.hash("not-a-real-password-for-timing")


@pytest.fixture
def _fast_hashing(monkeypatch):
    monkeypatch.setattr(passwords, "_hasher", _FAST_HASHER)
    monkeypatch.setattr(passwords, "_DUMMY_HASH", _FAST_DUMMY_HASH)
    monkeypatch.setattr(factories, "_password_hash", lambda: _FAST_PASSWORD_HASH)


def _no_fsync(dbapi_connection, _record):
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA synchronous = OFF")
    cursor.close()


def _engine_of(app) -> sa.Engine:
    with app.app_context():
        return db.engine


class FreshContextClient(FlaskClient):
    """Each request gets its own app context (so its own ``g`` and database session), as
    in production, even though the test itself holds an app context open."""

    def open(self, *args, **kwargs):
        _end_the_tests_read_savepoint(self.application)
        with self.application.app_context():
            return super().open(*args, **kwargs)


def _end_the_tests_read_savepoint(app) -> None:
    """PostgreSQL, rolled-back tests: the test's own session may hold a savepoint open
    after a read. A request's work would then nest inside it, and a later rollback of the
    test's session would undo the request's commit, which a real database never does.
    Release it first, as a read that ended (nothing is expired or written)."""
    if not app.extensions.get("tests_share_one_transaction") or not has_app_context():
        return
    session = db.session()
    if session.in_transaction() and not (session.new or session.dirty or session.deleted):
        session.expire_on_commit = False
        try:
            session.commit()
        finally:
            session.expire_on_commit = True


def _build_app(database_url: str, **overrides):
    app = make_app(database_url, **overrides)
    if database_url.startswith("sqlite"):
        # The test databases are throwaway copies: waiting for the disk buys nothing.
        event.listen(_engine_of(app), "connect", _no_fsync)
    app.test_client_class = FreshContextClient
    return app


@pytest.fixture(scope="session")
def shared_app(database_template, tmp_path_factory):
    if USING_POSTGRES:
        database_url = DATABASE_URL
    else:
        database_url = f"sqlite:///{tmp_path_factory.mktemp('shared') / 'hub.sqlite3'}"
    app = _build_app(database_url)
    engine = _engine_of(app)
    if USING_POSTGRES:
        # A test's own commits become savepoints inside the transaction it runs in.
        db.session.session_factory.configure(join_transaction_mode="create_savepoint")
    yield app
    engine.dispose()


@contextmanager
def _rolled_back(app):
    """PostgreSQL: every session of this app, in any app context, works inside one
    connection's transaction, which is rolled back when the test ends."""
    engines = db._app_engines[app]
    engine = engines[None]
    connection = engine.connect()
    transaction = connection.begin()
    engines[None] = connection
    app.extensions["tests_share_one_transaction"] = True
    try:
        yield
    finally:
        app.extensions["tests_share_one_transaction"] = False
        db.session.remove()
        engines[None] = engine
        transaction.rollback()
        connection.close()


def _needs_commits(request) -> bool:
    return (
        request.node.get_closest_marker("committed") is not None
        or request.node.get_closest_marker("e2e") is not None
        or "live_server" in request.fixturenames
    )


@contextmanager
def _isolated(app, request, template):
    """Run one test on the shared app: an empty database, and its settings restored."""
    engine = _engine_of(app)
    saved_config = app.config.copy()
    if USING_POSTGRES:
        isolation = _rolled_back(app) if not _needs_commits(request) else _committed(engine)
    else:
        _wait_for_connections_back(engine)
        engine.dispose()
        _copy_sqlite_template(Path(template), Path(engine.url.database))
        isolation = _nothing()
    try:
        with app.app_context(), isolation:
            yield app
            db.session.remove()
    finally:
        app.config.clear()
        app.config.update(saved_config)
        limiter = limiter_of(app)
        if limiter.enabled:
            limiter.reset()
        runner_of(app).queued.clear()  # tasks a test queued and did not run
        with app.app_context():
            cache.clear()  # report figures a test kept
        if not USING_POSTGRES:
            engine.dispose()


def _wait_for_connections_back(engine: sa.Engine, seconds: float = 10) -> None:
    """SQLite: a live server's last request of the previous test may still hold a
    connection; replacing the file under it breaks the next test's writes (disk I/O error)."""
    deadline = time.monotonic() + seconds
    while engine.pool.checkedout() and time.monotonic() < deadline:
        time.sleep(0.01)


@contextmanager
def _nothing():
    yield


@contextmanager
def _committed(engine):
    try:
        yield
    finally:
        db.session.remove()
        _truncate_all(engine)


@contextmanager
def _own_app(template, tmp_path, **overrides):
    """An app, and a database, of the test's own."""
    if USING_POSTGRES:
        app = _build_app(DATABASE_URL, **overrides)
        isolation = _committed(_engine_of(app))
    else:
        copy = tmp_path / "own.sqlite3"
        shutil.copyfile(template, copy)
        app = _build_app(f"sqlite:///{copy}", **overrides)
        isolation = _nothing()
    try:
        with app.app_context(), isolation:
            yield app
            db.session.remove()
    finally:
        _engine_of(app).dispose()


@pytest.fixture
def fresh_app(database_template, tmp_path, app_config, _fast_hashing):
    """For the few tests that add routes or need settings read at start-up."""
    with _own_app(database_template, tmp_path, **app_config) as app:
        yield app


@pytest.fixture
def app(request, database_template, app_config, _fast_hashing):
    if app_config:
        yield request.getfixturevalue("fresh_app")
        return
    with _isolated(request.getfixturevalue("shared_app"), request, database_template) as app:
        yield app


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


@pytest.fixture
def smtp_server():
    """A real SMTP server on a free port: (inbox, port)."""
    from aiosmtpd.controller import Controller

    from tests.smtp import Inbox

    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, port
    controller.stop()


# Browser tests -------------------------------------------------------------------------


class _LiveServerRequestHandler(WSGIRequestHandler):
    timeout = 2  # an idle keep-alive connection ends, so its thread can be waited for


@pytest.fixture
def live_server(app):
    """The app served on 127.0.0.1 on a free port, sharing the test's database."""
    port = free_port()
    server = make_server(
        "127.0.0.1", port, app, threaded=True, request_handler=_LiveServerRequestHandler
    )
    # Track the request threads, so closing the server waits for the last requests: the
    # next test replaces the database file (SQLite) or truncates it (PostgreSQL).
    server.daemon_threads = False
    thread = threading.Thread(target=server.serve_forever, args=(POLL_SECONDS,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}"
    server.shutdown()
    server.server_close()
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
