"""Deny by default: every request needs a signed-in user unless its view is public.

``public`` marks the short list of views anyone may reach. ``roles_required`` and
``blueprint_roles`` check the role; per-object checks live in each feature's policy.py.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import abort, current_app, request
from flask_login import current_user

from app.auth.roles import Role

# Endpoints registered by libraries, which we cannot decorate.
LIBRARY_PUBLIC_ENDPOINTS = frozenset({"static", "api-docs.openapi_json"})


def public(view: Callable) -> Callable:
    view.is_public = True  # type: ignore[attr-defined]
    return view


def is_public_endpoint(endpoint: str | None) -> bool:
    if endpoint is None:
        return True  # no such route: the 404 handler answers, revealing nothing
    if endpoint in LIBRARY_PUBLIC_ENDPOINTS:
        return True
    view = current_app.view_functions.get(endpoint)
    return bool(getattr(view, "is_public", False))


def has_role(user, *roles: Role) -> bool:
    return bool(user and user.is_authenticated and user.role in {r.value for r in roles})


def roles_required(*roles: Role) -> Callable:
    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not has_role(current_user, *roles):
                abort(403)
            return view(*args, **kwargs)

        wrapped.required_roles = frozenset(roles)  # type: ignore[attr-defined]
        return wrapped

    return decorator


def blueprint_roles(blueprint, *roles: Role) -> None:
    """Every view of ``blueprint`` needs one of ``roles`` (checked after sign-in)."""

    def check_role():
        if request.endpoint and is_public_endpoint(request.endpoint):
            return None
        if not has_role(current_user, *roles):
            abort(403)
        return None

    blueprint.before_request(check_role)
