"""Fixtures for the authentication tests.

Two speed-ups, for tests that use the ``app`` fixture only (nothing the tests assert
depends on them):

* Every test gets a new app (tests/conftest.py), and so a new Jinja environment that would
  compile the GOV.UK templates again. A bytecode cache shared by this directory's apps
  keeps the compiled templates between tests; the template sources are still loaded.
* argon2id with the production parameters takes about 0.2 s of CPU a hash, and these
  tests sign in (and fail to) hundreds of times. They hash with argon2id at the lowest
  cost instead. test_passwords_and_config.py does not use ``app`` and checks the
  production parameters.
"""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher
from jinja2 import BytecodeCache

from app.auth import passwords
from tests import factories
from tests.helpers import sign_in


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
_FAST_DUMMY_HASH = _FAST_HASHER.hash("not-a-real-password-for-timing")


@pytest.fixture
def app(app, monkeypatch):
    app.jinja_env.bytecode_cache = _BYTECODE_CACHE
    monkeypatch.setattr(passwords, "_hasher", _FAST_HASHER)
    monkeypatch.setattr(passwords, "_DUMMY_HASH", _FAST_DUMMY_HASH)
    monkeypatch.setattr(factories, "_password_hash", lambda: _FAST_PASSWORD_HASH)
    return app


@pytest.fixture
def admin(app):
    return factories.user("admin", name="Ada Administrator")


@pytest.fixture
def admin_client(app, admin):
    """A browser of its own for the administrator (separate from ``client``)."""
    browser = app.test_client()
    sign_in(browser, admin)
    return browser
