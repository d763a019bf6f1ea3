"""Fixtures for the consent tests.

Two speed-ups, as in tests/auth (nothing these tests assert depends on them): passwords
are hashed at the lowest argon2id cost, and compiled templates are kept between the tests'
apps in a bytecode cache.
"""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher
from jinja2 import BytecodeCache
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.auth import passwords
from app.auth.roles import Role
from app.auth.tokens import issue_token
from app.cases.models import CaseEvent
from app.extensions import db
from tests import factories
from tests.helpers import api_headers


class _MemoryBytecodeCache(BytecodeCache):
    def __init__(self):
        self._store: dict[str, bytes] = {}

    def load_bytecode(self, bucket):
        data = self._store.get(bucket.key)
        if data is not None:
            bucket.bytecode_from_string(data)

    def dump_bytecode(self, bucket):
        self._store[bucket.key] = bucket.bytecode_to_string()


_BYTECODE_CACHE = _MemoryBytecodeCache()
_FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
_FAST_PASSWORD_HASH = _FAST_HASHER.hash(factories.PASSWORD)

# Endpoints that the case header links to, owned by other features. Until each of them
# (and the consent blueprint itself) is registered by create_app, this shim stands in for
# the missing ones so that the consent pages can render. It changes nothing once they are
# all registered, and can then be deleted.
_HEADER_ENDPOINTS = {
    "cases.show": "/cases/<uuid:case_id>",
    "assessments.show": "/cases/<uuid:case_id>/assessment",
    "contracts.show": "/cases/<uuid:case_id>/contract",
}


@pytest.fixture
def app(app, monkeypatch):
    app.jinja_env.bytecode_cache = _BYTECODE_CACHE
    monkeypatch.setattr(passwords, "_hasher", _FAST_HASHER)
    monkeypatch.setattr(factories, "_password_hash", lambda: _FAST_PASSWORD_HASH)
    from app.consent.views import bp as consent_bp

    if "consent" not in app.blueprints:
        app.register_blueprint(consent_bp)
    for endpoint, rule in _HEADER_ENDPOINTS.items():
        if endpoint not in app.view_functions:
            app.add_url_rule(rule, endpoint=endpoint, view_func=lambda case_id: "")
    return app


@pytest.fixture
def keyworker(app):
    return factories.user(Role.KEYWORKER, name="Kim Keyworker")


@pytest.fixture
def case(keyworker):
    return factories.case(keyworker)


@pytest.fixture
def org(app):
    return factories.organisation(name="Hillside Housing Trust")


def headers_for(user) -> dict:
    return api_headers(issue_token(user, days=1).secret)


def audit_actions(object_id) -> list[str]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(AuditEntry.action)
            .where(AuditEntry.object_id == str(object_id))
            .order_by(AuditEntry.id)
        )
    )


def audit_count() -> int:
    db.session.expire_all()
    return len(db.session.scalars(select(AuditEntry.id)).all())


def timeline(case) -> list[CaseEvent]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.id)
        )
    )
