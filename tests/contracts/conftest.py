"""Fixtures for the contract tests: people, a case, signed-in browsers and API tokens.

The speed-ups every test shares (cheap argon2id, a template bytecode cache) are in
tests/conftest.py.
"""

from __future__ import annotations

from datetime import date

import pytest

from app.auth.roles import Role
from app.auth.tokens import issue_token
from tests import factories
from tests.helpers import api_headers, sign_in


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
        monkeypatch.setattr("app.contracts.progress.today_in_london", lambda now=None: day)
        monkeypatch.setattr("app.api.contracts.today_in_london", lambda now=None: day)
        monkeypatch.setattr("app.contracts.views.today_in_london", lambda now=None: day)
        return day

    return set_today
