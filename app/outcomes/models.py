"""Outcome proposals and decisions, ending surveys and the 365-day reoffending check."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    Uuid,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.cases.models import OffenceClass
from app.database import UTCDateTime, UUIDPrimaryKey, utcnow
from app.extensions import db

OFFENCE_CLASSES = ", ".join(f"'{member.value}'" for member in OffenceClass)


class OutcomeResult(StrEnum):
    COMPLETED = "completed"
    BREACHED = "breached"
    OPTED_OUT = "opted_out"


class ProposalDecision(StrEnum):
    APPROVED = "approved"
    SENT_BACK = "sent_back"


class OutcomeProposal(UUIDPrimaryKey, db.Model):
    __tablename__ = "outcome_proposals"
    __table_args__ = (
        CheckConstraint("result IN ('completed', 'breached', 'opted_out')", name="result_known"),
        # The proposals waiting for a decision: counted on every supervisor's page.
        Index(
            "ix_outcome_proposals_undecided",
            "case_id",
            postgresql_where=text("decision IS NULL"),
            sqlite_where=text("decision IS NULL"),
        ),
    )

    case_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("cases.id"), index=True)
    result: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(Text)
    proposed_by_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id"))
    proposed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decision: Mapped[str | None] = mapped_column(String(20))
    decision_reason: Mapped[str | None] = mapped_column(Text)
    decided_by_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set when approved: "24" (completed adult), "23" (completed child) or "charge".
    outcome_code: Mapped[str | None] = mapped_column(String(10))

    proposed_by = relationship("User", foreign_keys=[proposed_by_id], lazy="joined")
    decided_by = relationship("User", foreign_keys=[decided_by_id], lazy="joined")


class Survey(UUIDPrimaryKey, db.Model):
    """An ending survey of the person or of a victim."""

    __tablename__ = "surveys"
    __table_args__ = (
        CheckConstraint("respondent IN ('person', 'victim')", name="respondent_known"),
        CheckConstraint("satisfaction BETWEEN 1 AND 5", name="satisfaction_range"),
        CheckConstraint(
            "police_legitimacy IS NULL OR police_legitimacy BETWEEN 1 AND 5",
            name="legitimacy_range",
        ),
        CheckConstraint(
            "kept_informed IS NULL OR kept_informed BETWEEN 1 AND 5", name="kept_informed_range"
        ),
    )

    case_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("cases.id"), index=True)
    respondent: Mapped[str] = mapped_column(String(10))
    victim_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("victims.id"))
    satisfaction: Mapped[int] = mapped_column(Integer)
    police_legitimacy: Mapped[int | None] = mapped_column(Integer)
    kept_informed: Mapped[int | None] = mapped_column(Integer)
    comments: Mapped[str | None] = mapped_column(Text)
    recorded_by_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ReoffendingCheck(UUIDPrimaryKey, db.Model):
    """Due 365 days after the case ended (a completed case: the contract's end; an opted-out
    or breached one: the outcome date); recorded by an administrator."""

    __tablename__ = "reoffending_checks"
    __table_args__ = (
        CheckConstraint(
            f"offence_class IS NULL OR offence_class IN ({OFFENCE_CLASSES})",
            name="offence_class_known",
        ),
        CheckConstraint("harm_days IS NULL OR harm_days >= 0", name="harm_days_not_negative"),
    )

    case_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("cases.id"), unique=True)
    due_on: Mapped[date] = mapped_column(Date, index=True)
    checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    checked_by_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("users.id"))
    reoffended: Mapped[bool | None] = mapped_column(Boolean)
    reoffence_date: Mapped[date | None] = mapped_column(Date)
    reoffence: Mapped[str | None] = mapped_column(Text)
    # The reoffence's class (app.cases.models.OffenceClass) and its crime harm: the
    # Cambridge Crime Harm Index in days, entered by the checker.
    offence_class: Mapped[str | None] = mapped_column(String(20))
    harm_days: Mapped[int | None] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow, onupdate=utcnow, index=True
    )

    case = relationship("Case", lazy="joined")
