"""Request authentication, installed on the app by create_app().

Pages authenticate with the session cookie (a server-side session, after password and
TOTP). The API authenticates with a bearer token and never with the cookie, so a token
cannot open the pages and a page session cannot drive the API.
"""

from __future__ import annotations

from flask import Flask, g, jsonify, redirect, request, session, url_for
from flask_login import current_user

from app.audit.context import AuditContext
from app.auth import services as auth_services
from app.auth import tokens
from app.auth.permissions import is_public_endpoint
from app.extensions import login_manager

API_PREFIX = "/api/"


def is_api_request() -> bool:
    return request.path.startswith(API_PREFIX)


def _load_user_from_request(req):
    if is_api_request():
        scheme, _, secret = req.headers.get("Authorization", "").partition(" ")
        if scheme.lower() == "bearer" and secret.strip():
            return tokens.user_for_token(secret.strip())
        return None
    token = session.get("sid")
    if not token:
        return None
    user = auth_services.load_session(token)
    if user is None:
        session.clear()
        g.session_expired = True
    return user


def problem(status: int, title: str, detail: str, **extra):
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, **extra}
    response = jsonify(body)
    response.status_code = status
    response.mimetype = "application/problem+json"
    return response


def _unauthorized():
    if is_api_request():
        response = problem(
            401, "Unauthorized", "A valid bearer token is required.", code="unauthorized"
        )
        response.headers["WWW-Authenticate"] = 'Bearer realm="api"'
        return response
    # Come back to the page asked for (paths hold ids only, never personal data).
    next_path = request.full_path.rstrip("?") if request.method == "GET" else None
    if g.get("session_expired"):
        return redirect(url_for("auth.sign_in", expired=1, next=next_path))
    return redirect(url_for("auth.sign_in", next=next_path))


def enforce_authentication():
    """Deny by default. Runs before every request, before any blueprint's own hooks."""
    if is_public_endpoint(request.endpoint):
        g.audit_context = AuditContext(actor=None, actor_role=None, ip_address=request.remote_addr)
        return None
    if not current_user.is_authenticated:
        return _unauthorized()
    g.audit_context = AuditContext(
        actor=current_user._get_current_object(),
        actor_role=current_user.role,
        ip_address=request.remote_addr,
    )
    return None


def init_auth(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.session_protection = None  # sessions are tracked on the server instead
    login_manager.request_loader(_load_user_from_request)
    login_manager.unauthorized_handler(_unauthorized)
    app.before_request(enforce_authentication)
