"""API resources for contracts (see shared/API.md)."""

from __future__ import annotations

from flask_smorest import Blueprint

blp = Blueprint("api_contracts", __name__, url_prefix="", description="Contracts")
