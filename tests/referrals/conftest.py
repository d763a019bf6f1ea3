"""Fixtures for the referral tests."""

from __future__ import annotations

import pytest

from app.auth.roles import Role
from tests import factories
from tests.referrals import support


@pytest.fixture
def world(app):
    """A keyworker's active case with a contract and an initial assessment, a partner
    organisation with two users, consent to share everything with it, and a sent referral."""
    return support.World.build()


@pytest.fixture
def other_org(app):
    """A second partner organisation with its own user and its own referral (from a case
    of another keyworker): never visible to the first."""
    return support.World.build(org_name="Elsewhere Recovery Service")


@pytest.fixture
def supervisor(app):
    return factories.user(Role.SUPERVISOR, name="Sam Supervisor")
