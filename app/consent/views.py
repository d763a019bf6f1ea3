"""Consent pages: record, list, withdraw, and the printable summary for the person."""

from __future__ import annotations

from flask import Blueprint

from app.auth.permissions import blueprint_roles
from app.auth.roles import Role

bp = Blueprint("consent", __name__)
blueprint_roles(bp, Role.KEYWORKER, Role.SUPERVISOR)
