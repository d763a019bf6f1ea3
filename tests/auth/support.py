"""Helpers shared by the authentication tests: act as a person would, read what they see."""

from __future__ import annotations

import html
import time
from urllib.parse import parse_qs, quote, urlsplit

from sqlalchemy import select

from app.audit.models import AuditEntry
from app.auth import mfa
from app.auth.models import User, UserSession
from app.extensions import db
from tests.factories import PASSWORD, next_code
from tests.helpers import CSRF_PATTERN, csrf_token, post_form

ERROR_SUMMARY = "There is a problem"
WRONG_CREDENTIALS = "Enter a correct email address and password"
WRONG_CODE = "The security code is not correct or has expired: enter the code your app shows now"
LOCKED = "Your account is locked"
SESSION_ENDED = "You were signed out because your session ended"


def text(response) -> str:
    """The page as a person reads it (HTML entities such as &#39; decoded)."""
    return html.unescape(response.get_data(as_text=True))


def location(response) -> str:
    """The redirect target as path plus query (the test client may make it absolute)."""
    parts = urlsplit(response.headers["Location"])
    return parts.path + (f"?{parts.query}" if parts.query else "")


def sent_to_sign_in(response) -> dict[str, str]:
    """Assert a redirect to the sign-in page; return its query (``expired``, ``next``)."""
    assert response.status_code == 302, response.status_code
    parts = urlsplit(response.headers["Location"])
    assert parts.path == "/sign-in", response.headers["Location"]
    return {key: values[0] for key, values in parse_qs(parts.query).items()}


def password_step(client, email: str, password: str = PASSWORD, next_url: str | None = None):
    path = "/sign-in" if next_url is None else f"/sign-in?next={quote(next_url, safe='')}"
    return post_form(client, path, {"email": email, "password": password})


def code_step(client, code: str, path: str = "/sign-in/code"):
    return post_form(client, path, {"code": code})


def wrong_code(user: User) -> str:
    """A 6-digit code that is not valid for any step near now."""
    db.session.refresh(user)
    now = time.time()
    valid = {mfa.code_for(user.totp_secret, at=now + k * mfa.TOTP_INTERVAL) for k in range(-3, 4)}
    return next(c for c in ("000000", "123456", "999999", "424242") if c not in valid)


def signed_in_csrf_token(client) -> str:
    """A CSRF token from the signed-in person's home page (it carries the sign-out form)."""
    response = client.get("/", follow_redirects=True)
    assert response.status_code == 200, response.status_code
    match = CSRF_PATTERN.search(response.get_data(as_text=True))
    assert match, "no CSRF token on the home page"
    return match.group(1)


def sign_out(client):
    response = client.post("/sign-out", data={"csrf_token": signed_in_csrf_token(client)})
    assert response.status_code == 302
    assert location(response) == "/signed-out"
    return response


def session_sid(client) -> str | None:
    with client.session_transaction() as browser_session:
        return browser_session.get("sid")


def sessions_of(user: User) -> list[UserSession]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(UserSession)
            .where(UserSession.user_id == user.id)
            .order_by(UserSession.created_at)
        )
    )


def reload(obj):
    db.session.refresh(obj)
    return obj


def audit_entries(action: str, object_id=None) -> list[AuditEntry]:
    db.session.expire_all()
    query = select(AuditEntry).where(AuditEntry.action == action)
    if object_id is not None:
        query = query.where(AuditEntry.object_id == str(object_id))
    return list(db.session.scalars(query.order_by(AuditEntry.id)))


def user_count() -> int:
    db.session.expire_all()
    return len(db.session.scalars(select(User.id)).all())


def is_signed_in(client) -> bool:
    """True if a page that needs sign-in answers (rather than sending the person to sign in)."""
    response = client.get("/")
    return response.status_code == 302 and not location(response).startswith("/sign-in")


__all__ = [
    "PASSWORD",
    "csrf_token",
    "next_code",
    "post_form",
]
