"""Webhook endpoints of partner organisations, and the outbox of their deliveries."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, Integer, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.encryption import EncryptedString
from app.database import UTCDateTime, UUIDPrimaryKey, utcnow
from app.extensions import db


class EventType(StrEnum):
    REFERRAL_SENT = "referral.sent"
    REFERRAL_UPDATED = "referral.updated"
    REFERRAL_ON_HOLD = "referral.on_hold"
    REFERRAL_CANCELLED = "referral.cancelled"
    APPOINTMENT_CHANGED = "appointment.changed"


TEST_EVENT = "webhook.test"  # sent only by "send a test event", to one endpoint

EVENT_DESCRIPTIONS = {
    EventType.REFERRAL_SENT: "A keyworker sent your organisation a new referral",
    EventType.REFERRAL_UPDATED: (
        "A referral changed status (other than on hold or cancelled), its worker changed, "
        "or an update was posted on it"
    ),
    EventType.REFERRAL_ON_HOLD: "A referral was put on hold (consent withdrawn or expired)",
    EventType.REFERRAL_CANCELLED: "The keyworker cancelled a referral",
    EventType.APPOINTMENT_CHANGED: (
        "An appointment on one of your referrals was booked, rescheduled or had its "
        "attendance recorded or corrected"
    ),
}


class DeliveryStatus(StrEnum):
    PENDING = "pending"  # not yet delivered: waiting for its first or next attempt
    DELIVERED = "delivered"
    FAILED = "failed"  # gave up after the last attempt


class WebhookEndpoint(UUIDPrimaryKey, db.Model):
    __tablename__ = "webhook_endpoints"
    __table_args__ = (
        Index("ix_webhook_endpoints_organisation_id_updated_at", "organisation_id", "updated_at"),
    )

    organisation_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("organisations.id"))
    url: Mapped[str] = mapped_column(String(2000))
    events: Mapped[list[str]] = mapped_column(JSON, default=list)
    # The signing secret (``whsec_`` + base64), encrypted at rest; shown once.
    secret: Mapped[str] = mapped_column(EncryptedString(500))
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    secret_rotated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Deleted endpoints are kept (their deliveries are history) but receive nothing.
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class WebhookDelivery(UUIDPrimaryKey, db.Model):
    """One event for one endpoint: the outbox row that the delivery task sends.

    ``payload`` is the exact body, fixed when the event happened, so every attempt sends
    the same bytes under the same ``webhook-id`` (the receiver can de-duplicate)."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'delivered', 'failed')", name="status_known"),
        Index("ix_webhook_deliveries_status_next_attempt_at", "status", "next_attempt_at"),
        Index("ix_webhook_deliveries_endpoint_id_created_at", "endpoint_id", "created_at"),
        Index("ix_webhook_deliveries_endpoint_id_updated_at", "endpoint_id", "updated_at"),
    )

    endpoint_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("webhook_endpoints.id"))
    event_type: Mapped[str] = mapped_column(String(40))
    object_type: Mapped[str] = mapped_column(String(20))
    object_id: Mapped[str] = mapped_column(String(64))
    payload: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default=DeliveryStatus.PENDING.value)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_status_code: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    endpoint = relationship("WebhookEndpoint", lazy="joined")
