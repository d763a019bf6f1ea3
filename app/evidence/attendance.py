"""Recording attendance, and correcting it with a new record (rules: app.evidence.services)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from app import events
from app.audit import services as audit
from app.cases.models import Case
from app.cases.timeline import add_event
from app.database import utcnow
from app.errors import InvalidInput, StaleVersion
from app.evidence.models import (
    AbsenceReason,
    AttendanceRecord,
    AttendanceStatus,
    ComplianceConcern,
)
from app.evidence.policy import check_recorder, get_appointment_for
from app.evidence.queries import current_record
from app.evidence.services import (
    ACCEPTABLE_REASONS,
    NOT_HAPPENED_REASONS,
    TEXT_MAX,
    AppointmentInFuture,
    AppointmentRescheduled,
    AttendanceRecorded,
    clean_text,
    has_started,
    london_text,
)
from app.extensions import db
from app.notifications.services import notify

# Attendance ---------------------------------------------------------------------------


@dataclass(frozen=True)
class AttendanceAnswer:
    """What the person who ran the session says happened."""

    status: str | None
    happened: bool = True
    absence_reason: str | None = None
    acceptable_absence: bool | None = None
    notes: str | None = None
    concern: str | None = None
    tell_keyworker_now: bool = False


def _checked_answer(answer: AttendanceAnswer, errors: dict) -> dict:
    reasons = {r.value for r in AbsenceReason}
    fields = {
        "happened": bool(answer.happened),
        "notes": clean_text(answer.notes, TEXT_MAX),
        "concern": clean_text(answer.concern, TEXT_MAX),
        "tell_keyworker_now": bool(answer.tell_keyworker_now),
    }
    for name in ("notes", "concern"):
        value = getattr(answer, name)
        if value is not None and len(str(value).strip()) > TEXT_MAX:
            errors[name] = f"Must be {TEXT_MAX} characters or fewer"
    if fields["tell_keyworker_now"] and not fields["concern"]:
        errors["concern"] = "Describe the concern the keyworker must be told about"
    reason = answer.absence_reason or None
    if reason is not None and reason not in reasons:
        errors["absence_reason"] = "Choose a reason from the list"
        return fields
    if not fields["happened"]:
        if reason not in NOT_HAPPENED_REASONS:
            errors["absence_reason"] = (
                "Choose why the appointment did not happen: the partner cancelled, or logistics"
            )
        fields.update(
            status=AttendanceStatus.DID_NOT_ATTEND.value,
            absence_reason=reason,
            acceptable_absence=True,
        )
        return fields
    if answer.status not in {s.value for s in AttendanceStatus}:
        errors["status"] = "Choose attended, late or did not attend"
        return fields
    if answer.status != AttendanceStatus.DID_NOT_ATTEND.value:
        fields.update(status=answer.status, absence_reason=None, acceptable_absence=None)
        return fields
    if answer.acceptable_absence is None:
        acceptable = reason in ACCEPTABLE_REASONS
    else:
        acceptable = bool(answer.acceptable_absence)
        if reason is not None and acceptable != (reason in ACCEPTABLE_REASONS):
            errors["acceptable_absence"] = (
                "Whether the reason is acceptable does not match the reason chosen"
            )
    if reason is None:
        reason = (
            AbsenceReason.PERSONS_ACCEPTABLE_REASON.value
            if acceptable
            else AbsenceReason.NO_REASON.value
        )
    fields.update(
        status=AttendanceStatus.DID_NOT_ATTEND.value,
        absence_reason=reason,
        acceptable_absence=acceptable,
    )
    return fields


def cancel_appointment(actor, appointment_id: uuid.UUID, reason: str | None) -> AttendanceRecord:
    """Cancel a booked appointment: recorded as not taking place, because the side that
    runs it cancelled it (the partner; for a one-to-one, logistics), with the reason."""
    appointment = get_appointment_for(actor, appointment_id)
    reason = clean_text(reason, TEXT_MAX)
    if reason is None:
        raise InvalidInput({"reason": "Enter why the appointment is cancelled"})
    cancelled_by = (
        AbsenceReason.PARTNER_CANCELLED if appointment.referral_id else AbsenceReason.LOGISTICS
    )
    return record_attendance(
        actor,
        appointment.id,
        AttendanceAnswer(
            status=None, happened=False, absence_reason=cancelled_by.value, notes=reason
        ),
    )


def still_booked(rows, now=None) -> list:
    """The rows of appointments yet to come that nobody has cancelled or moved."""
    now = now or utcnow()
    return [row for row in rows if row.state == "booked" and row.appointment.starts_at > now]


def not_started_text(appointment) -> str:
    return (
        "Attendance can be recorded once the appointment has started, at "
        f"{london_text(appointment.starts_at)}"
    )


def raises_concern(record: AttendanceRecord) -> bool:
    return record.status == AttendanceStatus.DID_NOT_ATTEND.value and not record.acceptable_absence


def record_attendance(
    actor, appointment_id: uuid.UUID, answer: AttendanceAnswer, *, correction_reason=None
) -> AttendanceRecord:
    """Record what happened at an appointment, or correct what was recorded.

    Without ``correction_reason`` this must be the first record; with it, the new record
    corrects the one that stands (the old one is kept as it was)."""
    appointment = get_appointment_for(actor, appointment_id)
    check_recorder(actor, appointment)
    errors: dict[str, str] = {}
    fields = _checked_answer(answer, errors)
    correction_reason = clean_text(correction_reason, TEXT_MAX)
    standing = current_record(list(appointment.attendance))
    if standing is not None and correction_reason is None:
        errors.setdefault(
            "correction_reason", "Attendance is already recorded: enter why you are correcting it"
        )
    if errors:
        if set(errors) == {"correction_reason"}:
            raise AttendanceRecorded(
                "Attendance has already been recorded for this appointment: "
                "send a correction_reason to correct it"
            )
        raise InvalidInput(errors, "The attendance record is not valid")
    if appointment.rescheduled_at is not None:
        raise AppointmentRescheduled(
            "This appointment was rescheduled: record attendance at the new appointment"
        )
    if fields["happened"] and not has_started(appointment):
        raise AppointmentInFuture(
            {"status": not_started_text(appointment)}, "The appointment has not started yet"
        )
    # The appointment's record of the last change, so that partner systems syncing with
    # updated_since see the new attendance; the attendance itself is a new row.
    appointment.updated_at = utcnow()
    record = AttendanceRecord(
        appointment_id=appointment.id,
        recorded_by_id=actor.id,
        corrects_id=standing.id if standing else None,
        correction_reason=correction_reason if standing else None,
        **fields,
    )
    db.session.add(record)
    try:
        db.session.flush()
    except IntegrityError:
        # Someone else corrected the same record a moment ago (corrects_id is unique).
        db.session.rollback()
        raise StaleVersion(
            "Someone else recorded attendance for this appointment a moment ago: check it "
            "and try again"
        ) from None
    case = db.session.get(Case, appointment.case_id)
    _after_attendance(actor, case, appointment, record, standing)
    events.attendance_recorded.send(appointment, record=record, actor=actor)
    try:
        db.session.commit()
    except StaleDataError:  # the referral it started changed at the same moment
        db.session.rollback()
        raise StaleVersion(
            "Someone else changed this referral a moment ago: check the appointment and try again"
        ) from None
    return record


def _after_attendance(actor, case, appointment, record, corrected) -> None:
    from app.evidence.queries import attendance_text

    audit.record(
        "attendance.corrected" if corrected else "attendance.recorded",
        "appointment",
        appointment.id,
        actor=actor,
        details={
            "case_id": str(case.id),
            "attendance_id": str(record.id),
            "corrects_id": str(corrected.id) if corrected else None,
            "status": record.status,
            "acceptable_absence": record.acceptable_absence,
        },
    )
    source = appointment.referral.organisation.name if appointment.referral else "Keyworker"
    when = london_text(appointment.starts_at)
    summary = f"{source}: appointment on {when}: {attendance_text(record).lower()}"
    if corrected:
        summary = f"Correction. {summary} (was: {attendance_text(corrected).lower()})"
    add_event(
        case,
        "attendance.corrected" if corrected else "attendance.recorded",
        summary,
        actor=actor,
    )
    keyworker = case.keyworker
    link = f"/cases/{case.id}/evidence"
    if raises_concern(record) and not (corrected and raises_concern(corrected)):
        concern = ComplianceConcern(
            case_id=case.id,
            attendance_id=record.id,
            summary=f"Did not attend an appointment ({source}, {when}) without an acceptable "
            "reason"[:300],
        )
        db.session.add(concern)
        db.session.flush()
        audit.record(
            "compliance.concern_raised",
            "compliance_concern",
            concern.id,
            actor=actor,
            details={"case_id": str(case.id), "attendance_id": str(record.id)},
        )
        add_event(case, "compliance.concern_raised", concern.summary, actor=actor)
        notify(
            keyworker,
            "compliance_concern",
            "A compliance concern needs your decision",
            "A missed appointment without an acceptable reason was recorded on one of your "
            "cases. Sign in to the hub to record your decision.",
            link_path=link,
            object_type="case",
            object_id=case.id,
        )
    if record.tell_keyworker_now and record.concern:
        add_event(case, "attendance.concern_reported", f"{source} reported a concern", actor=actor)
        notify(
            keyworker,
            "partner_concern",
            "A concern about behaviour or risk was reported",
            "A concern about behaviour or risk was reported on one of your cases and you were "
            "asked to be told now. Sign in to the hub to read it.",
            link_path=link,
            object_type="case",
            object_id=case.id,
        )
