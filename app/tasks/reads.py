"""Marking a referral read: when a keyworker opens a referral's page, the partner's
updates and declines on it so far are no longer "not yet read" in their work queue."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from app.database import utcnow
from app.extensions import db
from app.tasks import navigation
from app.tasks.models import ReferralRead


def mark_referral_read(user, referral_id: uuid.UUID, at: datetime | None = None) -> None:
    """Record that ``user`` has read the referral up to ``at`` (default: now). The caller
    has already checked that the user may see it. Commits."""
    at = at or utcnow()
    changed = db.session.execute(
        update(ReferralRead)
        .where(ReferralRead.user_id == user.id, ReferralRead.referral_id == referral_id)
        .values(seen_at=at)
        .execution_options(synchronize_session=False)
    )
    if changed.rowcount == 0:
        try:
            with db.session.begin_nested():
                db.session.add(ReferralRead(user_id=user.id, referral_id=referral_id, seen_at=at))
        except IntegrityError:
            # The same person opened it twice at once: the other request marked it.
            pass
    db.session.commit()
    navigation.forget(user)
