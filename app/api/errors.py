"""The checks every request body passes before an API resource sees it. (Domain errors
become problem+json answers in app.web_errors, registered once for every resource.)"""

from __future__ import annotations

from flask import request
from flask_smorest import abort

BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


def _has_body() -> bool:
    return bool(request.content_length) or request.headers.get("Transfer-Encoding") == "chunked"


def check_json_body(prefix: str):
    """Before an API resource runs: a body must be a JSON object sent as application/json.

    - another content type: 415 (an empty body with none is fine: no fields sent);
    - malformed JSON: 400; a body larger than MAX_CONTENT_LENGTH: 413;
    - JSON that is not an object (``null``, a list, a string, a number): 422.
    """
    if request.method not in BODY_METHODS or not request.path.startswith(prefix + "/"):
        return None
    if not request.is_json:
        if _has_body() or request.mimetype:
            abort(415, message="Send the body as application/json.")
        return None
    body = request.get_json()  # malformed JSON: 400; too large: 413
    if not isinstance(body, dict):
        abort(
            422,
            message="The body must be a JSON object.",
            errors={"_schema": ["The body must be a JSON object."]},
        )
    return None
