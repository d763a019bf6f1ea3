"""Users and their tokens (administrators)."""

from __future__ import annotations

import uuid

from flask import abort
from flask_login import current_user
from flask_smorest import Blueprint

from app.auth import tokens, user_changes
from app.auth import users as user_service
from app.auth.permissions import roles_required
from app.auth.roles import Role
from app.auth.schemas import (
    NewTokenSchema,
    NewUserSchema,
    TokenCreatedSchema,
    UserChangesSchema,
    UserSchema,
)

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


@blp.route("/<uuid:user_id>", methods=["PATCH"])
@roles_required(Role.ADMIN)
@blp.arguments(UserChangesSchema)
@blp.response(200, UserSchema)
@blp.alt_response(403, description="Only administrators change users")
@blp.alt_response(404, description="No such user")
@blp.alt_response(
    409, description="`code: stale_version`: changed since `version` was read; nothing written"
)
@blp.alt_response(
    422,
    description="Invalid input, with `errors` per field; `code: own_role` when you try to "
    "change your own role",
)
def update_user(data, user_id: uuid.UUID):
    """Change a user's name, email address or role (and organisation): send only the
    fields to change, and the `version` you read to be sure of not overwriting someone
    else's change. Audited as `user.updated`."""
    version = data.pop("version", None)
    return user_changes.update_user(user_id, data, actor=current_user, version=version)


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
