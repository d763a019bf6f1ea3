"""The checks every request body passes before an API resource sees it. (Domain errors
become problem+json answers in app.web_errors, registered once for every resource.)"""

from __future__ import annotations

import re

from flask import current_app, request
from flask_smorest import abort

BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
# The deepest nesting a body may have; the deepest the API's schemas take is 3 (a case's
# victims). Deeper JSON would exhaust Python's recursion while being read or validated.
MAX_JSON_DEPTH = 16
_JSON_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_JSON_BRACKET = re.compile(rb"[][{}]")


CSV_MEDIA_TYPE = "text/csv"


def csv_body(view):
    """Mark an API view that takes a ``text/csv`` body instead of JSON: the view checks
    the media type itself (``require_csv``), after the caller's role."""
    view.csv_body = True
    return view


def require_csv() -> None:
    if request.mimetype != CSV_MEDIA_TYPE:
        abort(415, message="Send the body as text/csv.")


def _takes_csv() -> bool:
    view = current_app.view_functions.get(request.endpoint or "")
    return bool(getattr(view, "csv_body", False))


def _has_body() -> bool:
    return bool(request.content_length) or request.headers.get("Transfer-Encoding") == "chunked"


def json_depth(raw: bytes) -> int:
    """How deeply the JSON text ``raw`` nests arrays and objects (brackets inside strings
    do not count), worked out without parsing it."""
    depth = deepest = 0
    for bracket in _JSON_BRACKET.findall(_JSON_STRING.sub(b"", raw)):
        if bracket in b"[{":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def check_json_body(prefix: str):
    """Before an API resource runs: a body must be a JSON object sent as application/json.

    - another content type: 415 (an empty body with none is fine: no fields sent);
    - malformed JSON, or JSON nested deeper than MAX_JSON_DEPTH: 400; a body larger than
      MAX_CONTENT_LENGTH: 413;
    - JSON that is not an object (``null``, a list, a string, a number): 422.
    A view marked ``csv_body`` takes ``text/csv`` instead and checks it itself.
    """
    if request.method not in BODY_METHODS or not request.path.startswith(prefix + "/"):
        return None
    if _takes_csv():
        return None
    if not request.is_json:
        if _has_body() or request.mimetype:
            abort(415, message="Send the body as application/json.")
        return None
    if json_depth(request.get_data(cache=True)) > MAX_JSON_DEPTH:  # too large: 413
        abort(400, message=f"The JSON is nested more than {MAX_JSON_DEPTH} levels deep.")
    body = request.get_json()  # malformed JSON: 400
    if not isinstance(body, dict):
        abort(
            422,
            message="The body must be a JSON object.",
            errors={"_schema": ["The body must be a JSON object."]},
        )
    return None
