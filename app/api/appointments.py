"""Appointments and attendance (partner users of the referral's organisation)."""

from __future__ import annotations

from flask_smorest import Blueprint

blp = Blueprint(
    "api_appointments", __name__, url_prefix="", description="Appointments and attendance"
)
