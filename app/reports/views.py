"""Performance reports: pages of aggregates for supervisors and performance analysts.

Only aggregates are shown here, never a person, a case or a referral: the analyst role
reaches these pages and nothing else. (A placeholder until the report pages arrive.)
"""

from __future__ import annotations

from flask import Blueprint, render_template

from app.auth.permissions import blueprint_roles
from app.auth.roles import Role

bp = Blueprint("reports", __name__, url_prefix="/reports")
blueprint_roles(bp, Role.SUPERVISOR, Role.ANALYST)


@bp.get("/")
def dashboard():
    return render_template("reports/dashboard.html")
