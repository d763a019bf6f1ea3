"""A partner organisation's lead's webhook pages: endpoints, their deliveries, a test
event, a new secret, deletion. Thin: form, then app.webhooks.services, then redirect or
render. Anyone but a lead is refused (403); another organisation's endpoint is not found.
A secret is shown once, on the page that answers the POST that made it (pages are never
cached)."""

from __future__ import annotations

import uuid

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.errors import InvalidInput
from app.pagination import Page, page_number
from app.partners.policy import lead_required
from app.webhooks import services
from app.webhooks.forms import EVENT_HINTS, ConfirmForm, WebhookForm
from app.webhooks.models import EVENT_DESCRIPTIONS
from app.webhooks.signing import EXAMPLE_VERIFIER

bp = Blueprint("webhooks", __name__, url_prefix="/webhooks")


@bp.get("/")
@lead_required
def index():
    page = page_number(request.args.get("page"))
    result = services.list_endpoints(current_user, page=page)
    page_info = Page(page, result.per_page, result.total)
    return render_template(
        "webhooks/index.html",
        endpoints=result.items,
        page=page_info,
        pagination=page_info.govuk_params(lambda n: url_for("webhooks.index", page=n)),
    )


@bp.route("/new", methods=["GET", "POST"])
@lead_required
def new():
    form = WebhookForm()
    if form.validate_on_submit():
        try:
            registered = services.register(current_user, url=form.url.data, events=form.events.data)
        except InvalidInput as invalid:
            form.apply_service_error(invalid)
        else:
            return _secret_page(registered, "Webhook endpoint added")
    status = 400 if form.errors else 200
    return render_template("webhooks/new.html", form=form, event_hints=EVENT_HINTS), status


@bp.get("/<uuid:webhook_id>")
@lead_required
def show(webhook_id: uuid.UUID):
    page = page_number(request.args.get("page"))
    endpoint, result = services.deliveries(current_user, webhook_id, page=page)
    page_info = Page(page, result.per_page, result.total)
    return render_template(
        "webhooks/show.html",
        endpoint=endpoint,
        deliveries=result.items,
        page=page_info,
        pagination=page_info.govuk_params(
            lambda n: url_for("webhooks.show", webhook_id=webhook_id, page=n)
        ),
        confirm_form=ConfirmForm(formdata=None),
        event_descriptions={e.value: text for e, text in EVENT_DESCRIPTIONS.items()},
    )


@bp.post("/<uuid:webhook_id>/test")
@lead_required
def send_test(webhook_id: uuid.UUID):
    if not ConfirmForm().validate_on_submit():
        abort(400)
    services.send_test(current_user, webhook_id)
    flash("Test event sent. Its delivery is listed below", "success")
    return redirect(url_for("webhooks.show", webhook_id=webhook_id))


@bp.post("/<uuid:webhook_id>/secret")
@lead_required
def rotate_secret(webhook_id: uuid.UUID):
    if not ConfirmForm().validate_on_submit():
        abort(400)
    return _secret_page(services.rotate_secret(current_user, webhook_id), "New secret made")


@bp.route("/<uuid:webhook_id>/delete", methods=["GET", "POST"])
@lead_required
def delete(webhook_id: uuid.UUID):
    endpoint = services.endpoint_for(current_user, webhook_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        services.delete(current_user, webhook_id)
        flash("Webhook endpoint deleted. Nothing more will be sent to it", "success")
        return redirect(url_for("webhooks.index"))
    return render_template("webhooks/delete.html", endpoint=endpoint, confirm_form=form)


def _secret_page(registered: services.Registered, title: str):
    return render_template(
        "webhooks/secret.html",
        endpoint=registered.endpoint,
        secret=registered.secret,
        title=title,
        example=EXAMPLE_VERIFIER,
    )
