"""Administrators browse the audit log: who did what to which object, filtered by what
was done (changes or reads), by the person who acted and by date (and, from the links on
each entry, by one person or one object), and download the filtered list as CSV."""

from __future__ import annotations

import csv
import io
import uuid

from flask import Blueprint, Response, render_template, request, stream_with_context, url_for
from flask_login import current_user

from app.audit import browse, queries
from app.audit.forms import AuditFilterForm
from app.auth.permissions import blueprint_roles
from app.auth.roles import Role
from app.dates import today_in_london
from app.pagination import Page, page_number

bp = Blueprint("audit", __name__, url_prefix="/audit")
blueprint_roles(bp, Role.ADMIN)

FILTER_ARGS = ("kind", "action", "actor", "from_date", "to_date", "object_id", "actor_id")


def _uuid_or_none(raw: str | None) -> uuid.UUID | None:
    try:
        return uuid.UUID(raw) if raw else None
    except ValueError:
        return None


def _valid(field) -> bool:
    return not field.errors


def _filters() -> tuple[AuditFilterForm, queries.Filters, dict]:
    """The filters in the query string, as the page and the download both read them. A
    filter with an error narrows nothing (the page shows the error)."""
    form = AuditFilterForm(formdata=request.args)
    form.validate()  # every filter is optional: only what was typed can be wrong
    object_id = (request.args.get("object_id") or "").strip()[:64] or None
    if form.kind.data not in queries.KINDS or "kind" not in request.args:
        # Unasked, reads are left out, unless the address names an action or an object
        # (a link to one action's entries, or to an object's whole history).
        named = object_id or (form.action.data and _valid(form.action))
        form.kind.data = queries.ALL if named else queries.CHANGES
    actor_raw = (request.args.get("actor_id") or "").strip()
    actor_id = _uuid_or_none(actor_raw)
    errors = {}
    if actor_raw and actor_id is None:
        errors["actor_id"] = "Enter a user ID in the correct format"
    filters = queries.Filters(
        action=form.action.data if _valid(form.action) else None,
        actor=form.actor.data if _valid(form.actor) else None,
        actor_id=actor_id,
        object_id=object_id,
        from_date=form.from_date.data if _valid(form.from_date) else None,
        to_date=form.to_date.data if _valid(form.to_date) else None,
        kind=form.kind.data,
    )
    return form, filters, errors


def _kept() -> dict:
    return {
        name: request.args.getlist(name)
        for name in FILTER_ARGS
        if any(v.strip() for v in request.args.getlist(name))
    }


@bp.get("/")
def index():
    form, filters, errors = _filters()
    page = page_number(request.args.get("page"))
    rows, total = browse.browse(filters, current_user, page=page)
    page_info = Page(page, browse.PAGE_SIZE, total)
    kept = _kept()

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
        kind_label=queries.KINDS[filters.kind],
        actor_name=browse.actor_name(filters.actor_id) if filters.actor_id else None,
        without=without,
        export_url=url_for("audit.export", **{**kept, "kind": filters.kind}),
        errors=errors,
    ), 200


@bp.get("/export.csv")
def export():
    """The filtered list as CSV, every entry (not one page), newest first; the download
    is audited before it starts."""
    _form, filters, _errors = _filters()
    rows = browse.export_rows(filters, current_user)

    def lines():
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        buffer.write("\ufeff")  # the BOM lets Excel read UTF-8
        for row in rows:
            writer.writerow(row)
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()

    name = f"audit-log-{today_in_london().isoformat()}.csv"
    return Response(
        stream_with_context(lines()),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
