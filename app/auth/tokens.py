"""Bearer tokens for the JSON API: shown once, stored as a SHA-256 hash."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select

from app.audit import services as audit
from app.auth.models import ApiToken, User
from app.auth.services import hash_token
from app.database import utcnow
from app.errors import NotFound, ValidationFailed
from app.extensions import db

TOKEN_PREFIX = "voh_"  # noqa: S105 - a prefix that lets secret scanners recognise our tokens
MAX_DAYS = 366


@dataclass
class IssuedToken:
    token: ApiToken
    secret: str


def issue_token(
    user: User, *, days: int | None, name: str = "API token", actor=None
) -> IssuedToken:
    if days is not None and not (1 <= days <= MAX_DAYS):
        raise ValidationFailed(f"Days must be between 1 and {MAX_DAYS}", field="days")
    if not user.active:
        raise ValidationFailed("The user is deactivated", field="email")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=user.id,
        name=name,
        token_hash=hash_token(secret),
        expires_at=utcnow() + timedelta(days=days) if days else None,
    )
    db.session.add(token)
    db.session.flush()
    audit.record(
        "api_token.created", "api_token", token.id, actor=actor, details={"user_id": str(user.id)}
    )
    db.session.commit()
    return IssuedToken(token=token, secret=secret)


def user_for_token(secret: str) -> User | None:
    """The active user a valid, unexpired, unrevoked token belongs to."""
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(secret)))
    now = utcnow()
    if token is None or token.revoked_at is not None:
        return None
    if token.expires_at is not None and token.expires_at <= now:
        return None
    if not token.user.active or token.user.is_locked:
        return None
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        token.last_used_at = now
        db.session.commit()
    return token.user


def revoke_token(token_id, *, actor) -> ApiToken:
    token = db.session.get(ApiToken, token_id)
    if token is None:
        raise NotFound("No such token")
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        audit.record("api_token.revoked", "api_token", token.id, actor=actor)
        db.session.commit()
    return token
