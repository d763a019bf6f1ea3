"""The retention review pages (administrators): the records due, one record's review
(erase it, or keep it for now), and erasing several at once."""

from __future__ import annotations

import uuid

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.auth.permissions import blueprint_roles
from app.auth.roles import Role
from app.errors import DomainError, InvalidInput
from app.pagination import page_number
from app.retention import services
from app.retention.forms import EraseForm, EraseSelectedForm, KeepForm
from app.retention.models import Scope

bp = Blueprint("retention", __name__, url_prefix="/retention")
blueprint_roles(bp, Role.ADMIN)

SCOPES = "any(case, victim_contact)"


@bp.get("/")
def index():
    listing = services.review_list(current_user, page_number(request.args.get("page")))
    return render_template(
        "retention/index.html",
        listing=listing,
        form=EraseSelectedForm(formdata=None),
        pagination=listing.page.govuk_params(lambda n: url_for("retention.index", page=n)),
    )


@bp.post("/erase")
def erase_selected():
    form = EraseSelectedForm()
    items = _parse_items(request.form.getlist("item"))
    if not form.validate_on_submit() or not items:
        flash("Select the records to erase, and confirm that they are no longer needed", "info")
        return redirect(url_for("retention.index"))
    erased = skipped = 0
    for case_id, scope in items:  # each its own transaction
        try:
            erased += services.erase(current_user, case_id, scope).erased
        except DomainError:
            skipped += 1
    message = f"Erased the personal data of {erased} record(s)"
    if skipped:
        message += f"; {skipped} were no longer due and were left as they are"
    flash(message, "success")
    return redirect(url_for("retention.index"))


def _parse_items(values: list[str]) -> list[tuple[uuid.UUID, Scope]]:
    items = []
    for value in values[: services.PAGE_SIZE]:
        case_id, _, scope = value.partition(":")
        try:
            items.append((uuid.UUID(case_id), Scope(scope)))
        except ValueError:
            abort(400)
    return items


@bp.route(f"/cases/<uuid:case_id>/<{SCOPES}:scope>", methods=["GET", "POST"])
def review(case_id: uuid.UUID, scope: str):
    item = services.due_for(current_user, case_id, Scope(scope))
    form = EraseForm()
    if form.validate_on_submit():
        result = services.erase(current_user, case_id, Scope(scope))
        what = "personal data" if result.scope == Scope.CASE else "victims' contact details"
        flash(f"The {what} of case {item.crime_reference} were erased", "success")
        return redirect(url_for("retention.index"))
    return render_template("retention/review.html", item=item, form=form), (
        400 if form.errors else 200
    )


@bp.route(f"/cases/<uuid:case_id>/<{SCOPES}:scope>/keep", methods=["GET", "POST"])
def keep(case_id: uuid.UUID, scope: str):
    item = services.due_for(current_user, case_id, Scope(scope))
    form = KeepForm()
    if form.validate_on_submit():
        try:
            decision = services.keep(
                current_user,
                case_id,
                Scope(scope),
                months=form.months.data,
                reason=form.reason.data,
            )
        except InvalidInput as invalid:
            form.apply_service_error(invalid)
        else:
            flash(f"Case {item.crime_reference} is kept until {decision.keep_until}", "success")
            return redirect(url_for("retention.index"))
    return render_template("retention/keep.html", item=item, form=form), (
        400 if form.errors else 200
    )
