"""The keyworker's caseload and the supervisor's team view."""

from flask import Blueprint, render_template

from app.auth.permissions import roles_required
from app.auth.roles import Role

bp = Blueprint("cases", __name__, url_prefix="/cases")


@bp.get("/")
@roles_required(Role.KEYWORKER)
def caseload():
    return render_template("cases/caseload.html")


@bp.get("/team")
@roles_required(Role.SUPERVISOR)
def team():
    return render_template("cases/team.html")
