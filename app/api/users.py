"""Users and their tokens (administrators)."""

from __future__ import annotations

import uuid

from flask import abort
from flask_login import current_user
from flask_smorest import Blueprint

from app.auth import tokens
from app.auth import users as user_service
from app.auth.permissions import roles_required
from app.auth.roles import Role
from app.auth.schemas import NewTokenSchema, NewUserSchema, TokenCreatedSchema, UserSchema

blp = Blueprint("api_users", __name__, url_prefix="/users", description="User accounts (admin)")


@blp.route("", methods=["POST"])
@roles_required(Role.ADMIN)
@blp.arguments(NewUserSchema)
@blp.response(201, UserSchema)
@blp.alt_response(403, description="Only administrators create users")
@blp.alt_response(422, description="Invalid input")
def create_user(data):
    """Create a user.

    Without a password (the usual way) they are emailed a single-use set-up link, valid
    for 72 hours, to choose one; then they set up two-factor sign-in.
    """
    return user_service.create_user(user_service.NewUser(**data), actor=current_user)


@blp.route("/<uuid:user_id>/tokens", methods=["POST"])
@roles_required(Role.ADMIN)
@blp.arguments(NewTokenSchema)
@blp.response(201, TokenCreatedSchema)
@blp.alt_response(404, description="No such user")
def create_token(data, user_id: uuid.UUID):
    """Issue a bearer token for a user. The token is shown once and stored hashed."""
    user = user_service.find_by_id(user_id)
    if user is None:
        abort(404)
    issued = tokens.issue_token(
        user, days=data.get("days"), name=data.get("name") or "API token", actor=current_user
    )
    return {"id": issued.token.id, "token": issued.secret, "expires_at": issued.token.expires_at}
