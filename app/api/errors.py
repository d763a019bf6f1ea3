"""Turning domain errors into the API's problem+json answers."""

from __future__ import annotations

from typing import NoReturn

from flask_smorest import abort

from app.errors import Conflict, DomainError, Forbidden, NotFound


def raise_domain_error(error: DomainError) -> NoReturn:
    if isinstance(error, NotFound):
        abort(404)
    if isinstance(error, Forbidden):
        abort(403, message=error.message)
    if isinstance(error, Conflict):
        abort(409, message=error.message, code=error.code)
    field_errors = getattr(error, "errors", None)
    if field_errors:
        errors = {field: [message] for field, message in field_errors.items()}
    elif error.field:
        errors = {error.field: [error.message]}
    else:
        errors = None
    abort(422, message=error.message, code=error.code, errors=errors)
