"""Fixtures for the victim liaison tests: people in each role."""

from __future__ import annotations

import pytest

from app.auth.roles import Role
from tests import factories


@pytest.fixture
def keyworker(app):
    return factories.user(Role.KEYWORKER, name="Kim Keyworker")


@pytest.fixture
def supervisor(app):
    return factories.user(Role.SUPERVISOR, name="Sam Supervisor")


@pytest.fixture
def liaison_officer(app):
    return factories.user(Role.VICTIM_LIAISON, name="Lee Liaison")
