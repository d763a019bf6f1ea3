"""Health checks for load balancers and process managers: no authentication, no data.

* ``GET /health/live``: the process is up and answering (it touches nothing else).
* ``GET /health/ready``: the database answers, its schema is at the migrations' head,
  and the broker answers when one is configured (``CELERY_BROKER_URL``). 200 with
  ``{"status": "ready", "checks": {...}}``, else 503 with ``"status": "unavailable"``;
  each check says only ``ok``, ``failing`` or ``not_configured``.
* ``GET /health``: the database check alone, as before (kept for existing set-ups).
"""

from __future__ import annotations

from alembic.script import ScriptDirectory
from flask import Blueprint, current_app, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from app.auth.permissions import public
from app.extensions import db
from app.jobs.runner import runner_of

bp = Blueprint("health", __name__)

OK, FAILING, NOT_CONFIGURED = "ok", "failing", "not_configured"


def _database() -> bool:
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        return False
    return True


def _schema_heads() -> frozenset[str]:
    """The migrations' head revisions (read from the files once per app)."""
    heads = current_app.extensions.get("hub_schema_heads")
    if heads is None:
        config = current_app.extensions["migrate"].migrate.get_config()
        heads = frozenset(ScriptDirectory.from_config(config).get_heads())
        current_app.extensions["hub_schema_heads"] = heads
    return heads


def _schema_at_head() -> bool:
    try:
        applied = set(db.session.scalars(text("SELECT version_num FROM alembic_version")))
    except SQLAlchemyError:
        db.session.rollback()
        return False
    return applied == _schema_heads()


@bp.get("/health/live")
@public
def live():
    return jsonify(status="live")


@bp.get("/health/ready")
@public
def ready():
    database = _database()
    checks = {
        "database": OK if database else FAILING,
        "migrations": OK if database and _schema_at_head() else FAILING,
    }
    broker = runner_of().broker_reachable()
    checks["broker"] = NOT_CONFIGURED if broker is None else OK if broker else FAILING
    db.session.rollback()
    if FAILING in checks.values():
        return jsonify(status="unavailable", checks=checks), 503
    return jsonify(status="ready", checks=checks)


@bp.get("/health")
@public
def health():
    if not _database():
        return jsonify(status="unavailable"), 503
    return jsonify(status="ok")
