"""Appointments, attendance, keyworker evidence entries and compliance decisions.

Each public function owns its transaction: it checks who may act on the object, raises a
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
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from app.audit import services as audit
from app.auth.roles import Role
from app.cases.models import Case
from app.cases.policy import can_see_case, get_case_for
from app.cases.timeline import add_event
from app.contracts.models import Condition
from app.contracts.services import apply_variation
from app.database import utcnow
from app.dates import end_of_day_utc, today_in_london
from app.errors import Conflict, Forbidden, InvalidInput, NotFound
from app.evidence.models import (
    AbsenceReason,
    Appointment,
    AppointmentMode,
    AttendanceRecord,
    AttendanceStatus,
    ComplianceConcern,
    ComplianceDecision,
    ConcernDecision,
    ConditionEvidence,
)
from app.evidence.queries import MODE_LABELS, current_record
from app.extensions import db
from app.notifications.services import notify
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
CASE_STAFF = frozenset({Role.KEYWORKER, Role.SUPERVISOR})


class AttendanceRecorded(Conflict):
    code = "attendance_recorded"


class AppointmentRescheduled(Conflict):
    code = "appointment_rescheduled"


class ReferralNotOpen(Conflict):
    code = "referral_closed"


class StaleRecord(Conflict):
    code = "stale_version"


class AppointmentInFuture(InvalidInput):
    code = "appointment_in_future"


# Who may do what ----------------------------------------------------------------------


def get_appointment_for(actor, appointment_id: uuid.UUID) -> Appointment:
    """The appointment, if ``actor`` may see it: a user of the referral's organisation, or
    the case's staff. Anyone else is told it does not exist."""
    appointment = db.session.get(Appointment, appointment_id)
    if appointment is None or actor is None:
        raise NotFound("No such appointment")
    if actor.role == Role.PARTNER:
        referral = appointment.referral
        if referral is None or referral.organisation_id != actor.organisation_id:
            raise NotFound("No such appointment")
        return appointment
    case = db.session.get(Case, appointment.case_id)
    if actor.role in CASE_STAFF and case is not None and can_see_case(actor, case):
        return appointment
    raise NotFound("No such appointment")


def check_recorder(actor, appointment: Appointment) -> None:
    """The side that runs an appointment answers for it."""
    if appointment.referral_id is not None and actor.role != Role.PARTNER:
        raise Forbidden("Only the partner organisation records its own appointments")
    if appointment.referral_id is None and actor.role not in CASE_STAFF:
        raise Forbidden("Only the keyworker records their one-to-one sessions")


def can_record(actor, appointment: Appointment) -> bool:
    try:
        check_recorder(actor, appointment)
    except Forbidden:
        return False
    return True


# Appointments -------------------------------------------------------------------------


def _as_utc(moment) -> datetime | None:
    if not isinstance(moment, datetime):
        return None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def _clean_text(value, limit: int) -> str | None:
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
    return starts, _clean_text(location, LOCATION_MAX)


def book_appointment(
    actor, referral_id: uuid.UUID, *, starts_at, mode, location=None
) -> Appointment:
    """A partner books an appointment on one of its organisation's open referrals."""
    if actor.role != Role.PARTNER:
        raise Forbidden("Only the partner organisation books appointments on a referral")
    referral = get_referral_for(actor, referral_id)
    errors: dict[str, str] = {}
    starts, location = _check_booking(starts_at, mode, location, errors)
    if errors:
        raise InvalidInput(errors, "The appointment is not valid")
    if referral.status not in OPEN_STATUSES:
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
    when = _london_text(appointment.starts_at)
    kind = "appointment.rescheduled" if appointment.reschedules_id else "appointment.booked"
    verb = "rescheduled to" if appointment.reschedules_id else "booked for"
    add_event(
        db.session.get(Case, appointment.case_id),
        kind,
        f"{who}: appointment ({MODE_LABELS[appointment.mode].lower()}) {verb} {when}",
        actor=actor,
    )


def _london_text(moment: datetime) -> str:
    return london_datetime(moment)


def record_one_to_one(actor, case_id: uuid.UUID, *, starts_at, mode, location=None) -> Appointment:
    """Case staff record a one-to-one session with the person (an appointment on the case)."""
    if actor.role not in CASE_STAFF:
        raise Forbidden("Only case staff record one-to-one sessions")
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
    reason = _clean_text(reason, TEXT_MAX)
    if not reason:
        errors["reason"] = "Enter why the appointment is being rescheduled"
    if errors:
        raise InvalidInput(errors, "The new appointment is not valid")
    if appointment.attendance:
        raise AttendanceRecorded(
            "Attendance has been recorded for this appointment: it cannot be rescheduled"
        )
    referral = appointment.referral
    if referral is not None and referral.status not in OPEN_STATUSES:
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
        "notes": _clean_text(answer.notes, TEXT_MAX),
        "concern": _clean_text(answer.concern, TEXT_MAX),
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
    correction_reason = _clean_text(correction_reason, TEXT_MAX)
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
    if appointment.starts_at > end_of_day_utc(today_in_london()):
        raise AppointmentInFuture(
            {"status": "Attendance can only be recorded once the appointment's day has come"},
            "The appointment has not happened yet",
        )
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
        raise StaleRecord(
            "Someone else recorded attendance for this appointment a moment ago: check it "
            "and try again"
        ) from None
    case = db.session.get(Case, appointment.case_id)
    _after_attendance(actor, case, appointment, record, standing)
    db.session.commit()
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
    when = _london_text(appointment.starts_at)
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


# Keyworker evidence entries ----------------------------------------------------------


def add_condition_entry(actor, condition_id: uuid.UUID, *, note, marks_met=False):
    """Case staff record evidence against the current revision of a condition."""
    if actor.role not in CASE_STAFF:
        raise Forbidden("Only case staff record evidence against a condition")
    condition = db.session.get(Condition, condition_id)
    if condition is None:
        raise NotFound("No such condition")
    case = get_case_for(actor, condition.contract.case_id)
    note = _clean_text(note, TEXT_MAX + 1)
    if not note:
        raise InvalidInput({"note": "Enter the evidence"}, "The evidence is not valid")
    if len(note) > TEXT_MAX:
        raise InvalidInput({"note": f"Evidence must be {TEXT_MAX} characters or fewer"})
    if condition.superseded_at is not None:
        raise Conflict(
            "This condition has been varied: record evidence against its current version"
        )
    entry = ConditionEvidence(
        condition_id=condition.id, note=note, marks_met=bool(marks_met), recorded_by_id=actor.id
    )
    db.session.add(entry)
    db.session.flush()
    audit.record(
        "condition.evidence_added",
        "condition",
        condition.id,
        actor=actor,
        details={"case_id": str(case.id), "entry_id": str(entry.id), "marks_met": entry.marks_met},
    )
    label = condition.type.capitalize()
    add_event(
        case,
        "condition.evidence_added",
        f"{label} condition: evidence recorded" + (" (marked as met)" if entry.marks_met else ""),
        actor=actor,
    )
    db.session.commit()
    return entry


# Compliance decisions ---------------------------------------------------------------


def get_concern_for(actor, concern_id: uuid.UUID) -> tuple[ComplianceConcern, Case]:
    concern = db.session.get(ComplianceConcern, concern_id)
    if concern is None or actor is None or actor.role not in CASE_STAFF:
        raise NotFound("No such compliance concern")
    case = get_case_for(actor, concern.case_id)
    return concern, case


DECISION_LABELS = {
    ConcernDecision.NO_ACTION.value: "No action",
    ConcernDecision.WARNING.value: "Warning given",
    ConcernDecision.VARIED_CONDITION.value: "Condition varied",
    ConcernDecision.PROPOSED_BREACH.value: "Breach proposed",
}


def decide_concern(
    actor,
    concern_id: uuid.UUID,
    *,
    decision,
    reason,
    condition_id: uuid.UUID | None = None,
    changes: Mapping | None = None,
) -> ComplianceDecision:
    """Case staff decide what a compliance concern leads to. A varied condition is varied
    in the same transaction; a proposed breach is then taken forward as the case outcome."""
    concern, case = get_concern_for(actor, concern_id)
    errors: dict[str, str] = {}
    if decision not in DECISION_LABELS:
        errors["decision"] = "Choose a decision"
    reason = _clean_text(reason, TEXT_MAX + 1)
    if not reason:
        errors["reason"] = "Enter the reason for the decision"
    elif len(reason) > TEXT_MAX:
        errors["reason"] = f"Reason must be {TEXT_MAX} characters or fewer"
    condition = None
    if decision == ConcernDecision.VARIED_CONDITION.value:
        condition = db.session.get(Condition, condition_id) if condition_id else None
        if (
            condition is None
            or condition.contract.case_id != case.id
            or condition.superseded_at is not None
        ):
            errors["condition_id"] = "Choose the condition to vary"
    if errors:
        raise InvalidInput(errors, "The decision is not valid")
    varied = None
    if condition is not None:
        try:
            varied = apply_variation(actor, condition, case, reason, changes or {})
        except InvalidInput as invalid:
            db.session.rollback()
            raise InvalidInput(
                {("reason" if k == "reason" else k): v for k, v in invalid.errors.items()},
                invalid.message,
            ) from None
    record = ComplianceDecision(
        concern_id=concern.id,
        decision=decision,
        reason=reason,
        varied_condition_id=varied.id if varied else None,
        decided_by_id=actor.id,
    )
    db.session.add(record)
    db.session.flush()
    audit.record(
        "compliance.decided",
        "compliance_concern",
        concern.id,
        actor=actor,
        details={
            "case_id": str(case.id),
            "decision": decision,
            "varied_condition_id": str(varied.id) if varied else None,
        },
    )
    add_event(
        case,
        "compliance.decided",
        f"Compliance decision: {DECISION_LABELS[decision].lower()}",
        actor=actor,
    )
    db.session.commit()
    return record
