"""Referral pages: the partner's inbox (their home page), one referral's page for either
side, and the actions on it. The keyworker's case pages are in ``case_views``, on the
same blueprint.

Thin views: form, then service, then Post/Redirect/Get with a confirmation banner, or the
page again with the form's errors (status 400). A stale form or a move someone else made
first is reported on the referral's page ("someone else changed it").
"""

from __future__ import annotations

import uuid

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms import SelectChoice

from app.auth.permissions import roles_required
from app.auth.roles import Role
from app.consent.models import CATEGORY_LABELS
from app.errors import Forbidden, InvalidInput, StaleVersion
from app.evidence import lists as evidence_lists
from app.evidence import queries as evidence_queries
from app.evidence import services as evidence_services
from app.evidence.attendance import still_booked
from app.pagination import page_number
from app.referrals import labels, lifecycle, moves, queries, services
from app.referrals.blueprint import bp
from app.referrals.errors import ConsentRequired, InvalidTransition, ReferralClosed
from app.referrals.forms import (
    ACTION_FORMS,
    AssignWorkerForm,
    CancelForm,
    ConfirmForm,
    StaffUpdateForm,
    UpdateForm,
    version_of,
)
from app.referrals.models import CLOSED_STATUSES, OPEN_STATUSES, ReferralStatus
from app.referrals.policy import get_referral_for, is_partner
from app.referrals.presenters import CONSENT_GONE_TEXT
from app.referrals.reference import reference
from app.tasks.reads import mark_referral_read

ACTIONS = "any(" + ", ".join(moves.PAGE_ACTIONS) + ")"


@bp.get("/referrals/inbox")
@roles_required(Role.PARTNER)
def inbox():
    inbox = queries.partner_inbox(
        current_user,
        tab=request.args.get("tab", "new"),
        page=page_number(request.args.get("page")),
        search=request.args.get("q"),
    )
    pagination = inbox.page.govuk_params(
        lambda n: url_for("referrals.inbox", tab=inbox.tab, q=inbox.search, page=n)
    )
    return render_template(
        "referrals/inbox.html",
        inbox=inbox,
        tabs=queries.TABS,
        pagination=pagination,
        labels=labels,
    )


@bp.get("/referrals/<uuid:referral_id>")
def show(referral_id: uuid.UUID):
    if is_partner(current_user):
        return _partner_page(referral_id)
    return _staff_page(referral_id)


@bp.post(f"/referrals/<uuid:referral_id>/<{ACTIONS}:action>")
def act(referral_id: uuid.UUID, action: str):
    """One move of the lifecycle, from either side; the service decides if it is legal."""
    referral = get_referral_for(current_user, referral_id)
    target = moves.target_for_action(action, referral)
    back = redirect(url_for("referrals.show", referral_id=referral_id))
    if target is None:
        flash("This referral is not on hold, so it cannot be resumed", "error")
        return back
    form = ACTION_FORMS[action](prefix=action)
    if not form.validate_on_submit():
        return _page(referral_id, failed={action: form})
    try:
        lifecycle.transition(
            current_user,
            referral_id,
            target.value,
            reason=_data(form, "reason"),
            details=_data(form, "details"),
            outcome=_data(form, "outcome"),
            version=version_of(form.version.data),
        )
    except (StaleVersion, InvalidTransition, ConsentRequired) as refused:
        flash(refused.message, "error")
        return back
    except InvalidInput as invalid:
        form.apply_service_error(invalid)
        return _page(referral_id, failed={action: form})
    flash(f"Referral {reference(referral_id)} {moves.ACTION_DONE[action]}", "success")
    return back


@bp.post("/referrals/<uuid:referral_id>/worker")
@roles_required(Role.PARTNER)
def assign_worker(referral_id: uuid.UUID):
    form = AssignWorkerForm(prefix="assign")
    back = redirect(url_for("referrals.show", referral_id=referral_id))
    if not form.validate_on_submit():
        return _page(referral_id, failed={"assign": form})
    try:
        referral = services.assign_worker(
            current_user, referral_id, form.worker_id.data, version_of(form.version.data)
        )
    except Forbidden:  # not theirs to do: answered as out of scope is (404), not 403
        abort(404)
    except (StaleVersion, ReferralClosed) as refused:
        flash(refused.message, "error")
        return back
    except InvalidInput as invalid:
        form.apply_service_error(invalid)
        return _page(referral_id, failed={"assign": form})
    worker = referral.assigned_worker
    flash(
        f"{worker.name} is now the named worker" if worker else "The named worker was removed",
        "success",
    )
    return back


@bp.post("/referrals/<uuid:referral_id>/updates")
@roles_required(Role.PARTNER, Role.KEYWORKER, Role.SUPERVISOR)
def post_update(referral_id: uuid.UUID):
    partner = is_partner(current_user)
    form = (UpdateForm if partner else StaffUpdateForm)(prefix="update")
    if not form.validate_on_submit():
        return _page(referral_id, failed={"update": form})
    try:
        services.post_update(current_user, referral_id, form.body.data)
    except Forbidden:  # not theirs to do: answered as out of scope is (404), not 403
        abort(404)
    except (InvalidInput, ReferralClosed) as invalid:
        form.apply_service_error(invalid)
        return _page(referral_id, failed={"update": form})
    told = "The keyworker has been told" if partner else "The partner organisation has been told"
    flash(f"Update posted. {told}", "success")
    return redirect(url_for("referrals.show", referral_id=referral_id))


# Rendering ----------------------------------------------------------------------------


def _page(referral_id, failed):
    if is_partner(current_user):
        return _partner_page(referral_id, failed)
    return _staff_page(referral_id, failed)


def _partner_page(referral_id: uuid.UUID, failed: dict | None = None):
    failed = failed or {}
    data = queries.partner_referral(current_user, referral_id, purpose="partner_page")
    view = data.view
    version = {"version": view["version"]}
    forms = {
        move.action: failed.get(move.action)
        or ACTION_FORMS[move.action](prefix=move.action, formdata=None, data=version)
        for move in data.moves
    }
    assign_form = None
    if services.worker_can_change(view["status"]):
        assign_form = failed.get("assign") or AssignWorkerForm(
            prefix="assign",
            formdata=None,
            data={
                **version,
                "worker_id": str(view["assigned_worker"]["id"]) if view["assigned_worker"] else "",
            },
        )
        assign_form.worker_id.choices = [SelectChoice("", "Not assigned")] + [
            SelectChoice(str(w.id), w.name) for w in data.workers
        ]
    update_form = failed.get("update") or UpdateForm(prefix="update", formdata=None)
    failed_form = next(iter(failed.values()), None)
    appointment_rows = evidence_lists.referral_appointments_by_id(view["id"])
    closed = view["status"] in CLOSED_STATUSES
    return render_template(
        "referrals/partner_show.html",
        appointment_rows=appointment_rows,
        still_booked=still_booked(appointment_rows) if closed else [],
        can_book=evidence_services.takes_appointments(view["status"]),
        can_record=True,
        mode_labels=evidence_queries.MODE_LABELS,
        view=view,
        forms=forms,
        assign_form=assign_form,
        update_form=update_form,
        form=failed_form,
        action_labels=moves.ACTION_LABELS,
        category_labels=CATEGORY_LABELS,
        consent_gone_text=CONSENT_GONE_TEXT,
        labels=labels,
    ), 400 if failed_form is not None else 200


def _staff_page(referral_id: uuid.UUID, failed: dict | None = None):
    failed = failed or {}
    data = queries.staff_referral(current_user, referral_id)
    if data.case.keyworker_id == current_user.id:
        mark_referral_read(current_user, referral_id)  # the work queue's "not yet read"
    view = data.view
    version = {"version": view["version"]}
    actions = {m.action for m in data.moves}
    cancel_form = None
    if "cancel" in actions:
        cancel_form = failed.get("cancel") or CancelForm(
            prefix="cancel", formdata=None, data=version
        )
    resume_form = None
    if data.can_resume:
        resume_form = failed.get("resume") or ConfirmForm(
            prefix="resume", formdata=None, data=version
        )
    update_form = None
    if ReferralStatus(view["status"]) in OPEN_STATUSES:
        update_form = failed.get("update") or StaffUpdateForm(prefix="update", formdata=None)
    failed_form = next(iter(failed.values()), None)
    appointment_rows = evidence_lists.referral_appointments(data.referral)
    closed = view["status"] in CLOSED_STATUSES
    return render_template(
        "referrals/staff_show.html",
        appointment_rows=appointment_rows,
        still_booked=still_booked(appointment_rows) if closed else [],
        can_book=False,
        can_record=False,
        mode_labels=evidence_queries.MODE_LABELS,
        case=data.case,
        referral=data.referral,
        view=view,
        cancel_form=cancel_form,
        resume_form=resume_form,
        update_form=update_form,
        on_hold=view["status"] == ReferralStatus.ON_HOLD,
        form=failed_form,
        category_labels=CATEGORY_LABELS,
        labels=labels,
    ), 400 if failed_form is not None else 200


def _data(form, name: str):
    field = getattr(form, name, None)
    return field.data if field is not None else None


from app.referrals import case_views  # noqa: E402,F401  (the keyworker's pages, same blueprint)
