"""The victim liaison officer's home page."""

from flask import Blueprint, render_template

from app.auth.permissions import blueprint_roles
from app.auth.roles import Role

bp = Blueprint("victims", __name__, url_prefix="/victims")
blueprint_roles(bp, Role.VICTIM_LIAISON)


@bp.get("/")
def home():
    return render_template("victims/home.html")
