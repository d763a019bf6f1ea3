"""Lists of evidence: a referral's or a case's appointments with the attendance that stands,
the appointments still awaiting attendance, an appointment's history, and a case's
compliance concerns. What counts toward a condition is ``app.evidence.queries``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import aliased, selectinload

from app.database import utcnow
from app.evidence.models import Appointment, AttendanceRecord, ComplianceConcern
from app.evidence.policy import recorder_scope
from app.evidence.queries import KEYWORKER_SOURCE, attendance_text, current_record
from app.evidence.services import has_started
from app.extensions import db
from app.partners.models import Organisation
from app.referrals.models import OPEN_STATUSES, Referral


@dataclass
class AppointmentRow:
    """An appointment with the attendance record that stands and how it reads."""

    appointment: Appointment
    record: AttendanceRecord | None
    source: str

    @property
    def state(self) -> str:
        if self.appointment.rescheduled_at is not None:
            return "rescheduled"
        if self.record is None:
            return "booked"
        if not self.record.happened:
            return "did_not_happen"
        return self.record.status

    @property
    def state_text(self) -> str:
        if self.state == "rescheduled":
            return "Rescheduled"
        if self.record is None:
            return "Booked"
        return attendance_text(self.record)

    @property
    def awaiting_attendance(self) -> bool:
        """Booked, not moved, and started: its attendance is waited for (the row's link)."""
        return self.state == "booked" and has_started(self.appointment)

    @property
    def corrected(self) -> bool:
        return len(self.appointment.attendance) > 1


def _rows(appointments, org_names: dict) -> list[AppointmentRow]:
    return [
        AppointmentRow(
            appointment,
            current_record(list(appointment.attendance)),
            org_names.get(appointment.referral_id, KEYWORKER_SOURCE)
            if appointment.referral_id
            else KEYWORKER_SOURCE,
        )
        for appointment in appointments
    ]


def _with_attendance(query):
    return query.options(
        selectinload(Appointment.attendance).joinedload(AttendanceRecord.recorded_by),
        selectinload(Appointment.created_by),
    )


def referral_appointments(referral: Referral) -> list[AppointmentRow]:
    """A referral's appointments, newest first, rescheduled ones included."""
    appointments = db.session.scalars(
        _with_attendance(
            select(Appointment)
            .where(Appointment.referral_id == referral.id)
            .order_by(Appointment.starts_at.desc(), Appointment.id)
        )
    ).all()
    return _rows(appointments, {referral.id: referral.organisation.name})


def referral_appointments_for_sync(
    referral_id: uuid.UUID, *, updated_since: datetime | None, page: int, per_page: int
) -> tuple[list[Appointment], int]:
    """A page of a referral's appointments, oldest change first (stable: then by id)."""
    base = select(Appointment).where(Appointment.referral_id == referral_id)
    if updated_since is not None:
        base = base.where(Appointment.updated_at >= updated_since)
    total = db.session.scalar(select(db.func.count()).select_from(base.subquery()))
    appointments = db.session.scalars(
        _with_attendance(
            base.order_by(Appointment.updated_at, Appointment.id)
            .limit(per_page)
            .offset((page - 1) * per_page)
        )
    ).all()
    return list(appointments), total


def referral_appointments_by_id(referral_id) -> list[AppointmentRow]:
    referral = db.session.get(Referral, referral_id)
    return referral_appointments(referral) if referral is not None else []


def case_appointments(case_id: uuid.UUID, *, page: int, per_page: int) -> tuple[list, int]:
    """A page of the case's appointments (partners' and one-to-ones), newest first."""
    base = select(Appointment).where(Appointment.case_id == case_id)
    total = db.session.scalar(select(db.func.count()).select_from(base.subquery()))
    appointments = db.session.scalars(
        _with_attendance(
            base.order_by(Appointment.starts_at.desc(), Appointment.id)
            .limit(per_page)
            .offset((page - 1) * per_page)
        )
    ).all()
    referral_ids = {a.referral_id for a in appointments if a.referral_id}
    names = (
        dict(
            db.session.execute(
                select(Referral.id, Organisation.name)
                .join(Organisation, Organisation.id == Referral.organisation_id)
                .where(Referral.id.in_(referral_ids))
            ).all()
        )
        if referral_ids
        else {}
    )
    return _rows(appointments, names), total


@dataclass
class AwaitingRow:
    appointment: Appointment
    referral_reference: str | None
    source: str


def awaiting_attendance_at(moment: datetime):
    """A WHERE clause: the appointment started by ``moment``, was not rescheduled, has no
    attendance recorded, and is a one-to-one or on a referral that is still open (a closed
    referral's appointments wait for nothing). The "to record" list, the work queue and the
    attendance reminder all use it."""
    referral = aliased(Referral)
    on_open_referral = (
        select(referral.id)
        .where(
            referral.id == Appointment.referral_id,
            referral.status.in_([s.value for s in OPEN_STATUSES]),
        )
        .correlate(Appointment)
        .exists()
    )
    return and_(
        Appointment.starts_at <= moment,
        Appointment.rescheduled_at.is_(None),
        ~Appointment.attendance.any(),
        or_(Appointment.referral_id.is_(None), on_open_referral),
    )


def awaiting_attendance(user, *, page: int, per_page: int) -> tuple[list[AwaitingRow], int]:
    """Appointments that have happened (started before now) with no attendance recorded,
    for the side that must record it: a partner's organisation's appointments on open
    referrals, or the one-to-ones on a keyworker's cases (a supervisor: every case's).
    Oldest first, so the longest-waiting come first."""
    from app.referrals.reference import reference

    query = select(Appointment).where(recorder_scope(user), awaiting_attendance_at(utcnow()))
    total = db.session.scalar(select(db.func.count()).select_from(query.subquery()))
    appointments = db.session.scalars(
        query.order_by(Appointment.starts_at, Appointment.id)
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    rows = [
        AwaitingRow(
            a,
            reference(a.referral_id) if a.referral_id else None,
            KEYWORKER_SOURCE if a.referral_id is None else "",
        )
        for a in appointments
    ]
    return rows, total


def appointment_history(appointment: Appointment) -> list[Appointment]:
    """The appointments this one replaced by rescheduling, newest first."""
    history, current = [], appointment
    while current.reschedules_id is not None:
        current = db.session.get(Appointment, current.reschedules_id)
        if current is None:
            break
        history.append(current)
    return history


def replacement_of(appointment: Appointment) -> Appointment | None:
    return db.session.scalar(
        select(Appointment).where(Appointment.reschedules_id == appointment.id)
    )


def case_concerns(case_id: uuid.UUID) -> list[ComplianceConcern]:
    """The case's compliance concerns with their decisions, newest first."""
    return list(
        db.session.scalars(
            select(ComplianceConcern)
            .where(ComplianceConcern.case_id == case_id)
            .options(selectinload(ComplianceConcern.decisions))
            .order_by(ComplianceConcern.raised_at.desc(), ComplianceConcern.id)
        )
    )
