"""Fixtures for the partners tests.

Like tests/auth, passwords are hashed at the lowest argon2id cost here: these tests sign
in many times and assert nothing about hashing.
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
    # Until create_app registers the partners pages, register them here. This changes
    # nothing once it does, and can then be deleted.
    from app.partners.views import bp as partners_bp

    if "partners" not in app.blueprints:
        app.register_blueprint(partners_bp)
    return app


@pytest.fixture
def admin(app):
    return factories.user(Role.ADMIN, name="Ada Administrator")


@pytest.fixture
def admin_client(app, admin):
    browser = app.test_client()
    sign_in(browser, admin)
    return browser
