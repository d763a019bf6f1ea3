"""Partner organisations: the admin's management pages, the directory, and leads' user pages."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("partners", __name__, url_prefix="/organisations")
