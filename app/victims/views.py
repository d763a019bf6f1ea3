"""Victim liaison pages: the officer's home page, the victim-update view of a case, and
the forms for the consultation, update preferences, an update given and the survey.

The home page is for victim liaison officers only. The other pages are also open to the
keyworker of the case and supervisors (``app.victims.policy``); partners and
administrators get 403, and a case out of scope or without victims 404.
"""

from __future__ import annotations

import uuid

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.auth.permissions import blueprint_roles, roles_required
from app.auth.roles import Role
from app.dates import today_in_london
from app.errors import Conflict, InvalidInput
from app.pagination import page_number
from app.victims import liaison, listing, reads
from app.victims.forms import (
    ConsultationForm,
    PreferencesForm,
    SurveyForm,
    UpdateForm,
    victim_choices,
)
from app.victims.models import ContactMethod
from app.victims.redacted import OVERALL_TAGS
from app.victims.vocabulary import SCALE

bp = Blueprint("victims", __name__, url_prefix="/victims")
blueprint_roles(bp, Role.VICTIM_LIAISON, Role.KEYWORKER, Role.SUPERVISOR)


def _back(case_id: uuid.UUID) -> dict:
    if current_user.role == Role.VICTIM_LIAISON:
        return {"text": "Back to victim updates", "href": url_for("victims.home")}
    return {"text": "Back to the case", "href": url_for("cases.show", case_id=case_id)}


def _to_view(case_id: uuid.UUID, message: str | None = None, category: str = "info"):
    if message:
        flash(message, category)
    return redirect(url_for("victims.show", case_id=case_id))


@bp.get("/")
@roles_required(Role.VICTIM_LIAISON)
def home():
    chosen = request.args.get("show", "all")
    home = listing.home_page(
        current_user, filter=chosen, page=page_number(request.args.get("page"))
    )

    def page_url(number: int) -> str:
        return url_for("victims.home", show=home.filter, page=number)

    return render_template(
        "victims/home.html",
        home=home,
        filters=listing.FILTERS,
        pagination=home.page.govuk_params(page_url),
        today=today_in_london(),
        method_labels={m.value: m.label for m in ContactMethod},
    )


def _render_show(case_id: uuid.UUID, form: UpdateForm | None = None, status: int = 200):
    page = reads.victim_page(current_user, case_id)
    if form is None:
        form = UpdateForm()
        form.summary.data = page.view.suggested_update
        form.given_on.data = today_in_london()
        if len(page.victims) == 1:
            form.victim_id.data = str(page.victims[0].id)
    form.victim_id.choices = victim_choices(page.victims, include_all=True)
    return (
        render_template(
            "victims/show.html",
            page=page,
            view=page.view,
            form=form,
            back=_back(case_id),
            overall_tags=OVERALL_TAGS,
            today=today_in_london(),
            scale=SCALE,
        ),
        status,
    )


@bp.get("/cases/<uuid:case_id>")
def show(case_id: uuid.UUID):
    return _render_show(case_id)


@bp.post("/cases/<uuid:case_id>/updates")
def record_update(case_id: uuid.UUID):
    victims = reads.victims_of(current_user, case_id, purpose="update_form")
    form = UpdateForm()
    form.victim_id.choices = victim_choices(victims, include_all=True)
    if form.validate_on_submit():
        try:
            liaison.record_update(
                current_user,
                case_id,
                method=form.method.data,
                summary=form.summary.data,
                victim_id=uuid.UUID(form.chosen_victim()) if form.chosen_victim() else None,
                given_at=form.given_at(),
            )
        except InvalidInput as invalid:
            form.apply_service_error(invalid)
        else:
            return _to_view(case_id, "Update recorded", "success")
    return _render_show(case_id, form, 400)


@bp.route("/cases/<uuid:case_id>/consultation", methods=["GET", "POST"])
def consultation(case_id: uuid.UUID):
    reference, status = reads.case_reference(current_user, case_id)
    if not liaison.can_consult(status):
        return _to_view(
            case_id,
            "The victim's consultation is recorded before the contract, while the case is "
            "eligible, allocated or active",
        )
    victims = reads.victims_of(current_user, case_id, purpose="consultation_form")
    form = ConsultationForm()
    form.victim_id.choices = victim_choices(victims)
    if request.method == "GET" and len(victims) == 1:
        form.victim_id.data = str(victims[0].id)
    if form.validate_on_submit():
        try:
            liaison.record_consultation(
                current_user,
                case_id,
                liaison.ConsultationDetails(
                    victim_id=uuid.UUID(form.victim_id.data),
                    consulted_on=form.consulted_on.data,
                    views=form.views.data,
                    requested_actions=form.requested_actions.data,
                    not_included_reason=form.not_included_reason.data,
                ),
            )
        except InvalidInput as invalid:
            form.apply_service_error(invalid)
        except Conflict as conflict:
            return _to_view(case_id, conflict.message)
        else:
            return _to_view(case_id, "Consultation recorded", "success")
    return (
        render_template(
            "victims/consultation.html",
            form=form,
            case_id=case_id,
            crime_reference=reference,
        ),
        400 if form.errors else 200,
    )


@bp.route("/<uuid:victim_id>/preferences", methods=["GET", "POST"])
def preferences(victim_id: uuid.UUID):
    victim, case_id, reference = reads.victim_record(
        current_user, victim_id, purpose="preferences_form"
    )
    form = PreferencesForm()
    if request.method == "GET":
        form.wants_updates.data = "yes" if victim.wants_updates else "no"
        form.update_frequency.data = victim.update_frequency
        form.preferred_contact.data = victim.preferred_contact
    if form.validate_on_submit():
        try:
            liaison.change_preferences(
                current_user,
                victim_id,
                wants_updates=form.wants_updates.data == "yes",
                update_frequency=form.update_frequency.data,
                preferred_contact=form.preferred_contact.data,
            )
        except InvalidInput as invalid:
            form.apply_service_error(invalid)
        else:
            return _to_view(case_id, "Update preferences saved", "success")
    return (
        render_template(
            "victims/preferences.html",
            form=form,
            victim=victim,
            case_id=case_id,
            crime_reference=reference,
        ),
        400 if form.errors else 200,
    )


@bp.route("/cases/<uuid:case_id>/survey", methods=["GET", "POST"])
def survey(case_id: uuid.UUID):
    reference, status = reads.case_reference(current_user, case_id)
    victims = reads.victims_of(current_user, case_id, purpose="survey_form")
    form = SurveyForm()
    form.victim_id.choices = victim_choices(victims)
    if request.method == "GET" and len(victims) == 1:
        form.victim_id.data = str(victims[0].id)
    if form.validate_on_submit():
        try:
            liaison.record_survey(
                current_user,
                case_id,
                victim_id=uuid.UUID(form.victim_id.data),
                satisfaction=int(form.satisfaction.data),
                kept_informed=int(form.kept_informed.data),
                comments=form.comments.data,
            )
        except InvalidInput as invalid:
            form.apply_service_error(invalid)
        except Conflict as conflict:
            return _to_view(case_id, conflict.message)
        else:
            return _to_view(case_id, "Ending survey recorded", "success")
    elif request.method == "GET" and not liaison.survey_is_taken(status):
        return _to_view(case_id, "The victim's ending survey is taken when the case has closed")
    return (
        render_template(
            "victims/survey.html",
            form=form,
            case_id=case_id,
            crime_reference=reference,
        ),
        400 if form.errors else 200,
    )
