"""Needs assessment pages: the initial and exit assessments, side by side."""

from __future__ import annotations

from flask import Blueprint

from app.auth.permissions import blueprint_roles
from app.auth.roles import Role

bp = Blueprint("assessments", __name__)
blueprint_roles(bp, Role.KEYWORKER, Role.SUPERVISOR)
