"""Appointments and attendance: the evidence that a contract condition is being met.

Nothing here is rewritten. A rescheduled appointment is a new row pointing at the old
one; a correction to an attendance record is a new record pointing at the one it
corrects; a decision on a compliance concern is a new row.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, String, Text, Uuid, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.database import UTCDateTime, UUIDPrimaryKey, utcnow
from app.extensions import db


class AppointmentMode(StrEnum):
    IN_PERSON = "in_person"
    PHONE = "phone"
    VIDEO = "video"


class AttendanceStatus(StrEnum):
    ATTENDED = "attended"
    LATE = "late"
    DID_NOT_ATTEND = "did_not_attend"


class AbsenceReason(StrEnum):
    PERSONS_ACCEPTABLE_REASON = "persons_acceptable_reason"
    PARTNER_CANCELLED = "partner_cancelled"
    LOGISTICS = "logistics"
    NO_REASON = "no_reason"


class ConcernDecision(StrEnum):
    NO_ACTION = "no_action"
    WARNING = "warning"
    VARIED_CONDITION = "varied_condition"
    PROPOSED_BREACH = "proposed_breach"


class Appointment(UUIDPrimaryKey, db.Model):
    """An appointment with a partner (on a referral) or a keyworker's one-to-one (case only)."""

    __tablename__ = "appointments"
    __table_args__ = (
        CheckConstraint("mode IN ('in_person', 'phone', 'video')", name="mode_known"),
        Index("ix_appointments_case_id_starts_at", "case_id", "starts_at"),
        # A referral's appointments, and a partner's appointments on a day (by referral).
        Index("ix_appointments_referral_id_starts_at", "referral_id", "starts_at"),
    )

    case_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("cases.id"))
    referral_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("referrals.id"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    mode: Mapped[str] = mapped_column(String(20))
    location: Mapped[str | None] = mapped_column(String(300))
    created_by_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Rescheduling: the new appointment points at the one it replaces, which is stamped.
    reschedules_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("appointments.id"))
    rescheduled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reschedule_reason: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    referral = relationship("Referral", lazy="select")
    created_by = relationship("User", lazy="select")
    attendance = relationship(
        "AttendanceRecord", back_populates="appointment", order_by="AttendanceRecord.recorded_at"
    )


class AttendanceRecord(UUIDPrimaryKey, db.Model):
    __tablename__ = "attendance_records"
    __table_args__ = (
        CheckConstraint("status IN ('attended', 'late', 'did_not_attend')", name="status_known"),
    )

    appointment_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("appointments.id"), index=True
    )
    happened: Mapped[bool] = mapped_column(Boolean, default=True)
    status: Mapped[str] = mapped_column(String(20))
    absence_reason: Mapped[str | None] = mapped_column(String(40))
    acceptable_absence: Mapped[bool | None] = mapped_column(Boolean)
    notes: Mapped[str | None] = mapped_column(Text)
    concern: Mapped[str | None] = mapped_column(Text)  # behaviour or risk
    tell_keyworker_now: Mapped[bool] = mapped_column(Boolean, default=False)
    recorded_by_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # A correction is a new record; the record it corrects stays as it was.
    corrects_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("attendance_records.id"), unique=True
    )
    correction_reason: Mapped[str | None] = mapped_column(Text)

    appointment = relationship("Appointment", back_populates="attendance")
    recorded_by = relationship("User", lazy="joined")


class ConditionEvidence(UUIDPrimaryKey, db.Model):
    """A keyworker's entry against a condition (e.g. 'letter of apology received')."""

    __tablename__ = "condition_evidence"

    condition_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("conditions.id"), index=True)
    note: Mapped[str] = mapped_column(Text)
    marks_met: Mapped[bool] = mapped_column(Boolean, default=False)
    recorded_by_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    recorded_by = relationship("User", lazy="joined")


class ComplianceConcern(UUIDPrimaryKey, db.Model):
    """Raised by a non-attendance without an acceptable reason (or a reported concern)."""

    __tablename__ = "compliance_concerns"
    __table_args__ = (
        Index(
            "ix_compliance_concerns_undecided",
            "case_id",
            postgresql_where=text("first_decided_at IS NULL"),
            sqlite_where=text("first_decided_at IS NULL"),
        ),
    )

    case_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("cases.id"), index=True)
    attendance_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("attendance_records.id")
    )
    summary: Mapped[str] = mapped_column(String(300))
    raised_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # When its first decision was recorded; null while it waits for one. Kept by
    # ``app.evidence.decided`` as each decision is written, so the work queues find the
    # concerns to decide in a partial index instead of reading every concern.
    first_decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    decisions = relationship(
        "ComplianceDecision", back_populates="concern", order_by="ComplianceDecision.decided_at"
    )


class ComplianceDecision(UUIDPrimaryKey, db.Model):
    __tablename__ = "compliance_decisions"
    __table_args__ = (
        CheckConstraint(
            "decision IN ('no_action', 'warning', 'varied_condition', 'proposed_breach')",
            name="decision_known",
        ),
    )

    concern_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("compliance_concerns.id"), index=True
    )
    decision: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text)
    varied_condition_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("conditions.id"))
    decided_by_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id"))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    concern = relationship("ComplianceConcern", back_populates="decisions")
    decided_by = relationship("User", lazy="joined")
