"""What a keyworker has read: the one stored fact the work queue needs that no other
record holds. Everything else in the queue is worked out from the records themselves."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from app.database import UTCDateTime, utcnow
from app.extensions import db


class ReferralRead(db.Model):
    """When a user last opened a referral's page. A partner's update or a decline after
    that time is "not yet read" by them."""

    __tablename__ = "referral_reads"

    user_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id"), primary_key=True)
    referral_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("referrals.id"), primary_key=True, index=True
    )
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
