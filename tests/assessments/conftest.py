"""Fixtures for the needs assessment tests.

The speed-ups every test shares (cheap argon2id, a template bytecode cache) are in
tests/conftest.py.
"""

from __future__ import annotations

import pytest

from app.auth.roles import Role
from tests import factories
from tests.helpers import sign_in


@pytest.fixture
def keyworker(app):
    return factories.user(Role.KEYWORKER, name="Kim Keyworker")


@pytest.fixture
def eligible_case(keyworker):
    return factories.case(keyworker)


@pytest.fixture
def keyworker_client(app, keyworker):
    """The keyworker, signed in to the pages."""
    client = app.test_client()
    sign_in(client, keyworker)
    return client
