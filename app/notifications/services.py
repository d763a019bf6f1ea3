"""Writing notifications to the outbox, inside the caller's transaction.

A notification is committed with the change it announces, or not at all; once that
transaction commits, the ``notifications.deliver`` task sends it (app.notifications.sender,
which retries until it succeeds). Subjects and bodies say only what happened and where
to look: never personal data.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from sqlalchemy import select

from app.auth.models import User
from app.extensions import db
from app.jobs.queue import after_commit
from app.notifications.models import Notification
from app.notifications.preferences import turned_off


def notify(
    recipient: User,
    kind: str,
    subject: str,
    body: str,
    *,
    link_path: str | None = None,
    object_type: str | None = None,
    object_id=None,
) -> Notification | None:
    """Queue a message for one active user who has not turned this kind off (the caller
    commits)."""
    if recipient is None or not recipient.active or recipient.id in turned_off(kind, [recipient]):
        return None
    return _queue(
        kind,
        subject,
        body,
        recipient_id=recipient.id,
        link_path=link_path,
        object_type=object_type,
        object_id=object_id,
    )


def notify_address(
    address: str,
    kind: str,
    subject: str,
    body: str,
    *,
    organisation_id,
    link_path: str | None = None,
    object_type: str | None = None,
    object_id=None,
) -> Notification:
    """Queue a message for an address that is no user's: ``organisation_id``'s referral
    address. The same rules: no personal data, a link to sign in."""
    return _queue(
        kind,
        subject,
        body,
        address=address,
        organisation_id=organisation_id,
        link_path=link_path,
        object_type=object_type,
        object_id=object_id,
    )


def _queue(kind, subject, body, *, link_path, object_type, object_id, **to) -> Notification:
    notification = Notification(
        id=uuid.uuid4(),
        kind=kind,
        subject=subject,
        body=body,
        link_path=link_path,
        object_type=object_type,
        object_id=str(object_id) if object_id is not None else None,
        **to,
    )
    db.session.add(notification)
    after_commit("notifications.deliver", notification.id)
    return notification


def notify_all(recipients: Iterable[User], kind: str, subject: str, body: str, **kwargs) -> int:
    recipients = [r for r in recipients if r is not None and r.active]
    off = turned_off(kind, recipients)
    return sum(
        1
        for r in recipients
        if r.id not in off
        and _queue(kind, subject, body, recipient_id=r.id, **_where(kwargs)) is not None
    )


def _where(kwargs: dict) -> dict:
    return {
        "link_path": kwargs.get("link_path"),
        "object_type": kwargs.get("object_type"),
        "object_id": kwargs.get("object_id"),
    }


def organisation_users(organisation_id) -> list[User]:
    """The active partner users of an organisation, who hear about its referrals."""
    return list(
        db.session.scalars(
            select(User).where(User.organisation_id == organisation_id, User.active.is_(True))
        )
    )
