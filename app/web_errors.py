"""Error answers: GOV.UK-styled pages for people, problem+json for the API.

No page or API answer ever carries a stack trace; unexpected errors are logged with the
request id only.
"""

from __future__ import annotations

import logging

from flask import Flask, current_app, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.exceptions import (
    HTTPException,
    InternalServerError,
    RequestEntityTooLarge,
    default_exceptions,
)

from app.auth.hooks import is_api_request, problem
from app.errors import Conflict, DomainError, Forbidden, NotFound

log = logging.getLogger(__name__)

PAGE_TEMPLATES = {
    400: "errors/400.html",
    403: "errors/403.html",
    404: "errors/404.html",
    405: "errors/404.html",
    409: "errors/409.html",
    413: "errors/413.html",
    429: "errors/429.html",
}

TITLES = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    409: "Conflict",
    413: "Payload Too Large",
    415: "Unsupported Media Type",
    422: "Unprocessable Content",
    429: "Too Many Requests",
    500: "Internal Server Error",
}


def _api_problem(error: HTTPException):
    status = error.code or 500
    data = getattr(error, "data", None) or {}
    extra = {}
    messages = data.get("messages")
    if messages:
        # webargs groups field errors by location ({"json": {field: [...]}}); flatten it.
        errors: dict = {}
        for location_errors in messages.values():
            if isinstance(location_errors, dict):
                errors.update(location_errors)
            else:
                errors.setdefault("_schema", []).extend(location_errors)
        extra["errors"] = errors
    elif data.get("errors"):
        extra["errors"] = data["errors"]
    if data.get("code"):
        extra["code"] = data["code"]
    detail = data.get("message") or (error.description if status < 500 else "Something went wrong.")
    if status == 404:
        detail = "No such object."
    elif status == 413:
        detail = "The body is larger than the hub accepts."
    elif status == 429:
        detail = "Too many requests for this token: wait for the number of seconds in Retry-After."
    response = problem(status, TITLES.get(status, error.name), str(detail), **extra)
    # Flask-Limiter adds Retry-After (and the X-RateLimit headers) to the 429 afterwards.
    return response


def handle_http_exception(error: HTTPException):
    status = error.code or 500
    if is_api_request():
        return _api_problem(error)
    if isinstance(error, CSRFError):
        return render_template("errors/400.html", csrf=True), 400
    if isinstance(error, RequestEntityTooLarge):
        return _too_large_page()
    template = PAGE_TEMPLATES.get(status)
    if template is None:
        template = "errors/500.html" if status >= 500 else "errors/400.html"
    response = render_template(template), status
    return response


def _too_large_page():
    """A body over MAX_CONTENT_LENGTH (413): the page is drawn as if no form was sent.
    Reading the body again (the layout's sign-out form reads the request's form) would
    raise the 413 again inside this handler, and the answer would be Werkzeug's bare 500
    page without the security headers."""
    request.__dict__["form"] = ImmutableMultiDict()
    request.__dict__["files"] = ImmutableMultiDict()
    limit = current_app.config.get("MAX_CONTENT_LENGTH") or 0
    megabytes = limit / (1024 * 1024)
    limit_text = f"{megabytes:g} MB" if megabytes >= 1 else f"{limit // 1024} KB"
    return render_template(PAGE_TEMPLATES[413], limit_text=limit_text), 413


def _http_error(status: int, **data) -> HTTPException:
    """What ``flask_smorest.abort(status, **data)`` raises, to answer without raising."""
    error = default_exceptions[status]()
    error.data = data  # type: ignore[attr-defined]
    return error


def api_error_for(error: DomainError) -> HTTPException:
    """The API's answer to a domain error: NotFound 404 (as if the object did not exist);
    Forbidden 403 with its message; a Conflict 409 with its code; any other 422 with its
    code and, where the error names fields, ``errors`` per field."""
    if isinstance(error, NotFound):
        return _http_error(404)
    if isinstance(error, Forbidden):
        return _http_error(403, message=error.message)
    if isinstance(error, Conflict):
        return _http_error(409, message=error.message, code=error.code)
    field_errors = getattr(error, "errors", None)
    if field_errors:
        errors = {field: [message] for field, message in field_errors.items()}
    elif error.field:
        errors = {error.field: [error.message]}
    else:
        errors = None
    return _http_error(422, message=error.message, code=error.code, errors=errors)


def page_error_for(error: DomainError) -> HTTPException:
    """The page for a domain error that a view did not handle itself (one that shows the
    message on its form or in a banner handles it): NotFound 404 (missing or out of scope
    look the same), Forbidden 403, a Conflict 409, any other 400; never 500."""
    if isinstance(error, NotFound):
        return _http_error(404)
    if isinstance(error, Forbidden):
        return _http_error(403)
    if isinstance(error, Conflict):
        return _http_error(409)
    return _http_error(400)


def handle_domain_error(error: DomainError):
    """A service's domain error that reached the app: registered once, so API resources
    and views call services without a try/except of their own."""
    if is_api_request():
        return _api_problem(api_error_for(error))
    return handle_http_exception(page_error_for(error))


def handle_unexpected(error: Exception):
    log.exception("unhandled error", extra={"error_type": type(error).__name__})
    return handle_http_exception(InternalServerError())


def init_error_handlers(app: Flask) -> None:
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(DomainError, handle_domain_error)
    app.register_error_handler(Exception, handle_unexpected)
