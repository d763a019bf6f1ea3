"""Fixtures for the case tests: people in each role and their signed-in browsers.

The speed-ups every test shares (cheap argon2id, a template bytecode cache) are in
tests/conftest.py.
"""

from __future__ import annotations

import pytest

from app.auth.roles import Role
from tests import factories
from tests.cases.support import browser_for


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
