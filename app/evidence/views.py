"""Pages for appointments, attendance, condition evidence and compliance decisions."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("evidence", __name__)
