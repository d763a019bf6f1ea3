"""The search page: one box, and what it finds in the caller's scope (``services``)."""

from __future__ import annotations

from flask import Blueprint, render_template, request, url_for
from flask_login import current_user

from app.auth.permissions import roles_required
from app.errors import InvalidInput
from app.pagination import page_number
from app.search import services
from app.victims.redacted import STAGE_LABELS, stage_of

bp = Blueprint("search", __name__, url_prefix="/search")


@bp.get("/")
@roles_required(*services.SEARCH_ROLES)
def index():
    text = request.args.get("q")
    results = error = None
    if text is not None:
        try:
            results = services.search(
                current_user, text, page=page_number(request.args.get("page"))
            )
        except InvalidInput as invalid:
            error = invalid.errors["q"]
    pagination = None
    if results is not None:
        pagination = results.page.govuk_params(
            lambda n: url_for("search.index", q=results.text, page=n)
        )
    return render_template(
        "search/index.html",
        text=text or "",
        results=results,
        error=error,
        pagination=pagination,
        hint=services.HINTS[current_user.role_enum],
        stage_label=lambda status: STAGE_LABELS[stage_of(status)[0]],
    ), 400 if error else 200
