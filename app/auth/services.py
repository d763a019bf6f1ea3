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
from sqlalchemy import delete, func, select, update

from app.audit import services as audit
from app.auth import mfa, throttle
from app.auth.models import PendingSignIn, User, UserSession
from app.auth.passwords import check_password
from app.database import utcnow
from app.errors import SignInFailed
from app.extensions import db

WRONG_CREDENTIALS = "Enter a correct email address and password"
WRONG_CODE = "The security code is not correct or has expired: enter the code your app shows now"
SESSION_TOUCH_SECONDS = 60
PENDING_SECONDS = 300  # time allowed between the password and the code


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def _register_failure(keys: list[throttle.Key], user: User | None, stage: str) -> None:
    throttle.record_failure(keys)
    if user is not None:
        audit.record("user.sign_in_failed", "user", user.id, actor=user, details={"stage": stage})
    db.session.commit()


def check_credentials(email: str, password: str, *, address: str | None) -> User:
    """The first factor. Returns the user, who must still pass the second factor.

    Every refusal looks the same, whether or not the email has an account, and whether
    that account is deactivated or locked: the same message, after the same work. Failures
    count towards the throttle of the email typed and of the client's address, so it slows
    unknown emails exactly as it slows known ones.
    """
    keys = throttle.keys_for(email=email, address=address)
    throttle.check(keys)  # raises SignInThrottled
    user = find_user_by_email(email)
    password_ok = check_password(user.password_hash if user else None, password)
    if user is None or not user.active or user.is_locked or not password_ok:
        _register_failure(keys, user, "password")
        raise SignInFailed(WRONG_CREDENTIALS)
    return user


def _usable(user: User | None) -> User:
    if user is None or not user.active or user.is_locked:
        raise SignInFailed(WRONG_CREDENTIALS)
    return user


def _second_factor(pending: PendingSignIn, secret: str | None, code: str, address) -> User:
    """Check a code for the pending sign-in's user (throttled like the password)."""
    user = _usable(pending.user)
    keys = throttle.keys_for(email=user.email, address=address)
    throttle.check(keys)  # raises SignInThrottled
    step = mfa.matching_step(secret, code, after_step=user.totp_last_step) if secret else None
    if step is None:
        _register_failure(keys, user, "mfa")
        raise SignInFailed(WRONG_CODE, field="code")
    user.totp_last_step = step
    # Only the account's count: the address's would let an insider reset it between
    # rounds of guessing at other accounts by signing in to their own.
    throttle.clear([throttle.account_key(user.email)])
    return user


@dataclass
class NewSession:
    user: User
    token: str


def begin_pending(user: User) -> str:
    """After the password: a pending sign-in, named by the random token returned (for the
    cookie). The user it is for, and any secret being set up, stay on the server."""
    token = secrets.token_urlsafe(32)
    stale = utcnow() - timedelta(seconds=PENDING_SECONDS)
    db.session.execute(delete(PendingSignIn).where(PendingSignIn.created_at < stale))
    db.session.add(PendingSignIn(user_id=user.id, token_hash=hash_token(token)))
    db.session.commit()
    return token


def find_pending(token: str | None, now: datetime) -> PendingSignIn | None:
    """The pending sign-in for a cookie's token, if it is less than five minutes old."""
    if not token:
        return None
    pending = db.session.scalar(
        select(PendingSignIn).where(PendingSignIn.token_hash == hash_token(token))
    )
    if pending is None or now - pending.created_at > timedelta(seconds=PENDING_SECONDS):
        return None
    return pending


def enrol_secret(pending: PendingSignIn) -> str:
    """The secret to set up, made once per pending sign-in (so a reload shows the same)."""
    if pending.enrol_secret is None:
        pending.enrol_secret = mfa.new_secret()
        db.session.commit()
    return pending.enrol_secret


def complete_mfa(pending: PendingSignIn, code: str, *, address: str | None) -> NewSession:
    """The second factor, for an enrolled user. Starts the session."""
    user = _usable(pending.user)
    if not user.mfa_enrolled:
        raise SignInFailed(WRONG_CODE, field="code")
    user = _second_factor(pending, user.totp_secret, code, address)
    return _start_session(user, pending)


def complete_enrolment(pending: PendingSignIn, code: str, *, address: str | None) -> NewSession:
    """First sign-in: proves the authenticator holds the secret shown, stores it, starts
    the session."""
    user = _usable(pending.user)
    if user.mfa_enrolled:
        raise SignInFailed("Two-factor authentication is already set up", field="code")
    secret = pending.enrol_secret
    user = _second_factor(pending, secret, code, address)
    user.totp_secret = secret
    audit.record("user.mfa_enrolled", "user", user.id, actor=user)
    return _start_session(user, pending)


def _start_session(user: User, pending: PendingSignIn) -> NewSession:
    db.session.delete(pending)  # used once
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
