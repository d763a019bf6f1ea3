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
    """Queue a message for one active user (the caller commits)."""
    if recipient is None or not recipient.active:
        return None
    notification = Notification(
        id=uuid.uuid4(),
        recipient_id=recipient.id,
        kind=kind,
        subject=subject,
        body=body,
        link_path=link_path,
        object_type=object_type,
        object_id=str(object_id) if object_id is not None else None,
    )
    db.session.add(notification)
    after_commit("notifications.deliver", notification.id)
    return notification


def notify_all(recipients: Iterable[User], kind: str, subject: str, body: str, **kwargs) -> int:
    return sum(1 for r in recipients if notify(r, kind, subject, body, **kwargs) is not None)


def organisation_users(organisation_id) -> list[User]:
    """The active partner users of an organisation, who hear about its referrals."""
    return list(
        db.session.scalars(
            select(User).where(User.organisation_id == organisation_id, User.active.is_(True))
        )
    )
