"""Test data and helpers for the partners tests (the shared factories are in tests/factories)."""

from __future__ import annotations

import html

from sqlalchemy import select

from app.audit.models import AuditEntry
from app.auth.models import User
from app.auth.roles import Role
from app.auth.tokens import issue_token
from app.extensions import db
from app.partners.models import Organisation
from tests import factories
from tests.helpers import api_headers

ERROR_SUMMARY = "There is a problem"


def lead(org: Organisation | None = None, **fields) -> User:
    """A partner user who leads their organisation."""
    org = org or factories.organisation()
    return factories.user(Role.PARTNER, organisation_id=org.id, is_organisation_lead=True, **fields)


def partner(org: Organisation, **fields) -> User:
    return factories.user(Role.PARTNER, organisation_id=org.id, **fields)


def text(response) -> str:
    """The page as a person reads it (HTML entities decoded)."""
    return html.unescape(response.get_data(as_text=True))


def headers_for(user) -> dict:
    return api_headers(issue_token(user, days=1).secret)


def reload(obj):
    db.session.expire_all()
    return db.session.get(type(obj), obj.id)


def organisation_named(name: str) -> Organisation | None:
    db.session.expire_all()
    return db.session.scalar(select(Organisation).where(Organisation.name == name))


def organisation_count() -> int:
    db.session.expire_all()
    return len(db.session.scalars(select(Organisation.id)).all())


def audit_entries(action: str, object_id=None) -> list[AuditEntry]:
    db.session.expire_all()
    query = select(AuditEntry).where(AuditEntry.action == action)
    if object_id is not None:
        query = query.where(AuditEntry.object_id == str(object_id))
    return list(db.session.scalars(query.order_by(AuditEntry.id)))
