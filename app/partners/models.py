"""Partner organisations: the services a keyworker introduces people to."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, Boolean, CheckConstraint, Date, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.database import UTCDateTime, UUIDPrimaryKey, utcnow
from app.extensions import db


class ServiceType(StrEnum):
    MENTAL_HEALTH = "mental_health"
    HOUSING = "housing"
    SUBSTANCE_MISUSE = "substance_misuse"
    VOLUNTARY_COMMUNITY = "voluntary_community"
    DEBT_ADVICE = "debt_advice"
    EMPLOYMENT_TRAINING = "employment_training"
    WOMENS_CENTRE = "womens_centre"
    OTHER = "other"

    @property
    def label(self) -> str:
        return SERVICE_TYPE_LABELS[self]


SERVICE_TYPE_LABELS = {
    ServiceType.MENTAL_HEALTH: "Mental health",
    ServiceType.HOUSING: "Housing",
    ServiceType.SUBSTANCE_MISUSE: "Substance misuse",
    ServiceType.VOLUNTARY_COMMUNITY: "Voluntary and community",
    ServiceType.DEBT_ADVICE: "Debt advice",
    ServiceType.EMPLOYMENT_TRAINING: "Employment, education and training",
    ServiceType.WOMENS_CENTRE: "Women's centre",
    ServiceType.OTHER: "Other",
}


class Capacity(StrEnum):
    ACCEPTING = "accepting"
    WAITING_LIST = "waiting_list"
    NOT_ACCEPTING = "not_accepting"

    @property
    def label(self) -> str:
        return {
            "accepting": "Accepting referrals",
            "waiting_list": "Waiting list",
            "not_accepting": "Not accepting referrals",
        }[self.value]


class Organisation(UUIDPrimaryKey, db.Model):
    __tablename__ = "organisations"
    __table_args__ = (
        CheckConstraint(
            "capacity IN ('accepting', 'waiting_list', 'not_accepting')", name="capacity_known"
        ),
        CheckConstraint("acknowledge_within_days BETWEEN 1 AND 30", name="acknowledge_days_range"),
    )

    name: Mapped[str] = mapped_column(String(200), unique=True)
    service_types: Mapped[list[str]] = mapped_column(JSON, default=list)
    areas: Mapped[list[str]] = mapped_column(JSON, default=list)
    acknowledge_within_days: Mapped[int] = mapped_column(Integer, default=2)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # The named contact for warm introductions.
    contact_name: Mapped[str | None] = mapped_column(String(200))
    contact_phone: Mapped[str | None] = mapped_column(String(30))
    contact_email: Mapped[str | None] = mapped_column(String(320))
    capacity: Mapped[str] = mapped_column(
        String(20), default=Capacity.ACCEPTING.value, server_default="accepting"
    )
    # The information-sharing agreement: no new referrals once it has expired.
    isa_reference: Mapped[str | None] = mapped_column(String(100))
    isa_expires_on: Mapped[date | None] = mapped_column(Date)
    description: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    __mapper_args__ = {"version_id_col": version}
