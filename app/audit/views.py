"""Administrators browse the audit log: who did what to which object, filtered by action,
by the person who acted and by date (and, from the links on each entry, by one person or
one object)."""

from __future__ import annotations

import uuid

from flask import Blueprint, render_template, request, url_for

from app.audit import browse
from app.audit.forms import AuditFilterForm
from app.auth.permissions import blueprint_roles
from app.auth.roles import Role
from app.pagination import Page, page_number

bp = Blueprint("audit", __name__, url_prefix="/audit")
blueprint_roles(bp, Role.ADMIN)

FILTER_ARGS = ("action", "actor", "from_date", "to_date", "object_id", "actor_id")


def _uuid_or_none(raw: str | None) -> uuid.UUID | None:
    try:
        return uuid.UUID(raw) if raw else None
    except ValueError:
        return None


def _valid(field) -> bool:
    return not field.errors


@bp.get("/")
def index():
    form = AuditFilterForm(formdata=request.args)
    form.validate()  # every filter is optional: only what was typed can be wrong
    object_id = (request.args.get("object_id") or "").strip()[:64] or None
    actor_raw = (request.args.get("actor_id") or "").strip()
    actor_id = _uuid_or_none(actor_raw)
    errors = {}
    if actor_raw and actor_id is None:
        errors["actor_id"] = "Enter a user ID in the correct format"
    filters = browse.Filters(
        action=form.action.data if _valid(form.action) else None,
        actor=form.actor.data if _valid(form.actor) else None,
        actor_id=actor_id,
        object_id=object_id,
        from_date=form.from_date.data if _valid(form.from_date) else None,
        to_date=form.to_date.data if _valid(form.to_date) else None,
    )
    page = page_number(request.args.get("page"))
    rows, total = browse.browse(filters, page=page)
    page_info = Page(page, browse.PAGE_SIZE, total)
    kept = {
        name: request.args.getlist(name)
        for name in FILTER_ARGS
        if any(v.strip() for v in request.args.getlist(name))
    }

    def url_for_page(n: int) -> str:
        return url_for("audit.index", **kept, page=n)

    def without(name: str) -> str:
        return url_for("audit.index", **{k: v for k, v in kept.items() if k != name})

    return render_template(
        "audit/index.html",
        form=form,
        rows=rows,
        page=page_info,
        pagination=page_info.govuk_params(url_for_page),
        filters=filters,
        actor_name=browse.actor_name(actor_id) if actor_id else None,
        without=without,
        errors=errors,
    ), 200
