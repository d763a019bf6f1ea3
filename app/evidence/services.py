"""Appointments, attendance, keyworker evidence entries and compliance decisions.

Each public function owns its transaction: it checks who may act on the object (through
``app.evidence.policy``, which holds the scope and the side rules below), raises a
domain error before anything is written when a rule is broken, then adds the change with
its audit entry, timeline event and notifications, and commits once. Nothing recorded here
is ever updated in place, except that a rescheduled appointment is stamped with when and
why it was replaced (compare-and-set, so it happens once).

Rules decided here (shown to users in the form hints and the API schema):

* Partner users book and record attendance for appointments on their own organisation's
  referrals while the referral is open (sent, acknowledged, accepted, in progress): not on
  hold, declined, cancelled or completed. Case staff (the keyworker of the case, or a
  supervisor) record one-to-one sessions on the case and their attendance. Neither side
  records the other's attendance: the person who ran the session answers for it.
* An appointment can be booked up to ``BOOKING_WINDOW_DAYS`` (365) days either side of now;
  a past one can be recorded after the event.
* Attendance cannot be recorded for an appointment that starts after today (UK time):
  evidence says what happened, not what is expected to.
* The first answer is the record; a change is a **correction**: a new record that points at
  the one it corrects, with who, when and why. A second answer without a correction reason
  is refused (409 ``attendance_recorded``), so nothing is overwritten by accident.
* A "did not attend" without an acceptable reason (see ``ACCEPTABLE_REASONS``) raises a
  compliance concern on the case and tells the keyworker. A concern about behaviour or
  risk marked "tell the keyworker now" tells them at once.
* A compliance concern gets decisions from case staff: no action, a warning, a varied
  condition (a new revision of a current condition, written in the same transaction) or a
  proposed breach. Every decision needs a reason. Later decisions are added, never replace.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import update

from app.audit import services as audit
from app.cases.models import Case
from app.cases.policy import get_case_for
from app.cases.timeline import add_event
from app.database import utcnow
from app.errors import Conflict, InvalidInput
from app.evidence.models import (
    AbsenceReason,
    Appointment,
    AppointmentMode,
)
from app.evidence.policy import (
    check_books_on_referrals,
    check_case_staff,
    check_recorder,
    get_appointment_for,
)
from app.evidence.queries import MODE_LABELS
from app.extensions import db
from app.referrals.models import OPEN_STATUSES, Referral
from app.referrals.policy import get_referral_for
from app.template_helpers import london_datetime

BOOKING_WINDOW_DAYS = 365
TEXT_MAX = 2000
LOCATION_MAX = 300
ACCEPTABLE_REASONS = frozenset(
    {
        AbsenceReason.PERSONS_ACCEPTABLE_REASON.value,
        AbsenceReason.PARTNER_CANCELLED.value,
        AbsenceReason.LOGISTICS.value,
    }
)
# When the appointment did not happen at all, it was for one of these reasons.
NOT_HAPPENED_REASONS = frozenset(
    {AbsenceReason.PARTNER_CANCELLED.value, AbsenceReason.LOGISTICS.value}
)


class AttendanceRecorded(Conflict):
    code = "attendance_recorded"


class AppointmentRescheduled(Conflict):
    code = "appointment_rescheduled"


class ReferralNotOpen(Conflict):
    code = "referral_closed"


class AppointmentInFuture(InvalidInput):
    code = "appointment_in_future"


# Appointments -------------------------------------------------------------------------


def _as_utc(moment) -> datetime | None:
    if not isinstance(moment, datetime):
        return None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def clean_text(value, limit: int) -> str | None:
    if value is None:
        return None
    value = str(value).strip()
    return value[:limit] if value else None


def _check_booking(starts_at, mode, location, errors: dict) -> tuple[datetime | None, str | None]:
    starts = _as_utc(starts_at)
    now = utcnow()
    if starts is None:
        errors["starts_at"] = "Enter the date and time of the appointment"
    elif abs(starts - now) > timedelta(days=BOOKING_WINDOW_DAYS):
        errors["starts_at"] = f"The appointment must be within {BOOKING_WINDOW_DAYS} days of today"
    if mode not in {m.value for m in AppointmentMode}:
        errors["mode"] = "Choose in person, phone or video"
    if location is not None and len(str(location).strip()) > LOCATION_MAX:
        errors["location"] = f"Where must be {LOCATION_MAX} characters or fewer"
    return starts, clean_text(location, LOCATION_MAX)


def takes_appointments(referral_status: str) -> bool:
    """Appointments are booked and rescheduled on a referral only while it is open (sent,
    acknowledged, accepted, in progress): not on hold, declined, cancelled or completed."""
    return referral_status in OPEN_STATUSES


def book_appointment(
    actor, referral_id: uuid.UUID, *, starts_at, mode, location=None
) -> Appointment:
    """A partner books an appointment on one of its organisation's open referrals."""
    check_books_on_referrals(actor)
    referral = get_referral_for(actor, referral_id)
    errors: dict[str, str] = {}
    starts, location = _check_booking(starts_at, mode, location, errors)
    if errors:
        raise InvalidInput(errors, "The appointment is not valid")
    if not takes_appointments(referral.status):
        raise ReferralNotOpen(
            "Appointments can only be booked while the referral is open "
            f"(it is {referral.status.replace('_', ' ')})"
        )
    appointment = Appointment(
        case_id=referral.case_id,
        referral_id=referral.id,
        starts_at=starts,
        mode=mode,
        location=location,
        created_by_id=actor.id,
    )
    db.session.add(appointment)
    db.session.flush()
    _record_booking(actor, appointment, referral)
    db.session.commit()
    return appointment


def _record_booking(actor, appointment: Appointment, referral: Referral | None, **details) -> None:
    audit.record(
        "appointment.booked",
        "appointment",
        appointment.id,
        actor=actor,
        details={
            "case_id": str(appointment.case_id),
            "referral_id": str(referral.id) if referral else None,
            **details,
        },
    )
    who = referral.organisation.name if referral else "Keyworker one-to-one"
    when = london_text(appointment.starts_at)
    kind = "appointment.rescheduled" if appointment.reschedules_id else "appointment.booked"
    verb = "rescheduled to" if appointment.reschedules_id else "booked for"
    add_event(
        db.session.get(Case, appointment.case_id),
        kind,
        f"{who}: appointment ({MODE_LABELS[appointment.mode].lower()}) {verb} {when}",
        actor=actor,
    )


def london_text(moment: datetime) -> str:
    return london_datetime(moment)


def record_one_to_one(actor, case_id: uuid.UUID, *, starts_at, mode, location=None) -> Appointment:
    """Case staff record a one-to-one session with the person (an appointment on the case)."""
    check_case_staff(actor, "Only case staff record one-to-one sessions")
    case = get_case_for(actor, case_id)
    errors: dict[str, str] = {}
    starts, location = _check_booking(starts_at, mode, location, errors)
    if errors:
        raise InvalidInput(errors, "The session is not valid")
    appointment = Appointment(
        case_id=case.id, starts_at=starts, mode=mode, location=location, created_by_id=actor.id
    )
    db.session.add(appointment)
    db.session.flush()
    _record_booking(actor, appointment, None)
    db.session.commit()
    return appointment


def reschedule_appointment(
    actor, appointment_id: uuid.UUID, *, starts_at, reason, mode=None, location=None
) -> Appointment:
    """Replace an appointment by a new one; the old one stays, stamped with when and why."""
    appointment = get_appointment_for(actor, appointment_id)
    check_recorder(actor, appointment)
    errors: dict[str, str] = {}
    mode = mode or appointment.mode
    location = appointment.location if location is None else location
    starts, location = _check_booking(starts_at, mode, location, errors)
    reason = clean_text(reason, TEXT_MAX)
    if not reason:
        errors["reason"] = "Enter why the appointment is being rescheduled"
    if errors:
        raise InvalidInput(errors, "The new appointment is not valid")
    if appointment.attendance:
        raise AttendanceRecorded(
            "Attendance has been recorded for this appointment: it cannot be rescheduled"
        )
    referral = appointment.referral
    if referral is not None and not takes_appointments(referral.status):
        raise ReferralNotOpen("Appointments can only be rescheduled while the referral is open")
    now = utcnow()
    stamped = db.session.execute(
        update(Appointment)
        .where(Appointment.id == appointment.id, Appointment.rescheduled_at.is_(None))
        .values(rescheduled_at=now, reschedule_reason=reason, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    if stamped.rowcount != 1:
        db.session.rollback()
        raise AppointmentRescheduled("This appointment has already been rescheduled")
    replacement = Appointment(
        case_id=appointment.case_id,
        referral_id=appointment.referral_id,
        starts_at=starts,
        mode=mode,
        location=location,
        created_by_id=actor.id,
        reschedules_id=appointment.id,
    )
    db.session.add(replacement)
    db.session.flush()
    _record_booking(actor, replacement, referral, reschedules_id=str(appointment.id))
    db.session.commit()
    db.session.refresh(appointment)
    return replacement
