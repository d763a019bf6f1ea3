"""The partner organisation's referral inbox."""

from flask import Blueprint, render_template

from app.auth.permissions import blueprint_roles
from app.auth.roles import Role

bp = Blueprint("referrals", __name__, url_prefix="/referrals")
blueprint_roles(bp, Role.PARTNER)


@bp.get("/inbox")
def inbox():
    return render_template("referrals/inbox.html")
