"""Case outcomes: a keyworker proposes, a supervisor decides."""

from __future__ import annotations

from flask_smorest import Blueprint

blp = Blueprint("api_outcomes", __name__, url_prefix="", description="Case outcomes")
