"""Rate limits: each app gets its own Limiter, made in create_app(); views only declare theirs.

A module-level Limiter would be rebound by every create_app() (Flask-Limiter keeps its
storage and its enabled flag on the object), so one app's settings would leak into the
next. Views say what they need with ``@rate_limited(...)``; ``apply_view_limits`` turns
those declarations into the app's own limits once the blueprints are registered.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address


def rate_limited(limit_value: str | Callable[[], str], **options) -> Callable:
    """Declare a limit on a view (applied by ``apply_view_limits`` for each app)."""

    def declare(view: Callable) -> Callable:
        view.rate_limits = (*getattr(view, "rate_limits", ()), (limit_value, options))  # type: ignore[attr-defined]
        return view

    return declare


def init_limiter(app: Flask) -> Limiter:
    limiter = Limiter(key_func=get_remote_address, default_limits=[])
    limiter.init_app(app)
    app.extensions["hub_limiter"] = limiter
    return limiter


def limiter_of(app: Flask | None = None) -> Limiter:
    return (app or current_app).extensions["hub_limiter"]


def apply_view_limits(app: Flask) -> None:
    limiter = limiter_of(app)
    for endpoint, view in list(app.view_functions.items()):
        limited = view
        for limit_value, options in getattr(view, "rate_limits", ()):
            limited = limiter.limit(limit_value, **options)(limited)
        app.view_functions[endpoint] = limited
