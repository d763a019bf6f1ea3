"""Fixtures for the partners tests.

The speed-ups every test shares (cheap argon2id, a template bytecode cache) are in
tests/conftest.py.
"""

from __future__ import annotations

import pytest

from app.auth.roles import Role
from tests import factories
from tests.helpers import sign_in


@pytest.fixture
def admin(app):
    return factories.user(Role.ADMIN, name="Ada Administrator")


@pytest.fixture
def admin_client(app, admin):
    browser = app.test_client()
    sign_in(browser, admin)
    return browser
