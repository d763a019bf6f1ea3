"""Referrals (warm introductions), their history of moves, and partners' updates."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    Uuid,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.database import UTCDateTime, UUIDPrimaryKey, utcnow
from app.extensions import db


class ReferralStatus(StrEnum):
    SENT = "sent"
    ACKNOWLEDGED = "acknowledged"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    ON_HOLD = "on_hold"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


OPEN_STATUSES = frozenset(
    {
        ReferralStatus.SENT,
        ReferralStatus.ACKNOWLEDGED,
        ReferralStatus.ACCEPTED,
        ReferralStatus.IN_PROGRESS,
    }
)
OPEN_VALUES = ", ".join(f"'{s.value}'" for s in sorted(OPEN_STATUSES))
CLOSED_STATUSES = frozenset(
    {ReferralStatus.DECLINED, ReferralStatus.COMPLETED, ReferralStatus.CANCELLED}
)


class IntroductionMethod(StrEnum):
    THREE_WAY_CALL = "three_way_call"
    JOINT_MEETING = "joint_meeting"
    ACCOMPANIED_FIRST_VISIT = "accompanied_first_visit"
    INTRODUCTION_EMAIL = "introduction_email"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class DeclineReason(StrEnum):
    NO_CAPACITY = "no_capacity"
    NOT_ELIGIBLE = "not_eligible_for_service"
    OUTSIDE_AREA = "outside_area"
    PERSON_DECLINED = "person_declined"
    OTHER = "other"


class ReferralOutcome(StrEnum):
    ACHIEVED = "achieved"
    PARTIALLY_ACHIEVED = "partially_achieved"
    NOT_ACHIEVED = "not_achieved"


referral_conditions = Table(
    "referral_conditions",
    db.metadata,
    Column("referral_id", Uuid, ForeignKey("referrals.id"), primary_key=True),
    Column("condition_id", Uuid, ForeignKey("conditions.id"), primary_key=True),
    # A condition's evidence: its referrals (the primary key leads with the referral).
    Index("ix_referral_conditions_condition_id", "condition_id"),
)


def _values(enum) -> str:
    return ", ".join(f"'{member.value}'" for member in enum)


class Referral(UUIDPrimaryKey, db.Model):
    __tablename__ = "referrals"
    __table_args__ = (
        CheckConstraint(f"status IN ({_values(ReferralStatus)})", name="status_known"),
        Index("ix_referrals_organisation_id_status", "organisation_id", "status"),
        Index("ix_referrals_organisation_id_updated_at", "organisation_id", "updated_at"),
        # The hourly checks walk the open referrals only (a few percent of them all).
        Index(
            "ix_referrals_open",
            "id",
            postgresql_where=text(f"status IN ({OPEN_VALUES})"),
            sqlite_where=text(f"status IN ({OPEN_VALUES})"),
        ),
        # The keyworkers' "partner updates and declines not yet read" (app.referrals.news).
        Index(
            "ix_referrals_partner_news",
            "case_id",
            postgresql_where=text("partner_news_at IS NOT NULL"),
            sqlite_where=text("partner_news_at IS NOT NULL"),
        ),
    )

    case_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("cases.id"), index=True)
    organisation_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("organisations.id"))
    status: Mapped[str] = mapped_column(String(20))
    need: Mapped[str] = mapped_column(String(500))
    message: Mapped[str | None] = mapped_column(Text)
    introduction_method: Mapped[str | None] = mapped_column(String(40))
    introduction_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The categories shared, and a snapshot of their content, taken at sending. The
    # snapshot is shown to the partner only while a current consent still covers it.
    shared_categories: Mapped[list[str]] = mapped_column(JSON, default=list)
    shared_snapshot: Mapped[dict] = mapped_column(JSON, default=dict)
    acknowledge_by: Mapped[date] = mapped_column(Date)
    sent_by_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id"))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decline_reason: Mapped[str | None] = mapped_column(String(40))
    decline_details: Mapped[str | None] = mapped_column(Text)
    outcome: Mapped[str | None] = mapped_column(String(30))
    assigned_worker_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("users.id"))
    # The status a referral returns to when it comes off hold.
    held_from_status: Mapped[str | None] = mapped_column(String(20))
    overdue_notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the partner last had news for the keyworker: kept by app.referrals.news.
    partner_news_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    case = relationship("Case", lazy="select")
    organisation = relationship("Organisation", lazy="joined")
    sent_by = relationship("User", foreign_keys=[sent_by_id], lazy="select")
    assigned_worker = relationship("User", foreign_keys=[assigned_worker_id], lazy="select")
    conditions = relationship("Condition", secondary=referral_conditions, lazy="select")
    transitions = relationship(
        "ReferralTransition",
        back_populates="referral",
        order_by="ReferralTransition.id",
        lazy="select",
    )
    updates = relationship(
        "ReferralUpdate",
        back_populates="referral",
        order_by="ReferralUpdate.created_at",
        lazy="select",
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def status_enum(self) -> ReferralStatus:
        return ReferralStatus(self.status)


class ReferralTransition(db.Model):
    """Each move of a referral, appended: who, when, from, to, and why."""

    __tablename__ = "referral_transitions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    referral_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("referrals.id"), index=True)
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    actor_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("users.id"))
    reason: Mapped[str | None] = mapped_column(Text)
    outcome: Mapped[str | None] = mapped_column(String(30))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    referral = relationship("Referral", back_populates="transitions")
    actor = relationship("User", lazy="joined")


class ReferralUpdate(UUIDPrimaryKey, db.Model):
    """A note a partner posts on a referral for the keyworker."""

    __tablename__ = "referral_updates"

    referral_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("referrals.id"), index=True)
    author_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    referral = relationship("Referral", back_populates="updates")
    author = relationship("User", lazy="joined")
