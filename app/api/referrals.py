"""API resources for referrals (see shared/API.md)."""

from __future__ import annotations

from flask_smorest import Blueprint

blp = Blueprint("api_referrals", __name__, url_prefix="", description="Referrals")
