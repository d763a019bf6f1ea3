"""Bearer tokens for the JSON API: shown once, stored as a SHA-256 hash, always expiring.

A user creates, lists and revokes their own tokens on the "Your API tokens" page; an
administrator may also list and revoke anyone's (the user's page) and issue them (the
API, the command line). A token acts with its user's role and organisation.
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app, g, has_app_context
from sqlalchemy import select

from app.audit import services as audit
from app.auth.models import ApiToken, User
from app.auth.roles import Role
from app.auth.services import hash_token
from app.database import utcnow
from app.errors import NotFound, ValidationFailed
from app.extensions import db

TOKEN_PREFIX = "voh_"  # noqa: S105 - a prefix that lets secret scanners recognise our tokens
MIN_DAYS = 1
MAX_DAYS = 365
DEFAULT_DAYS = 90
NAME_MAX = 100
LAST_USED_RESOLUTION_SECONDS = 60


@dataclass
class IssuedToken:
    token: ApiToken
    secret: str


def default_days() -> int:
    if has_app_context():
        return int(current_app.config.get("API_TOKEN_DEFAULT_DAYS", DEFAULT_DAYS))
    return DEFAULT_DAYS


def status_of(token: ApiToken, now=None) -> str:
    """``active``, ``expired`` or ``revoked``."""
    now = now or utcnow()
    if token.revoked_at is not None:
        return "revoked"
    if token.expires_at is not None and token.expires_at <= now:
        return "expired"
    return "active"


def issue_token(
    user: User, *, days: int | None = None, name: str = "API token", actor=None
) -> IssuedToken:
    """A new token for ``user``, expiring after ``days`` (default: the configured 90)."""
    if days is None:
        days = default_days()
    if not (MIN_DAYS <= days <= MAX_DAYS):
        raise ValidationFailed(f"Days must be between {MIN_DAYS} and {MAX_DAYS}", field="days")
    name = (name or "").strip()
    if not name:
        raise ValidationFailed("Enter a name for the token", field="name")
    if len(name) > NAME_MAX:
        raise ValidationFailed(f"Name must be {NAME_MAX} characters or fewer", field="name")
    if not user.active:
        raise ValidationFailed("The user is deactivated", field="email")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=user.id,
        name=name,
        token_hash=hash_token(secret),
        expires_at=utcnow() + timedelta(days=days),
    )
    db.session.add(token)
    db.session.flush()
    audit.record(
        "api_token.created",
        "api_token",
        token.id,
        actor=actor,
        details={"user_id": str(user.id), "days": days},
    )
    db.session.commit()
    return IssuedToken(token=token, secret=secret)


def user_for_token(secret: str) -> User | None:
    """The active user a valid, unexpired, unrevoked token belongs to.

    The token itself is kept on ``g.api_token`` for the request (the rate limit is
    counted per token).
    """
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(secret)))
    now = utcnow()
    if token is None or status_of(token, now) != "active":
        return None
    if not token.user.active or token.user.is_locked:
        return None
    if (
        token.last_used_at is None
        or (now - token.last_used_at).total_seconds() > LAST_USED_RESOLUTION_SECONDS
    ):
        token.last_used_at = now
        db.session.commit()
    if has_app_context():
        g.api_token_id = token.id
    return token.user


def tokens_of(user: User, *, actor) -> list[ApiToken]:
    """A user's tokens, newest first: their own, or anyone's for an administrator."""
    if actor.id != user.id and actor.role != Role.ADMIN.value:
        raise NotFound("No such user")
    return list(
        db.session.scalars(
            select(ApiToken)
            .where(ApiToken.user_id == user.id)
            .order_by(ApiToken.created_at.desc(), ApiToken.id)
        )
    )


def get_token_for(actor, token_id: uuid.UUID) -> ApiToken:
    """One token its owner (or an administrator) may see; anyone else: NotFound."""
    token = db.session.get(ApiToken, token_id)
    if token is None:
        raise NotFound("No such token")
    if token.user_id != actor.id and actor.role != Role.ADMIN.value:
        raise NotFound("No such token")
    return token


def revoke_token(token_id, *, actor) -> ApiToken:
    """Revoke a token at once. Its owner or an administrator (``actor=None``: the
    command line)."""
    token = db.session.get(ApiToken, token_id) if actor is None else None
    if actor is not None:
        token = get_token_for(actor, token_id)
    if token is None:
        raise NotFound("No such token")
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        audit.record(
            "api_token.revoked",
            "api_token",
            token.id,
            actor=actor,
            details={"user_id": str(token.user_id)},
        )
        db.session.commit()
    return token
