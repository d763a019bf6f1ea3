"""Victims of the offence, recorded on the case."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import Boolean, ForeignKey, String, Text, Uuid
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

    case_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("cases.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320))
    phone: Mapped[str | None] = mapped_column(String(30))
    address: Mapped[str | None] = mapped_column(Text)
    preferred_contact: Mapped[str | None] = mapped_column(String(20))
    enhanced_rights: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    case = relationship("Case", back_populates="victims")
