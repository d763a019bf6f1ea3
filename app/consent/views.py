"""Consent pages: record, list, withdraw, and the printable summary for the person.

Thin views: form, then service, then redirect (Post/Redirect/Get) or the form again with
its errors (status 400). Every read of a case goes through the consent services, which
check the case policy (out of scope: 404) and audit the read.
"""

from __future__ import annotations

import uuid

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms import SelectChoice

from app.auth.permissions import blueprint_roles
from app.auth.roles import Role
from app.cases.services import view_case
from app.consent import queries, services
from app.consent.forms import ConsentForm, WithdrawConsentForm, category_items, method_items
from app.consent.models import ConsentStatus
from app.database import utcnow
from app.errors import Conflict, InvalidInput, StaleVersion
from app.forms import form_version
from app.pagination import Page, page_number
from app.partners import directory as partner_directory

bp = Blueprint("consent", __name__)
blueprint_roles(bp, Role.KEYWORKER, Role.SUPERVISOR)


@bp.get("/cases/<uuid:case_id>/consents")
def index(case_id: uuid.UUID):
    history_page = page_number(request.args.get("page"))
    overview = queries.consent_overview(current_user, case_id, history_page=history_page)
    page = Page(history_page, overview.per_page, overview.history_total)
    now = utcnow()
    return render_template(
        "consent/index.html",
        case=overview.case,
        overview=overview,
        page=page,
        pagination=page.govuk_params(
            lambda n: url_for("consent.index", case_id=case_id, page=n, _anchor="history")
        ),
        now=now,
        category_labels=services.category_labels,
        ConsentStatus=ConsentStatus,
    )


@bp.route("/cases/<uuid:case_id>/consents/new", methods=["GET", "POST"])
def new(case_id: uuid.UUID):
    case = view_case(current_user, case_id, purpose="consent_form")
    if not services.can_record_consent(case):
        flash(services.closed_message(case), "error")
        return redirect(url_for("consent.index", case_id=case_id))
    default_expiry = services.default_expiry(case)
    form = ConsentForm()
    form.organisation_id.choices = [SelectChoice("", "Select an organisation")] + [
        SelectChoice(str(o.id), o.name) for o in partner_directory.active_organisations()
    ]
    form.expires_on.description = (
        f"Leave blank to use the usual expiry: {default_expiry.day} {default_expiry:%B %Y}, "
        "3 months after the contract ends. For example, 27 3 2027"
    )
    if form.validate_on_submit():
        try:
            consent = services.give_consent(
                current_user,
                case_id,
                form.organisation_id.data,
                form.categories.data,
                form.method.data,
                form.notice_version.data,
                form.expires_on.data,
            )
        except services.CaseClosed as closed:
            flash(closed.message, "error")
            return redirect(url_for("consent.index", case_id=case_id))
        except InvalidInput as invalid:
            form.apply_service_error(invalid)
        else:
            flash(f"Consent recorded for {consent.organisation.name}", "success")
            return redirect(url_for("consent.index", case_id=case_id))
    return render_template(
        "consent/new.html",
        form=form,
        case=case,
        category_items=category_items(),
        method_items=method_items(),
    ), 400 if form.errors else 200


@bp.route("/consents/<uuid:consent_id>/withdraw", methods=["GET", "POST"])
def withdraw(consent_id: uuid.UUID):
    consent = queries.consent_for_withdrawal(current_user, consent_id)
    case_id = consent.case_id
    refused = services.withdrawal_refusal(consent)
    if refused is not None:
        flash(refused.message, "error")
        return redirect(url_for("consent.index", case_id=case_id))
    form = WithdrawConsentForm()
    if request.method == "GET":
        form.version.data = str(consent.version)
    if form.validate_on_submit():
        try:
            services.withdraw_consent(
                current_user, consent_id, form.reason.data, form_version(form.version.data)
            )
        except StaleVersion:
            abort(409)
        except InvalidInput as invalid:
            form.apply_service_error(invalid)
        except Conflict as conflict:  # already withdrawn or expired meanwhile
            flash(conflict.message, "error")
            return redirect(url_for("consent.index", case_id=case_id))
        else:
            flash(
                f"Consent withdrawn. Nothing more of the person's information may be shared "
                f"with {consent.organisation.name}",
                "success",
            )
            return redirect(url_for("consent.index", case_id=case_id))
    return render_template(
        "consent/withdraw.html",
        form=form,
        consent=consent,
        case=consent.case,
        category_labels=services.category_labels,
    ), 400 if form.errors else 200


@bp.get("/cases/<uuid:case_id>/consents/summary")
def summary(case_id: uuid.UUID):
    consent_summary = queries.consent_summary(current_user, case_id)
    return render_template(
        "consent/summary.html", summary=consent_summary, case=consent_summary.case
    )
