"""Consent to share information with one partner organisation, per category.

A consent is given once and never edited: withdrawal stamps it with who, when and why,
and a new consent is a new record. Its status is derived from those times.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.database import UTCDateTime, UUIDPrimaryKey, utcnow
from app.extensions import db


class ConsentCategory(StrEnum):
    CONTACT_DETAILS = "contact_details"
    OFFENCE_SUMMARY = "offence_summary"
    NEEDS_SUMMARY = "needs_summary"
    HEALTH = "health"
    SUBSTANCE_USE = "substance_use"
    HOUSING = "housing"
    FINANCES = "finances"

    @property
    def label(self) -> str:
        return CATEGORY_LABELS[self]


CATEGORY_LABELS = {
    ConsentCategory.CONTACT_DETAILS: "Contact details",
    ConsentCategory.OFFENCE_SUMMARY: "Offence summary",
    ConsentCategory.NEEDS_SUMMARY: "Needs summary",
    ConsentCategory.HEALTH: "Health",
    ConsentCategory.SUBSTANCE_USE: "Substance use",
    ConsentCategory.HOUSING: "Housing",
    ConsentCategory.FINANCES: "Finances",
}


class ConsentMethod(StrEnum):
    VERBAL = "verbal"
    WRITTEN = "written"
    ELECTRONIC = "electronic"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class ConsentStatus(StrEnum):
    GIVEN = "given"
    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"


# A consent in force that expires within this is flagged to staff ("expires soon").
EXPIRY_WARNING = timedelta(days=30)


class Consent(UUIDPrimaryKey, db.Model):
    __tablename__ = "consents"
    __table_args__ = (Index("ix_consents_case_id_organisation_id", "case_id", "organisation_id"),)

    case_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("cases.id"))
    organisation_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("organisations.id"), index=True
    )
    categories: Mapped[list[str]] = mapped_column(JSON)
    method: Mapped[str] = mapped_column(String(20))
    notice_version: Mapped[str] = mapped_column(String(40))
    recorded_by_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id"))
    given_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_by_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("users.id"))
    withdrawal_reason: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    case = relationship("Case", back_populates="consents")
    organisation = relationship("Organisation", lazy="joined")
    recorded_by = relationship("User", foreign_keys=[recorded_by_id], lazy="select")
    withdrawn_by = relationship("User", foreign_keys=[withdrawn_by_id], lazy="select")

    __mapper_args__ = {"version_id_col": version}

    def status_at(self, at: datetime) -> ConsentStatus:
        return status_at(self.expires_at, self.withdrawn_at, at)

    @property
    def status(self) -> ConsentStatus:
        return self.status_at(utcnow())

    def expires_soon_at(self, at: datetime) -> bool:
        return expires_soon_at(self.expires_at, at)


def status_at(expires_at: datetime, withdrawn_at: datetime | None, at: datetime) -> ConsentStatus:
    """A consent's status at ``at``, from its dates (for lists that read only those)."""
    if withdrawn_at is not None and withdrawn_at <= at:
        return ConsentStatus.WITHDRAWN
    if expires_at <= at:
        return ConsentStatus.EXPIRED
    return ConsentStatus.GIVEN


def expires_soon_at(expires_at: datetime, at: datetime) -> bool:
    """Expiring within ``EXPIRY_WARNING`` of ``at``: staff are warned to renew it."""
    return expires_at <= at + EXPIRY_WARNING
