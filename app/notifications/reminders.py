"""Reminders: notifications the daily jobs write, each about one object, and each once.

A reminder is an ordinary notification (the outbox; no personal data; a link to sign in
and see the object) whose ``kind`` says what it reminds of and whose ``object_id`` names
the object, so the notifications already written are the record of what has been
reminded: no table of its own. Each feature keeps its reminder next to its rules
(app.evidence.reminders, app.victims.reminders, app.outcomes.reminders,
app.consent.reminders); this module walks the candidates for them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import Row, Select, func, select

from app.auth.models import User
from app.auth.roles import Role
from app.extensions import db
from app.notifications.models import Notification

BATCH = 200


def remind_once(
    kind: str,
    query: Select,
    id_column,
    remind: Callable[[Row], int],
    *,
    since: Callable[[Row], datetime] | None = None,
) -> int:
    """Call ``remind(row)`` for each row of ``query`` whose object (``id_column``) has had
    no ``kind`` notification yet (or, with ``since``, none written since ``since(row)``).
    ``remind`` writes the notifications and returns how many it wrote.

    Rows come in batches by id, each committed with its notifications. On PostgreSQL a
    batch's rows are locked and rows another run holds are skipped (``SKIP LOCKED``), so
    two runs at once never write the same reminder; run again, a job finds nothing new.
    Returns the number of objects reminded of."""
    reminded = 0
    last_id = None
    postgres = db.session.get_bind().dialect.name == "postgresql"
    while True:
        page = query.order_by(id_column).limit(BATCH)
        if last_id is not None:
            page = page.where(id_column > last_id)
        if postgres:
            page = page.with_for_update(skip_locked=True, of=id_column.class_)
        rows = db.session.execute(page).all()
        if not rows:
            db.session.commit()
            return reminded
        previous = _last_reminded(kind, [row[0] for row in rows])
        for row in rows:
            last = previous.get(str(row[0]))
            if last is not None and (since is None or last >= since(row)):
                continue
            if remind(row):
                reminded += 1
        last_id = rows[-1][0]
        db.session.commit()


def _last_reminded(kind: str, ids) -> dict[str, datetime]:
    return dict(
        db.session.execute(
            select(Notification.object_id, func.max(Notification.created_at))
            .where(Notification.kind == kind, Notification.object_id.in_([str(i) for i in ids]))
            .group_by(Notification.object_id)
        ).all()
    )


def active_users(role: Role) -> list[User]:
    return list(
        db.session.scalars(select(User).where(User.role == role.value, User.active.is_(True)))
    )
