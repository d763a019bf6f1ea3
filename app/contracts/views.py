"""Contract pages: agree the contract, add and vary conditions."""

from __future__ import annotations

from flask import Blueprint

from app.auth.permissions import blueprint_roles
from app.auth.roles import Role

bp = Blueprint("contracts", __name__)
blueprint_roles(bp, Role.KEYWORKER, Role.SUPERVISOR)
