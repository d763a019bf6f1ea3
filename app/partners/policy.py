"""Who may see or do what with partner organisations and their users.

Administrators manage organisations and choose their leads. Keyworkers, supervisors,
administrators and partner users may search the directory; victim liaison staff may not
(what partners a person is introduced to is none of the victim's business). A partner
organisation's lead manages the users of their own organisation only: any other user is
reported as not found.
"""

from __future__ import annotations

import uuid
from functools import wraps

from flask import abort
from flask_login import current_user

from app.auth.models import User
from app.auth.permissions import roles_required
from app.auth.roles import Role
from app.errors import Forbidden, NotFound
from app.extensions import db

DIRECTORY_ROLES = (Role.KEYWORKER, Role.SUPERVISOR, Role.ADMIN, Role.PARTNER)


def _has_role(user, *roles: Role) -> bool:
    return user is not None and getattr(user, "role", None) in {r.value for r in roles}


def is_admin(user) -> bool:
    return _has_role(user, Role.ADMIN)


def can_use_directory(user) -> bool:
    return _has_role(user, *DIRECTORY_ROLES)


def is_organisation_lead(user) -> bool:
    """An active partner user marked as their organisation's lead."""
    return (
        _has_role(user, Role.PARTNER)
        and bool(getattr(user, "is_organisation_lead", False))
        and user.organisation_id is not None
        and bool(getattr(user, "active", True))
    )


def require_admin(user) -> None:
    if not is_admin(user):
        raise Forbidden("Only administrators can manage partner organisations")


def require_directory(user) -> None:
    if not can_use_directory(user):
        raise Forbidden("Your role cannot see the directory of partner organisations")


def require_lead(user) -> uuid.UUID:
    """The lead's organisation id, or Forbidden for anyone who is not a lead."""
    if not is_organisation_lead(user):
        raise Forbidden("Only your organisation's lead can manage its users")
    return user.organisation_id


def can_see_organisation_users(user, organisation_id: uuid.UUID) -> bool:
    if is_admin(user):
        return True
    return is_organisation_lead(user) and user.organisation_id == organisation_id


def user_of_lead_organisation(lead, user_id: uuid.UUID) -> User:
    """A partner user of the lead's own organisation; anyone else is not found."""
    organisation_id = require_lead(lead)
    user = db.session.get(User, user_id)
    if user is None or user.role != Role.PARTNER or user.organisation_id != organisation_id:
        raise NotFound("No such user")
    return user


def lead_required(view):
    """A partner user who is their organisation's lead; anyone else gets 403."""

    @roles_required(Role.PARTNER)
    @wraps(view)
    def wrapped(*args, **kwargs):
        if not is_organisation_lead(current_user):
            abort(403)
        return view(*args, **kwargs)

    return wrapped
