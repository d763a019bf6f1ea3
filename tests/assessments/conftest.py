"""Fixtures for the needs assessment tests.

Passwords are hashed with argon2id at the lowest cost here (the production parameters
are checked in tests/auth), so signing in many times stays quick.
"""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher

from app.auth import passwords
from app.auth.roles import Role
from tests import factories
from tests.helpers import sign_in

_FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
_FAST_PASSWORD_HASH = _FAST_HASHER.hash(factories.PASSWORD)


@pytest.fixture
def app(app, monkeypatch):
    monkeypatch.setattr(passwords, "_hasher", _FAST_HASHER)
    monkeypatch.setattr(factories, "_password_hash", lambda: _FAST_PASSWORD_HASH)
    return app


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
