"""API resources for consents (see shared/API.md)."""

from __future__ import annotations

from flask_smorest import Blueprint

blp = Blueprint("api_consents", __name__, url_prefix="", description="Consents")
