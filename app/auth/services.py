"""Signing in (password, then TOTP), server-side sessions and signing out.

The services own their transactions: each public function commits once, with its
audit entries, or raises and leaves nothing written.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, select, update

from app.audit import services as audit
from app.auth import mfa
from app.auth.models import User, UserSession
from app.auth.passwords import check_password
from app.database import utcnow
from app.errors import AccountLocked, SignInFailed
from app.extensions import db

WRONG_CREDENTIALS = "Enter a correct email address and password"
LOCKED = (
    "Your account is locked because of too many failed sign-in attempts. "
    "Ask an administrator to unlock it"
)
WRONG_CODE = "The security code is not correct or has expired: enter the code your app shows now"
SESSION_TOUCH_SECONDS = 60


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def get_user(user_id) -> User | None:
    return db.session.get(User, user_id)


def _register_failure(user: User, stage: str) -> None:
    user.failed_sign_in_attempts += 1
    audit.record("user.sign_in_failed", "user", user.id, actor=user, details={"stage": stage})
    if (
        user.failed_sign_in_attempts >= current_app.config["LOCKOUT_THRESHOLD"]
        and not user.locked_at
    ):
        user.locked_at = utcnow()
        audit.record("user.locked", "user", user.id, actor=user)
    db.session.commit()


def check_credentials(email: str, password: str) -> User:
    """The first factor. Returns the user, who must still pass the second factor."""
    user = find_user_by_email(email)
    password_ok = check_password(user.password_hash if user else None, password)
    if user is None or not user.active:
        raise SignInFailed(WRONG_CREDENTIALS)
    if user.is_locked:
        raise AccountLocked(LOCKED)
    if not password_ok:
        _register_failure(user, "password")
        if user.is_locked:
            raise AccountLocked(LOCKED)
        raise SignInFailed(WRONG_CREDENTIALS)
    return user


def _accept_code(user: User, secret: str, code: str) -> bool:
    step = mfa.matching_step(secret, code, after_step=user.totp_last_step)
    if step is None:
        _register_failure(user, "mfa")
        return False
    user.totp_last_step = step
    user.failed_sign_in_attempts = 0
    return True


def _usable(user: User | None) -> User:
    if user is None or not user.active:
        raise SignInFailed(WRONG_CREDENTIALS)
    if user.is_locked:
        raise AccountLocked(LOCKED)
    return user


@dataclass
class NewSession:
    user: User
    token: str


def complete_mfa(user_id, code: str) -> NewSession:
    """The second factor, for an enrolled user. Starts the session."""
    user = _usable(db.session.get(User, user_id))
    if not user.mfa_enrolled or not _accept_code(user, user.totp_secret, code):
        if user.is_locked:
            raise AccountLocked(LOCKED)
        raise SignInFailed(WRONG_CODE, field="code")
    return _start_session(user)


def complete_enrolment(user_id, secret: str, code: str) -> NewSession:
    """First sign-in: proves the authenticator holds ``secret``, stores it, starts the session."""
    user = _usable(db.session.get(User, user_id))
    if user.mfa_enrolled:
        raise SignInFailed("Two-factor authentication is already set up", field="code")
    if not _accept_code(user, secret, code):
        if user.is_locked:
            raise AccountLocked(LOCKED)
        raise SignInFailed(WRONG_CODE, field="code")
    user.totp_secret = secret
    audit.record("user.mfa_enrolled", "user", user.id, actor=user)
    return _start_session(user)


def _start_session(user: User) -> NewSession:
    token = secrets.token_urlsafe(32)
    session = UserSession(user_id=user.id, token_hash=hash_token(token))
    db.session.add(session)
    db.session.flush()
    audit.record(
        "user.signed_in", "user", user.id, actor=user, details={"session_id": str(session.id)}
    )
    db.session.commit()
    return NewSession(user=user, token=token)


def _expiry_reason(session: UserSession, now: datetime) -> str | None:
    config = current_app.config
    if now - session.last_seen_at > timedelta(minutes=config["SESSION_IDLE_MINUTES"]):
        return "idle_timeout"
    if now - session.created_at > timedelta(hours=config["SESSION_ABSOLUTE_HOURS"]):
        return "absolute_timeout"
    if not session.user.active:
        return "user_deactivated"
    return None


def load_session(token: str, now: datetime | None = None) -> User | None:
    """The signed-in user for a session token, or None if it has ended or expired."""
    now = now or utcnow()
    session = db.session.scalar(
        select(UserSession).where(
            UserSession.token_hash == hash_token(token), UserSession.ended_at.is_(None)
        )
    )
    if session is None:
        return None
    reason = _expiry_reason(session, now)
    if reason:
        session.ended_at = now
        session.end_reason = reason
        audit.record("session.expired", "user", session.user_id, actor=session.user, reason=reason)
        db.session.commit()
        return None
    if (now - session.last_seen_at).total_seconds() > SESSION_TOUCH_SECONDS:
        session.last_seen_at = now
        db.session.commit()
    return session.user


def sign_out(token: str) -> None:
    session = db.session.scalar(
        select(UserSession).where(
            UserSession.token_hash == hash_token(token), UserSession.ended_at.is_(None)
        )
    )
    if session is None:
        return
    session.ended_at = utcnow()
    session.end_reason = "signed_out"
    audit.record("user.signed_out", "user", session.user_id, actor=session.user)
    db.session.commit()


def end_all_sessions(user: User, reason: str) -> int:
    """End every open session of ``user`` (the caller commits)."""
    result = db.session.execute(
        update(UserSession)
        .where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
        .values(ended_at=utcnow(), end_reason=reason)
    )
    return result.rowcount or 0


def open_session_count(user: User) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(UserSession)
        .where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
    )
