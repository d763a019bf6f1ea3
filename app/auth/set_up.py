"""Set-up links: a new user chooses their own password, then sets up two-factor sign-in.

A user created without a password is sent a link by email (through the outbox). The link
is made when the email is sent, not when the user is created, so its random token is
never stored: only its SHA-256 is. A link works once, for 72 hours, and only while the
account has no password; every link of an account stops working once a password is set.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from app.audit import services as audit
from app.auth import services as auth_services
from app.auth.models import SetUpLink, User
from app.auth.passwords import hash_password, password_problem
from app.database import utcnow
from app.errors import DomainError, InvalidInput
from app.extensions import db
from app.notifications import services as notifications

KIND = "user.set_up"  # the outbox's kind for these emails
LINK_HOURS = 72


class SetUpLinkInvalid(DomainError):
    """``reason`` is ``unknown``, ``expired`` or ``used``."""

    code = "set_up_link_invalid"

    def __init__(self, reason: str):
        super().__init__(f"This set-up link is {reason}")
        self.reason = reason


def queue_email(user: User) -> None:
    """Queue the set-up email (the caller commits). It says only what to do; the sender
    adds the link when it sends it."""
    notifications.notify(
        user,
        KIND,
        "Set up your account",
        "An account has been made for you. Use the link below to choose your password "
        "and set up two-factor sign-in. The link works once and expires in "
        f"{LINK_HOURS} hours. If you did not expect this email, you can ignore it.",
        object_type="user",
        object_id=user.id,
    )


@dataclass
class IssuedLink:
    path: str
    link: SetUpLink


def issue_link(user: User, now: datetime | None = None) -> IssuedLink:
    """A new link for the email being sent (the sender commits it with the send)."""
    now = now or utcnow()
    token = secrets.token_urlsafe(32)
    link = SetUpLink(
        user_id=user.id,
        token_hash=auth_services.hash_token(token),
        created_at=now,
        expires_at=now + timedelta(hours=LINK_HOURS),
    )
    db.session.add(link)
    db.session.flush()
    return IssuedLink(path=f"/set-up?token={token}", link=link)


def find_link(token: str, now: datetime | None = None) -> SetUpLink:
    """The usable link for ``token``, or SetUpLinkInvalid saying why not."""
    now = now or utcnow()
    link = db.session.scalar(
        select(SetUpLink).where(SetUpLink.token_hash == auth_services.hash_token(token))
    )
    if link is None or not link.user.active:
        raise SetUpLinkInvalid("unknown")
    if link.used_at is not None or link.user.password_hash is not None:
        raise SetUpLinkInvalid("used")
    if now >= link.expires_at:
        raise SetUpLinkInvalid("expired")
    return link


def choose_password(token: str, password: str, confirm: str) -> str:
    """Set the password through a link; returns the token of the pending sign-in that
    continues with two-factor set-up."""
    link = find_link(token)
    problem = password_problem(password or "")
    if problem:
        raise InvalidInput({"password": problem})
    if password != confirm:
        raise InvalidInput({"confirm": "Enter the same password in both boxes"})
    user = link.user
    link.used_at = utcnow()
    user.password_hash = hash_password(password)
    audit.record("user.password_set", "user", user.id, actor=user)
    try:
        db.session.commit()
    except StaleDataError:  # the same form sent twice at once: the other one won
        db.session.rollback()
        raise SetUpLinkInvalid("used") from None
    return auth_services.begin_pending(user)
