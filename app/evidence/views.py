"""Pages for appointments, attendance, condition evidence and compliance decisions.

Thin views: form, then service, then Post/Redirect/Get with a confirmation banner, or the
page again with the form's errors (status 400). The services decide who may do what; a
NotFound or Forbidden from them (or from ``policy``) answers 404 or 403 (app.web_errors).
"""

from __future__ import annotations

import uuid

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms import SelectChoice

from app.audit import services as audit
from app.auth.permissions import blueprint_roles, roles_required
from app.auth.roles import Role
from app.cases.models import Case
from app.cases.services import view_case
from app.contracts.progress import condition_status, names_of
from app.contracts.variations import get_condition_for
from app.errors import Conflict, InvalidInput
from app.evidence import attendance as attendance_service
from app.evidence import compliance, lists, policy, queries, services
from app.evidence.forms import (
    AppointmentForm,
    AttendanceForm,
    DecisionForm,
    EntryForm,
    OneToOneForm,
    RescheduleForm,
)
from app.extensions import db
from app.pagination import page_number
from app.referrals.policy import get_referral_for
from app.referrals.reference import reference

bp = Blueprint("evidence", __name__)
blueprint_roles(bp, Role.PARTNER, Role.KEYWORKER, Role.SUPERVISOR)

STAFF = (Role.KEYWORKER, Role.SUPERVISOR)
PER_PAGE = 25


def _back_to(appointment) -> str:
    if appointment.referral_id:
        return url_for("referrals.show", referral_id=appointment.referral_id)
    return url_for("evidence.case_evidence", case_id=appointment.case_id)


# Where a form opened from a list returns to: a name, never an address (no open redirect).
RETURN_PAGES = {
    "to-record": "evidence.to_record",
    "tasks": "tasks.index",
}


def _return_to(appointment) -> str:
    endpoint = RETURN_PAGES.get(request.args.get("from", ""))
    return url_for(endpoint) if endpoint else _back_to(appointment)


def _audit_read(action: str, object_type: str, object_id, **details) -> None:
    audit.record(action, object_type, object_id, actor=current_user, details=details)
    db.session.commit()


# Appointments -------------------------------------------------------------------------


def _when_valid(form, case, referral) -> bool:
    """Validate a booking form; when it has errors, the service's check of the date and
    time entered (too early, too far off) is shown with them, so that every error shows at
    once rather than one after another."""
    if form.validate_on_submit():
        return True
    if form.is_submitted() and form.starts_at is not None:
        problems = services.check_booking(
            case, referral, form.starts_at, form.mode.data, form.location.data
        )
        if "starts_at" in problems:
            form.add_service_errors({"starts_at": problems["starts_at"]})
    return False


@bp.route("/referrals/<uuid:referral_id>/appointments/new", methods=["GET", "POST"])
@roles_required(Role.PARTNER)
def book(referral_id: uuid.UUID):
    referral = get_referral_for(current_user, referral_id)
    form = AppointmentForm()
    form.use_shortcut(request.args.get("day"))
    if _when_valid(form, referral.case, referral):
        try:
            services.book_appointment(
                current_user,
                referral.id,
                starts_at=form.starts_at,
                mode=form.mode.data,
                location=form.location.data,
            )
        except InvalidInput as invalid:
            form.apply_service_error(invalid)
        except Conflict as conflict:
            flash(conflict.message, "error")
            return redirect(url_for("referrals.show", referral_id=referral.id))
        else:
            flash("Appointment booked", "success")
            return redirect(url_for("referrals.show", referral_id=referral.id))
    return render_template("evidence/book.html", form=form, referral=referral), (
        400 if form.errors else 200
    )


@bp.get("/appointments/<uuid:appointment_id>")
@roles_required(Role.PARTNER, *STAFF)
def appointment(appointment_id: uuid.UUID):
    found = policy.get_appointment_for(current_user, appointment_id)
    _audit_read("appointment.viewed", "appointment", found.id, purpose="appointment_page")
    records = sorted(found.attendance, key=lambda r: r.recorded_at)
    return render_template(
        "evidence/appointment.html",
        appointment=found,
        row=lists.AppointmentRow(found, queries.current_record(records), ""),
        records=records,
        earlier=lists.appointment_history(found),
        replacement=lists.replacement_of(found),
        names=names_of([r.recorded_by_id for r in records] + [found.created_by_id]),
        can_record=policy.can_record(current_user, found),
        started=services.has_started(found),
        not_started_text=attendance_service.not_started_text(found),
        back=_back_to(found),
        labels=queries,
    )


@bp.route("/appointments/<uuid:appointment_id>/reschedule", methods=["GET", "POST"])
@roles_required(Role.PARTNER, *STAFF)
def reschedule(appointment_id: uuid.UUID):
    found = policy.get_appointment_for(current_user, appointment_id)
    policy.check_recorder(current_user, found)
    form = RescheduleForm()
    form.use_shortcut(request.args.get("day"))
    if request.method == "GET":
        form.mode.data = found.mode
        form.location.data = found.location
    if _when_valid(form, db.session.get(Case, found.case_id), found.referral):
        try:
            replacement = services.reschedule_appointment(
                current_user,
                found.id,
                starts_at=form.starts_at,
                reason=form.reason.data,
                mode=form.mode.data,
                location=form.location.data or "",
            )
        except InvalidInput as invalid:
            form.apply_service_error(invalid)
        except Conflict as conflict:
            flash(conflict.message, "error")
            return redirect(url_for("evidence.appointment", appointment_id=found.id))
        else:
            flash("Appointment rescheduled", "success")
            return redirect(url_for("evidence.appointment", appointment_id=replacement.id))
    return render_template(
        "evidence/reschedule.html", form=form, appointment=found, back=_back_to(found)
    ), 400 if form.errors else 200


@bp.route("/appointments/<uuid:appointment_id>/attendance", methods=["GET", "POST"])
@roles_required(Role.PARTNER, *STAFF)
def attendance(appointment_id: uuid.UUID):
    found = policy.get_appointment_for(current_user, appointment_id)
    policy.check_recorder(current_user, found)
    if not services.has_started(found):
        flash(attendance_service.not_started_text(found), "info")
        return redirect(url_for("evidence.appointment", appointment_id=found.id))
    standing = queries.current_record(list(found.attendance))
    form = AttendanceForm()
    if found.referral_id is None:
        form.one_to_one()
    valid = form.validate_on_submit()
    if valid and standing and not form.correction_reason.data:
        form.correction_reason.errors = ["Enter why you are correcting the record"]
        valid = False
    if valid:
        try:
            attendance_service.record_attendance(
                current_user,
                found.id,
                form.attendance_answer(),
                correction_reason=form.correction_reason.data if standing else None,
            )
        except InvalidInput as invalid:
            form.apply_service_error(invalid)
        except Conflict as conflict:
            flash(conflict.message, "error")
            return redirect(url_for("evidence.appointment", appointment_id=found.id))
        else:
            flash("Attendance corrected" if standing else "Attendance recorded", "success")
            return redirect(_return_to(found))
    return render_template(
        "evidence/attendance.html",
        form=form,
        appointment=found,
        appointment_mode=queries.MODE_LABELS[found.mode],
        reference=reference(found.referral_id) if found.referral_id else None,
        standing=standing,
        standing_text=queries.attendance_text(standing) if standing else None,
        back=_return_to(found),
    ), 400 if form.errors else 200


@bp.post("/appointments/<uuid:appointment_id>/cancel")
@roles_required(Role.PARTNER, *STAFF)
def cancel(appointment_id: uuid.UUID):
    """Cancel a booked appointment (the prompt on a closed referral's page)."""
    found = policy.get_appointment_for(current_user, appointment_id)
    policy.check_recorder(current_user, found)
    try:
        attendance_service.cancel_appointment(current_user, found.id, request.form.get("reason"))
    except InvalidInput as invalid:
        flash(next(iter(invalid.errors.values())), "error")
    except Conflict as conflict:
        flash(conflict.message, "error")
    else:
        flash(f"Appointment on {services.london_text(found.starts_at)} cancelled", "success")
    return redirect(_back_to(found))


@bp.get("/appointments/to-record")
@roles_required(Role.PARTNER, *STAFF)
def to_record():
    page = page_number(request.args.get("page"))
    rows, total = lists.awaiting_attendance(current_user, page=page, per_page=PER_PAGE)
    audit.record_list_read(
        "appointments.awaiting_listed",
        "appointment",
        [row.appointment.id for row in rows],
        actor=current_user,
        page=page,
    )
    return render_template(
        "evidence/to_record.html",
        rows=rows,
        total=total,
        page=page,
        per_page=PER_PAGE,
        labels=queries,
    )


# The case side ----------------------------------------------------------------------


@bp.get("/cases/<uuid:case_id>/evidence")
@roles_required(*STAFF)
def case_evidence(case_id: uuid.UUID):
    case = view_case(current_user, case_id, purpose="evidence_page")
    page = page_number(request.args.get("page"))
    rows, total = lists.case_appointments(case.id, page=page, per_page=PER_PAGE)
    concerns = lists.case_concerns(case.id)
    names = names_of(
        [d.decided_by_id for c in concerns for d in c.decisions]
        + [r.record.recorded_by_id for r in rows if r.record]
    )
    return render_template(
        "evidence/case.html",
        case=case,
        rows=rows,
        total=total,
        page=page,
        per_page=PER_PAGE,
        concerns=concerns,
        names=names,
        decision_labels=compliance.DECISION_LABELS,
        labels=queries,
    )


@bp.route("/cases/<uuid:case_id>/one-to-ones/new", methods=["GET", "POST"])
@roles_required(*STAFF)
def new_one_to_one(case_id: uuid.UUID):
    case = view_case(current_user, case_id, purpose="one_to_one_form")
    form = OneToOneForm()
    form.use_shortcut(request.args.get("day"))
    if _when_valid(form, case, None):
        try:
            session = services.record_one_to_one(
                current_user,
                case.id,
                starts_at=form.starts_at,
                mode=form.mode.data,
                location=form.location.data,
            )
        except InvalidInput as invalid:
            form.apply_service_error(invalid)
        else:
            flash("One-to-one session recorded: now record whether the person attended", "success")
            return redirect(url_for("evidence.appointment", appointment_id=session.id))
    return render_template(
        "evidence/one_to_one.html", form=form, case=case
    ), 400 if form.errors else 200


@bp.route("/cases/<uuid:case_id>/conditions/<uuid:condition_id>", methods=["GET", "POST"])
@roles_required(*STAFF)
def condition(case_id: uuid.UUID, condition_id: uuid.UUID):
    found, case = get_condition_for(current_user, condition_id, case_id=case_id)
    form = EntryForm()
    if form.validate_on_submit():
        try:
            compliance.add_condition_entry(
                current_user, found.id, note=form.note.data, marks_met=form.marks_met.data
            )
        except InvalidInput as invalid:
            form.apply_service_error(invalid)
        except Conflict as conflict:
            flash(conflict.message, "error")
        else:
            flash("Evidence added", "success")
            return redirect(url_for("evidence.condition", case_id=case.id, condition_id=found.id))
    _audit_read("condition.evidence_viewed", "condition", found.id, case_id=str(case.id))
    return render_template(
        "evidence/condition.html",
        case=case,
        condition=found,
        progress=condition_status(found),
        form=form,
    ), 400 if form.errors else 200


@bp.route("/compliance-concerns/<uuid:concern_id>/decision", methods=["GET", "POST"])
@roles_required(*STAFF)
def decide(concern_id: uuid.UUID):
    concern, case = policy.get_concern_for(current_user, concern_id)
    form = DecisionForm()
    current = case.contract.current_conditions if case.contract else []
    form.condition_id.choices = [SelectChoice("", "Choose a condition")] + [
        SelectChoice(str(c.id), f"{c.type.capitalize()}: {c.description[:80]}") for c in current
    ]
    if form.validate_on_submit():
        changes = {}
        if form.required_sessions.data:
            changes["required_sessions"] = int(form.required_sessions.data)
        if form.description.data:
            changes["description"] = form.description.data
        try:
            compliance.decide_concern(
                current_user,
                concern.id,
                decision=form.decision.data,
                reason=form.reason.data,
                condition_id=uuid.UUID(form.condition_id.data) if form.condition_id.data else None,
                changes=changes,
            )
        except InvalidInput as invalid:
            form.apply_service_error(invalid)
        except Conflict as conflict:
            flash(conflict.message, "error")
        else:
            flash("Decision recorded", "success")
            return redirect(url_for("evidence.case_evidence", case_id=case.id))
    return render_template(
        "evidence/decide.html",
        form=form,
        case=case,
        concern=concern,
        decision_labels=compliance.DECISION_LABELS,
    ), 400 if form.errors else 200


from app.evidence import register_views  # noqa: E402,F401  (the attendance register, same blueprint)
