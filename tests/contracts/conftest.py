"""Fixtures for the contract tests: people, a case, signed-in browsers and API tokens.

Passwords are hashed with argon2id at the lowest cost here (the production parameters
are checked in tests/auth), so signing in many times stays quick.
"""

from __future__ import annotations

from datetime import date

import pytest
from argon2 import PasswordHasher

from app.auth import passwords
from app.auth.roles import Role
from app.auth.tokens import issue_token
from tests import factories
from tests.helpers import api_headers, sign_in

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


@pytest.fixture
def headers(keyworker):
    """The keyworker's API headers."""
    return api_headers(issue_token(keyworker, days=1).secret)


@pytest.fixture
def today(monkeypatch):
    """Fix "today" (UK) for the contract rules: ``today(date(2026, 10, 1))``."""

    def set_today(day: date) -> date:
        monkeypatch.setattr("app.contracts.services.today_in_london", lambda now=None: day)
        monkeypatch.setattr("app.api.contracts.today_in_london", lambda now=None: day)
        monkeypatch.setattr("app.contracts.views.today_in_london", lambda now=None: day)
        return day

    return set_today
