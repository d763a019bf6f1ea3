"""An administrator's decision on a case past its retention period: erased, or kept.

A case is erased at most once per scope (a partial unique index); a "kept" decision
holds the case off the review list until ``keep_until``, and may be made again.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, Text, Uuid, text
from sqlalchemy.orm import Mapped, mapped_column

from app.database import UTCDateTime, UUIDPrimaryKey, utcnow
from app.extensions import db


class Scope(StrEnum):
    """What an erasure covers: the case's personal data, or its victims' contact details."""

    CASE = "case"
    VICTIM_CONTACT = "victim_contact"

    @property
    def label(self) -> str:
        return {
            "case": "All personal data of the case",
            "victim_contact": "Victims' contact details",
        }[self.value]


class Rule(StrEnum):
    ENDED = "ended"
    INELIGIBLE = "ineligible"
    VICTIM_CONTACT = "victim_contact"


class Decision(StrEnum):
    ERASED = "erased"
    KEPT = "kept"


ERASED_ONCE = text("decision = 'erased'")


class RetentionDecision(UUIDPrimaryKey, db.Model):
    __tablename__ = "retention_decisions"
    __table_args__ = (
        CheckConstraint("scope IN ('case', 'victim_contact')", name="scope_known"),
        CheckConstraint("rule IN ('ended', 'ineligible', 'victim_contact')", name="rule_known"),
        CheckConstraint("decision IN ('erased', 'kept')", name="decision_known"),
        CheckConstraint("decision = 'erased' OR keep_until IS NOT NULL", name="kept_until"),
        Index(
            "uq_retention_decisions_erased_once",
            "case_id",
            "scope",
            unique=True,
            sqlite_where=ERASED_ONCE,
            postgresql_where=ERASED_ONCE,
        ),
    )

    case_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("cases.id"), index=True)
    scope: Mapped[str] = mapped_column(String(20))
    rule: Mapped[str] = mapped_column(String(20))
    decision: Mapped[str] = mapped_column(String(10))
    # Kept: not listed again before this date. The reason is the administrator's (no
    # personal data, the form says); it is erased with the case.
    keep_until: Mapped[date | None] = mapped_column(Date)
    reason: Mapped[str | None] = mapped_column(Text)
    decided_by_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("users.id"))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
