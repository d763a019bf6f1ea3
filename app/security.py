"""Security headers on every response.

Talisman sets the CSP (with a fresh nonce per request for the one inline script),
frame-ancestors 'none', nosniff and the referrer policy. HSTS is sent on every response,
since TLS ends at the proxy in front of us. Every dynamic page is ``no-store``: pages
carry personal data, and a shared computer's back button must not show them. A page's
query string with a NUL in it is a 400.
"""

from __future__ import annotations

from flask import Flask, abort, request

from app.extensions import talisman
from app.text import unstorable

CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
    "base-uri": "'none'",
    "object-src": "'none'",
}
HSTS = "max-age=31536000; includeSubDomains"


def init_security(app: Flask) -> None:
    talisman.init_app(
        app,
        force_https=app.config["FORCE_HTTPS"],
        strict_transport_security=True,
        strict_transport_security_max_age=31536000,
        session_cookie_secure=app.config["SESSION_COOKIE_SECURE"],
        content_security_policy=CSP,
        content_security_policy_nonce_in=["script-src"],
        frame_options="DENY",
        referrer_policy="strict-origin-when-cross-origin",
        x_content_type_options=True,
        permissions_policy={"geolocation": "()", "camera": "()", "microphone": "()"},
    )

    @app.before_request
    def _storable_query():
        """A page's query string holding text no column can store (app.text.unstorable:
        a NUL) is refused with the 400 page before any view reads it (searches and filters
        read their text from it). The API's query parameters are checked, and each named,
        by its schemas (app.schema_fields.Text)."""
        from app.auth.hooks import is_api_request

        if request.args and not is_api_request():
            for key, value in request.args.items(multi=True):
                if unstorable(key) or unstorable(value):
                    abort(400)

    @app.after_request
    def _headers(response):
        response.headers.setdefault("Strict-Transport-Security", HSTS)
        if request.endpoint != "static":
            response.headers["Cache-Control"] = "no-store"
            response.headers["Pragma"] = "no-cache"
        return response
