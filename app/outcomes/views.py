"""Pages for outcome proposals and decisions, the breach evidence pack, exit planning,
ending surveys and the reoffending-check task list."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("outcomes", __name__)
