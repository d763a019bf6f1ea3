"""Fixtures for the case tests: people in each role and their signed-in browsers.

Two speed-ups, as in tests/auth: compiled templates are kept between this directory's
apps (a Jinja bytecode cache), and passwords are hashed at the lowest argon2id cost (the
production parameters are checked in tests/auth). Nothing these tests assert depends on
either.
"""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher
from jinja2 import BytecodeCache

from app.auth import passwords
from app.auth.roles import Role
from tests import factories
from tests.cases.support import browser_for


class _MemoryBytecodeCache(BytecodeCache):
    def __init__(self):
        self._store: dict[str, bytes] = {}

    def load_bytecode(self, bucket):
        data = self._store.get(bucket.key)
        if data is not None:
            bucket.bytecode_from_string(data)

    def dump_bytecode(self, bucket):
        self._store[bucket.key] = bucket.bytecode_to_string()


_BYTECODE_CACHE = _MemoryBytecodeCache()
_FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
_FAST_PASSWORD_HASH = _FAST_HASHER.hash(factories.PASSWORD)


@pytest.fixture
def app(app, monkeypatch):
    app.jinja_env.bytecode_cache = _BYTECODE_CACHE
    monkeypatch.setattr(passwords, "_hasher", _FAST_HASHER)
    monkeypatch.setattr(factories, "_password_hash", lambda: _FAST_PASSWORD_HASH)
    return app


@pytest.fixture
def keyworker(app):
    return factories.user(Role.KEYWORKER, name="Kim Keyworker")


@pytest.fixture
def supervisor(app):
    return factories.user(Role.SUPERVISOR, name="Sam Supervisor")


@pytest.fixture
def keyworker_client(app, keyworker):
    return browser_for(app, keyworker)


@pytest.fixture
def supervisor_client(app, supervisor):
    return browser_for(app, supervisor)
