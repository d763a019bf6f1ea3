"""Appointments, attendance and compliance concerns (see shared/API.md): the same services
and policies as the pages.

- Partner users book appointments and record attendance on their own organisation's
  referrals; case staff (keyworker of the case, supervisors) read them. Anything outside
  the caller's scope answers 404; a role that may never do a thing gets 403.
- Attendance is never overwritten: a second answer needs `correction_reason`, and becomes
  a new record that points at the one it corrects.
"""

from __future__ import annotations

import uuid

from flask_login import current_user
from flask_smorest import Blueprint

from app.audit import services as audit
from app.auth.permissions import roles_required
from app.auth.roles import Role
from app.cases.services import view_case
from app.evidence import attendance, compliance, lists, queries, services
from app.evidence.schemas import (
    AppointmentListSchema,
    AppointmentQuerySchema,
    AppointmentSchema,
    AttendanceSchema,
    ConcernListSchema,
    DecisionRecordSchema,
    DecisionSchema,
    NewAppointmentSchema,
    RescheduleSchema,
)
from app.extensions import db
from app.referrals.policy import get_referral_for

blp = Blueprint(
    "api_appointments", __name__, url_prefix="", description="Appointments and attendance"
)

STAFF = (Role.KEYWORKER, Role.SUPERVISOR)
EVERYONE = (Role.PARTNER, *STAFF)


def appointment_body(appointment) -> dict:
    history = sorted(appointment.attendance, key=lambda r: r.recorded_at)
    standing = queries.current_record(history)
    row = lists.AppointmentRow(appointment, standing, "")
    return {
        "id": appointment.id,
        "referral_id": appointment.referral_id,
        "starts_at": appointment.starts_at,
        "mode": appointment.mode,
        "location": appointment.location,
        "state": row.state,
        "created_at": appointment.created_at,
        "updated_at": appointment.updated_at,
        "reschedules_id": appointment.reschedules_id,
        "rescheduled_at": appointment.rescheduled_at,
        "reschedule_reason": appointment.reschedule_reason,
        "attendance": standing,
        "attendance_history": history,
        "compliance_concern_raised": bool(standing and attendance.raises_concern(standing)),
    }


def _audited_read(appointment, purpose: str) -> None:
    audit.record(
        "appointment.viewed",
        "appointment",
        appointment.id,
        actor=current_user,
        details={"purpose": purpose},
    )
    db.session.commit()


@blp.route("/referrals/<uuid:referral_id>/appointments", methods=["POST"])
@roles_required(Role.PARTNER)
@blp.arguments(NewAppointmentSchema)
@blp.response(201, AppointmentSchema)
@blp.alt_response(403, description="Only partner users book appointments")
@blp.alt_response(404, description="No such referral, or not your organisation's")
@blp.alt_response(409, description="The referral is not open (`code: referral_closed`)")
@blp.alt_response(422, description="Invalid input")
def book_appointment(data, referral_id: uuid.UUID):
    """Book an appointment on a referral. Roles: partner (the referral's organisation)."""
    appointment = services.book_appointment(current_user, referral_id, **data)
    return appointment_body(appointment)


@blp.route("/referrals/<uuid:referral_id>/appointments", methods=["GET"])
@roles_required(*EVERYONE)
@blp.arguments(AppointmentQuerySchema, location="query")
@blp.response(200, AppointmentListSchema)
@blp.alt_response(403, description="Your role may not see appointments")
@blp.alt_response(404, description="No such referral, or outside your scope")
def list_referral_appointments(query, referral_id: uuid.UUID):
    """A referral's appointments, rescheduled ones included, oldest change first (by
    `updated_at`, then `id`), so a partner system can sync with `updated_since`.
    Roles: partner (the referral's organisation), keyworker of the case, supervisor."""
    referral = get_referral_for(current_user, referral_id)
    page, per_page = query["page"], query["per_page"]
    appointments, total = lists.referral_appointments_for_sync(
        referral.id, updated_since=query["updated_since"], page=page, per_page=per_page
    )
    audit.record_list_read(
        "appointments.listed",
        "appointment",
        [appointment.id for appointment in appointments],
        actor=current_user,
        referral_id=str(referral.id),
        page=page,
    )
    return {
        "items": [appointment_body(a) for a in appointments],
        "total": total,
        "page": page,
        "per_page": per_page,
    }


@blp.route("/appointments/<uuid:appointment_id>", methods=["GET"])
@roles_required(*EVERYONE)
@blp.response(200, AppointmentSchema)
@blp.alt_response(403, description="Your role may not see appointments")
@blp.alt_response(404, description="No such appointment, or outside your scope")
def get_appointment(appointment_id: uuid.UUID):
    """One appointment with its full attendance history.
    Roles: partner (the referral's organisation), keyworker of the case, supervisor."""
    appointment = services.get_appointment_for(current_user, appointment_id)
    _audited_read(appointment, "api_appointment")
    return appointment_body(appointment)


@blp.route("/appointments/<uuid:appointment_id>/reschedule", methods=["POST"])
@roles_required(*EVERYONE)
@blp.arguments(RescheduleSchema)
@blp.response(201, AppointmentSchema)
@blp.alt_response(403, description="Only the side that runs the appointment reschedules it")
@blp.alt_response(404, description="No such appointment, or outside your scope")
@blp.alt_response(
    409,
    description="Already rescheduled (`appointment_rescheduled`), attendance recorded "
    "(`attendance_recorded`) or referral not open (`referral_closed`)",
)
@blp.alt_response(422, description="Invalid input")
def reschedule_appointment(data, appointment_id: uuid.UUID):
    """Reschedule: a new appointment replaces this one, which is kept with the reason.
    Roles: partner (the referral's organisation); case staff for one-to-one sessions."""
    replacement = services.reschedule_appointment(current_user, appointment_id, **data)
    return appointment_body(replacement)


@blp.route("/appointments/<uuid:appointment_id>/attendance", methods=["POST"])
@roles_required(*EVERYONE)
@blp.arguments(AttendanceSchema)
@blp.response(200, AppointmentSchema)
@blp.alt_response(403, description="Only the side that runs the appointment records it")
@blp.alt_response(404, description="No such appointment, or outside your scope")
@blp.alt_response(
    409,
    description="Attendance already recorded and no `correction_reason` "
    "(`attendance_recorded`), or the appointment was rescheduled",
)
@blp.alt_response(
    422, description="Invalid input, or the appointment is after today (`appointment_in_future`)"
)
def record_attendance(data, appointment_id: uuid.UUID):
    """Record attendance at an appointment, or correct it (with `correction_reason`).
    Roles: partner (the referral's organisation); case staff for one-to-one sessions."""
    correction_reason = data.pop("correction_reason")
    attendance.record_attendance(
        current_user,
        appointment_id,
        attendance.AttendanceAnswer(**data),
        correction_reason=correction_reason,
    )
    appointment = services.get_appointment_for(current_user, appointment_id)
    db.session.refresh(appointment)
    return appointment_body(appointment)


@blp.route("/cases/<uuid:case_id>/compliance-concerns", methods=["GET"])
@roles_required(*STAFF)
@blp.response(200, ConcernListSchema)
@blp.alt_response(403, description="Only case staff see compliance concerns")
@blp.alt_response(404, description="No such case, or not one of yours")
def list_concerns(case_id: uuid.UUID):
    """The case's compliance concerns with their decisions, newest first.
    Roles: keyworker of the case, supervisor."""
    case = view_case(current_user, case_id, purpose="compliance_concerns")
    concerns = lists.case_concerns(case.id)
    return {
        "items": [
            {
                "id": c.id,
                "case_id": c.case_id,
                "attendance_id": c.attendance_id,
                "summary": c.summary,
                "raised_at": c.raised_at,
                "open": not c.decisions,
                "decisions": c.decisions,
            }
            for c in concerns
        ],
        "total": len(concerns),
    }


@blp.route("/compliance-concerns/<uuid:concern_id>/decisions", methods=["POST"])
@roles_required(*STAFF)
@blp.arguments(DecisionSchema)
@blp.response(201, DecisionRecordSchema)
@blp.alt_response(403, description="Only case staff decide on compliance concerns")
@blp.alt_response(404, description="No such concern, or not on one of your cases")
@blp.alt_response(409, description="The condition to vary has already been varied")
@blp.alt_response(422, description="Invalid input")
def decide_concern(data, concern_id: uuid.UUID):
    """Record a decision on a compliance concern: no action, a warning, a varied condition
    (a new revision) or a proposed breach. Roles: keyworker of the case, supervisor."""
    changes = {
        name: data[name]
        for name in ("description", "required_sessions", "due_date")
        if data.get(name) is not None
    }
    return compliance.decide_concern(
        current_user,
        concern_id,
        decision=data["decision"],
        reason=data["reason"],
        condition_id=data["condition_id"],
        changes=changes,
    )
