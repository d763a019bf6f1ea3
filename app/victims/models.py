"""Victims of the offence, recorded on the case."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Boolean, Date, ForeignKey, Index, String, Text, Uuid, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.database import UTCDateTime, UUIDPrimaryKey, utcnow
from app.extensions import db


class ContactMethod(StrEnum):
    EMAIL = "email"
    PHONE = "phone"
    POST = "post"
    IN_PERSON = "in_person"

    @property
    def label(self) -> str:
        return {"email": "Email", "phone": "Phone", "post": "Post", "in_person": "In person"}[
            self.value
        ]


class Victim(UUIDPrimaryKey, db.Model):
    __tablename__ = "victims"
    __table_args__ = (
        Index(
            "ix_victims_owed_since",
            "owed_since",
            postgresql_where=text("owed_since IS NOT NULL"),
            sqlite_where=text("owed_since IS NOT NULL"),
        ),
        # The owed updates, most urgent first (app.victims.listing).
        Index(
            "ix_victims_update_due_on",
            "update_due_on",
            "case_id",
            postgresql_where=text("update_due_on IS NOT NULL"),
            sqlite_where=text("update_due_on IS NOT NULL"),
        ),
        # "Victims not yet consulted" (app.victims.consulted): the few, by case.
        Index(
            "ix_victims_unconsulted",
            "case_id",
            postgresql_where=text("first_consulted_at IS NULL"),
            sqlite_where=text("first_consulted_at IS NULL"),
        ),
    )

    case_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("cases.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320))
    phone: Mapped[str | None] = mapped_column(String(30))
    address: Mapped[str | None] = mapped_column(Text)
    preferred_contact: Mapped[str | None] = mapped_column(String(20))
    enhanced_rights: Mapped[bool] = mapped_column(Boolean, default=False)
    # A victim may ask for no updates: they are then never chased.
    wants_updates: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")
    update_frequency: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The earliest key decision not yet told to the victim (``app.victims.owed``, which
    # keeps it); NULL when they are owed nothing.
    owed_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The last day to tell them of it (``app.victims.due.due_on``, kept with it).
    update_due_on: Mapped[date | None] = mapped_column(Date)
    # When their first consultation was recorded (``app.victims.consulted`` keeps it).
    first_consulted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    case = relationship("Case", back_populates="victims")


class VictimConsultation(UUIDPrimaryKey, db.Model):
    """Before the contract: the victim's views and what they asked for."""

    __tablename__ = "victim_consultations"

    case_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("cases.id"), index=True)
    # Index: "victims not yet consulted" asks for each victim (the work queues, the home).
    victim_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("victims.id"), index=True)
    consulted_on: Mapped[date] = mapped_column(Date)
    views: Mapped[str] = mapped_column(Text)
    requested_actions: Mapped[str | None] = mapped_column(Text)
    not_included_reason: Mapped[str | None] = mapped_column(Text)
    recorded_by_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class VictimUpdate(UUIDPrimaryKey, db.Model):
    """What a victim was told, when, how and by whom."""

    __tablename__ = "victim_updates"
    # A liaison officer's recent contacts (the victim liaison home), newest first.
    __table_args__ = (Index("ix_victim_updates_given_by_id_given_at", "given_by_id", "given_at"),)

    case_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("cases.id"), index=True)
    victim_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("victims.id"))
    method: Mapped[str] = mapped_column(String(20))
    summary: Mapped[str] = mapped_column(Text)
    given_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    given_by_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id"))

    given_by = relationship("User", lazy="joined")
