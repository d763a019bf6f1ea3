"""Fixtures for the evidence tests."""

from __future__ import annotations

import pytest

from app.auth.roles import Role
from tests import factories
from tests.evidence.support import World


@pytest.fixture
def world(app):
    return World.build()


@pytest.fixture
def other(app):
    """Another keyworker's case referred to another organisation."""
    return World.build(org_name="Elsewhere Recovery Service")


@pytest.fixture
def supervisor(app):
    return factories.user(Role.SUPERVISOR, name="Sam Supervisor")
