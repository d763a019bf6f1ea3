"""A health check for load balancers: is the app up and can it reach its database?"""

from flask import Blueprint, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from app.auth.permissions import public
from app.extensions import db

bp = Blueprint("health", __name__)


@bp.get("/health")
@public
def health():
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        return jsonify(status="unavailable"), 503
    return jsonify(status="ok")
