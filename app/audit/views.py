"""Administrators browse the audit log, filtered by object and by user."""

from __future__ import annotations

import uuid

from flask import Blueprint, render_template, request, url_for

from app.audit import services as audit
from app.auth.permissions import blueprint_roles
from app.auth.roles import Role
from app.pagination import Page, page_number

bp = Blueprint("audit", __name__, url_prefix="/audit")
blueprint_roles(bp, Role.ADMIN)


def _uuid_or_none(raw: str | None) -> uuid.UUID | None:
    try:
        return uuid.UUID(raw) if raw else None
    except ValueError:
        return None


@bp.get("/")
def index():
    object_id = (request.args.get("object_id") or "").strip()[:64] or None
    actor_raw = (request.args.get("actor_id") or "").strip()
    actor_id = _uuid_or_none(actor_raw)
    errors = {}
    if actor_raw and actor_id is None:
        errors["actor_id"] = "Enter a user ID in the correct format"
    page = page_number(request.args.get("page"))
    entries, total = audit.list_entries(object_id=object_id, actor_id=actor_id, page=page)
    page_info = Page(page, audit.PAGE_SIZE, total)

    def url_for_page(n: int) -> str:
        return url_for("audit.index", object_id=object_id, actor_id=actor_raw or None, page=n)

    return render_template(
        "audit/index.html",
        entries=entries,
        page=page_info,
        pagination=page_info.govuk_params(url_for_page),
        object_id=object_id or "",
        actor_id=actor_raw,
        errors=errors,
    )
