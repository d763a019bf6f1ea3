"""The keyworker's referral pages of a case: the list, choosing an organisation, and the
referral form. Registered on the ``referrals`` blueprint (see ``views``), keyworker of the
case and supervisors only: every case id goes through the case policy (out of scope: 404).
"""

from __future__ import annotations

import uuid

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms import SelectChoice

from app.auth.permissions import roles_required
from app.auth.roles import Role
from app.consent.models import CATEGORY_LABELS, ConsentCategory
from app.errors import Forbidden, InvalidInput, InvalidState
from app.pagination import page_number
from app.partners.models import ServiceType
from app.referrals import directory, labels, queries, services
from app.referrals.blueprint import bp
from app.referrals.errors import ConsentRequired, IsaExpired, NotAccepting
from app.referrals.forms import ReferralForm
from app.referrals.reference import reference

STAFF = (Role.KEYWORKER, Role.SUPERVISOR)


@bp.get("/cases/<uuid:case_id>/referrals")
@roles_required(*STAFF)
def case_referrals(case_id: uuid.UUID):
    page = page_number(request.args.get("page"))
    result = queries.case_referrals(current_user, case_id, page=page)
    return render_template(
        "referrals/case_referrals.html",
        case=result.case,
        result=result,
        pagination=result.page.govuk_params(
            lambda n: url_for("referrals.case_referrals", case_id=case_id, page=n)
        ),
        labels=labels,
        can_refer=services.case_refusal(result.case) is None,
    )


@bp.get("/cases/<uuid:case_id>/referrals/new")
@roles_required(*STAFF)
def case_choose_organisation(case_id: uuid.UUID):
    found = directory.directory_for_case(
        current_user,
        case_id,
        service_type=request.args.get("service_type"),
        page=page_number(request.args.get("page")),
    )
    return render_template(
        "referrals/choose_organisation.html",
        case=found.case,
        directory=found,
        service_types=list(ServiceType),
        pagination=found.page.govuk_params(
            lambda n: url_for(
                "referrals.case_choose_organisation",
                case_id=case_id,
                service_type=found.service_type,
                page=n,
            )
        ),
    )


@bp.route("/cases/<uuid:case_id>/referrals/new/<uuid:organisation_id>", methods=["GET", "POST"])
@roles_required(*STAFF)
def case_new_referral(case_id: uuid.UUID, organisation_id: uuid.UUID):
    context = directory.form_context(current_user, case_id, organisation_id)
    if context.refusal:
        flash(context.refusal, "error")
        return redirect(url_for("referrals.case_choose_organisation", case_id=case_id))
    form = ReferralForm()
    form.shared_categories.choices = [
        SelectChoice(c, CATEGORY_LABELS[ConsentCategory(c)]) for c in context.allowed
    ]
    form.condition_ids.choices = [
        SelectChoice(str(c.id), f"{c.type_enum.label}: {c.description}") for c in context.conditions
    ]
    if context.allowed and form.validate_on_submit():
        introduction_at = form.introduction_at()
        if not _has_errors(form):
            try:
                referral = services.send_referral(
                    current_user,
                    case_id,
                    organisation_id,
                    form.condition_ids.data,
                    form.need.data,
                    form.message.data,
                    form.introduction_method.data,
                    introduction_at,
                    form.shared_categories.data,
                )
            except Forbidden:  # not theirs to do: answered as out of scope is (404), not 403
                abort(404)
            except (InvalidState, IsaExpired, NotAccepting) as refused:
                flash(refused.message, "error")
                return redirect(url_for("referrals.case_choose_organisation", case_id=case_id))
            except (ConsentRequired, InvalidInput) as invalid:
                form.apply_service_error(invalid)
            else:
                flash(
                    f"Referral {reference(referral.id)} sent to {context.organisation.name}. "
                    f"They should acknowledge it by {referral.acknowledge_by.day} "
                    f"{referral.acknowledge_by:%B %Y}",
                    "success",
                )
                return redirect(url_for("referrals.show", referral_id=referral.id))
    return render_template(
        "referrals/new.html",
        case=context.case,
        organisation=context.organisation,
        form=form,
        has_consent=bool(context.allowed),
    ), 400 if _has_errors(form) else 200


def _has_errors(form) -> bool:
    return any(field.errors for field in form)
