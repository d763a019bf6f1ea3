"""Fixtures for the authentication tests.

Every test gets a new app (tests/conftest.py), and so a new Jinja environment that would
compile the GOV.UK templates again. A bytecode cache shared by this directory's apps keeps
the compiled templates between tests; the template sources are still loaded and checked.
"""

from __future__ import annotations

import pytest
from jinja2 import BytecodeCache

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


@pytest.fixture
def app(app):
    app.jinja_env.bytecode_cache = _BYTECODE_CACHE
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
