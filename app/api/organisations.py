"""API resources for organisations (see shared/API.md)."""

from __future__ import annotations

from flask_smorest import Blueprint

blp = Blueprint("api_organisations", __name__, url_prefix="", description="Organisations")
