"""The API's rate limit: counted per bearer token, generous enough for a partner's sync.

``RATELIMIT_API`` (default ``1200 per minute``) applies to each token on its own; a
request without a valid token is counted against its client address instead. Beyond
the limit the answer is 429 problem+json with ``Retry-After`` (seconds).
"""

from __future__ import annotations

from flask import current_app, g
from flask_limiter.util import get_remote_address
from flask_login import current_user

DEFAULT_LIMIT = "1200 per minute"


def api_limit() -> str:
    return current_app.config.get("RATELIMIT_API") or DEFAULT_LIMIT


def api_limit_key() -> str:
    """The token's id once the bearer token is known; else the client address."""
    if current_user.is_authenticated and g.get("api_token_id"):
        return f"api-token:{g.api_token_id}"
    return f"api-address:{get_remote_address()}"
