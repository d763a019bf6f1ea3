"""The help page: the scheme in brief, what each status and code means, the four Rs, the
timescales and who to contact. It holds no personal data, so anyone may read it, signed
in or not (it is linked from every page's footer)."""

from __future__ import annotations

from flask import Blueprint, render_template

from app.auth.permissions import public
from app.help import content

bp = Blueprint("help", __name__, url_prefix="/help")


@bp.get("/")
@public
def index():
    return render_template(
        "help/index.html",
        case_statuses=content.case_statuses(),
        referral_statuses=content.referral_statuses(),
        referral_outcomes=content.referral_outcomes(),
        outcome_codes=content.outcome_codes(),
        outcome_22_note=content.OUTCOME_22_NOTE,
        outcome_results=content.outcome_results(),
        condition_types=content.condition_types(),
        timescales=content.timescales(),
        contact=content.contact(),
    )
