"""API resources for cases (see shared/API.md)."""

from __future__ import annotations

from flask_smorest import Blueprint

blp = Blueprint("api_cases", __name__, url_prefix="", description="Cases")
