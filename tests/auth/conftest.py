"""Fixtures for the authentication tests.

The speed-ups every test shares (cheap argon2id, a template bytecode cache) are in
tests/conftest.py.
"""

from __future__ import annotations

import pytest

from tests import factories
from tests.helpers import sign_in


@pytest.fixture
def admin(app):
    return factories.user("admin", name="Ada Administrator")


@pytest.fixture
def admin_client(app, admin):
    """A browser of its own for the administrator (separate from ``client``)."""
    browser = app.test_client()
    sign_in(browser, admin)
    return browser
