"""The outbox mechanism shared by the email and webhook senders: a row per message with a
``status`` and a ``next_attempt_at``, found when due and claimed one at a time.

Each sender owns what a message is and how it is sent; this module owns only how a due
message is found and claimed, so that several workers never send the same one: on
PostgreSQL the claim is ``FOR UPDATE SKIP LOCKED``, so a row another sender holds is
skipped (SQLite has one writer at a time).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from app.extensions import db

PENDING = "pending"  # each outbox's DeliveryStatus.PENDING


def due_ids(model, now: datetime, limit: int) -> list:
    """The ids of ``model``'s messages due at ``now``, the longest waiting first."""
    return list(
        db.session.scalars(
            select(model.id)
            .where(model.status == PENDING, model.next_attempt_at <= now)
            .order_by(model.next_attempt_at, model.id)
            .limit(limit)
        )
    )


def claim(model, row_id, now: datetime):
    """Lock one due message for this sender: the row, or None if it is not due any more or
    another sender holds it."""
    query = select(model).where(
        model.id == row_id, model.status == PENDING, model.next_attempt_at <= now
    )
    if db.session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True, of=model)
    return db.session.scalar(query)
