"""Fixtures for the consent tests.

The speed-ups every test shares (cheap argon2id, a template bytecode cache) are in
tests/conftest.py.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.auth.roles import Role
from app.auth.tokens import issue_token
from app.cases.models import CaseEvent
from app.extensions import db
from tests import factories
from tests.helpers import api_headers


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
