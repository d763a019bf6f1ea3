"""Sign-in (password, then a TOTP code), first-time two-factor set-up and sign-out."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user

from app.auth import mfa, set_up
from app.auth import services as auth_services
from app.auth import tokens as token_service
from app.auth.forms import (
    CodeForm,
    NewTokenForm,
    RevokeTokenForm,
    SetUpPasswordForm,
    SignInForm,
    SignOutForm,
)
from app.auth.permissions import public, roles_required
from app.auth.roles import Role
from app.errors import InvalidInput, SignInFailed, SignInThrottled, ValidationFailed
from app.rate_limits import rate_limited

bp = Blueprint("auth", __name__)


def _sign_in_limit() -> str:
    return current_app.config["SIGN_IN_RATE_LIMIT"]


# Every role that handles cases lands on its work queue, "Your tasks" (app.tasks); the
# analyst, who sees aggregates only, on the reports.
HOME_ENDPOINTS = {**dict.fromkeys(Role, "tasks.index"), Role.ANALYST: "reports.dashboard"}


def _safe_next(target: str | None) -> str | None:
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ord(ch) < 32 or ord(ch) == 127 for ch in target):
        return None  # browsers read "/\host" as another site
    return target


def _pending():
    """The sign-in in progress: the cookie names it by a random token, nothing more."""
    now = datetime.fromtimestamp(time.time(), UTC)
    return auth_services.find_pending(session.get("pending", {}).get("token"), now)


def _begin_session(new_session: auth_services.NewSession):
    next_url = _safe_next(session.get("pending", {}).get("next"))
    # A new session at sign-in: nothing from before the sign-in survives.
    session.clear()
    session["sid"] = new_session.token
    session.permanent = False
    return redirect(next_url or url_for("auth.home"))


def _refused(field, error) -> tuple[int, dict]:
    """Show a refusal by its field; returns the page's status and headers."""
    field.errors.append(error.message)
    if isinstance(error, SignInThrottled):
        return 429, {"Retry-After": str(error.retry_after)}
    return 400, {}


def _second_factor(form: CodeForm, complete):
    """Run a code check: (a redirect that ends the step, or None to show the form again,
    the status, the headers)."""
    try:
        new_session = complete()
    except (SignInFailed, SignInThrottled) as error:
        return None, *_refused(form.code, error)
    return _begin_session(new_session), 302, {}


@bp.get("/")
def home():
    return redirect(url_for(HOME_ENDPOINTS[current_user.role_enum]))


@bp.route("/sign-in", methods=["GET", "POST"])
@public
@rate_limited(_sign_in_limit, methods=["POST"])
def sign_in():
    if current_user.is_authenticated:
        return redirect(url_for("auth.home"))
    form = SignInForm()
    status, headers = 200, {}
    if form.validate_on_submit():
        try:
            user = auth_services.check_credentials(
                form.email.data, form.password.data, address=request.remote_addr
            )
        except (SignInFailed, SignInThrottled) as error:
            # The error summary links to the email field: the first field of the pair.
            status, headers = _refused(form.email, error)
        else:
            session.clear()
            session["pending"] = {
                "token": auth_services.begin_pending(user),
                "next": _safe_next(request.args.get("next")),
            }
            if not user.mfa_enrolled:
                return redirect(url_for("auth.set_up_code"))
            return redirect(url_for("auth.enter_code"))
    if form.errors and status == 200:
        status = 400
    return (
        render_template("auth/sign_in.html", form=form, expired=request.args.get("expired")),
        status,
        headers,
    )


@bp.route("/sign-in/code", methods=["GET", "POST"])
@public
@rate_limited(_sign_in_limit, methods=["POST"])
def enter_code():
    pending = _pending()
    if pending is None:
        return redirect(url_for("auth.sign_in"))
    form = CodeForm()
    status, headers = 200, {}
    if form.validate_on_submit():
        outcome, status, headers = _second_factor(
            form,
            lambda: auth_services.complete_mfa(
                pending, form.code.data, address=request.remote_addr
            ),
        )
        if outcome is not None:
            return outcome
    if form.errors and status == 200:
        status = 400
    return render_template("auth/code.html", form=form), status, headers


@bp.route("/sign-in/set-up-code", methods=["GET", "POST"])
@public
@rate_limited(_sign_in_limit, methods=["POST"])
def set_up_code():
    pending = _pending()
    if pending is None:
        return redirect(url_for("auth.sign_in"))
    if pending.user.mfa_enrolled:
        return redirect(url_for("auth.enter_code"))
    secret = auth_services.enrol_secret(pending)
    form = CodeForm()
    status, headers = 200, {}
    if form.validate_on_submit():
        outcome, status, headers = _second_factor(
            form,
            lambda: auth_services.complete_enrolment(
                pending, form.code.data, address=request.remote_addr
            ),
        )
        if outcome is not None:
            return outcome
    if form.errors and status == 200:
        status = 400
    uri = mfa.provisioning_uri(secret, pending.user.email, current_app.config["TOTP_ISSUER"])
    return (
        render_template(
            "auth/set_up_code.html",
            form=form,
            secret=secret,
            qr_svg=mfa.qr_code_svg(uri),
        ),
        status,
        headers,
    )


# A new user's set-up link: choose a password, then set up two-factor sign-in ------------

SET_UP_LINK_PROBLEMS = {
    "unknown": (404, "This link is not valid"),
    "expired": (410, "This link has expired"),
    "used": (410, "This link has already been used"),
}


@bp.route("/set-up", methods=["GET", "POST"])
@public
@rate_limited(_sign_in_limit, methods=["POST"])
def set_up_account():
    # The token rides in the query string, which the access log leaves out (a path would
    # put every unclaimed account's set-up link in the log for 72 hours).
    token = request.args.get("token", "")
    try:
        link = set_up.find_link(token)
    except set_up.SetUpLinkInvalid as invalid:
        status, title = SET_UP_LINK_PROBLEMS[invalid.reason]
        return render_template(
            "auth/set_up_link_invalid.html", reason=invalid.reason, title=title
        ), status
    form = SetUpPasswordForm()
    if form.validate_on_submit():
        try:
            pending_token = set_up.choose_password(token, form.password.data, form.confirm.data)
        except InvalidInput as invalid:
            for field, message in invalid.errors.items():
                getattr(form, field).errors.append(message)
        except set_up.SetUpLinkInvalid:
            return redirect(url_for("auth.set_up_account", token=token))
        else:
            if session.get("sid"):  # someone else was signed in in this browser
                auth_services.sign_out(session["sid"])
            session.clear()
            session["pending"] = {"token": pending_token, "next": None}
            return redirect(url_for("auth.set_up_code"))
    return render_template(
        "auth/set_up_password.html", form=form, email=link.user.email
    ), 200 if not form.errors else 400


@bp.post("/sign-out")
def sign_out():
    token = session.get("sid")
    if token:
        auth_services.sign_out(token)
    session.clear()
    return redirect(url_for("auth.signed_out"))


@bp.get("/signed-out")
@public
def signed_out():
    return render_template("auth/signed_out.html")


@bp.app_context_processor
def inject_sign_out_form():
    return {"sign_out_form": SignOutForm() if current_user.is_authenticated else None}


# API tokens: every signed-in user manages their own ------------------------------------


@bp.get("/account/tokens")
@roles_required(*Role)
def tokens():
    return render_template(
        "auth/tokens.html",
        tokens=token_service.tokens_of(current_user, actor=current_user),
        status_of=token_service.status_of,
    )


@bp.route("/account/tokens/new", methods=["GET", "POST"])
@roles_required(*Role)
def new_token():
    form = NewTokenForm()
    if form.validate_on_submit():
        try:
            issued = token_service.issue_token(
                current_user._get_current_object(),
                days=form.days.data,
                name=form.name.data,
                actor=current_user,
            )
        except ValidationFailed as invalid:
            form.apply_service_error(invalid)
        else:
            # Shown once, on this page only: the secret is not stored anywhere we could read.
            return render_template(
                "auth/token_created.html", token=issued.token, secret=issued.secret
            )
    return render_template("auth/token_new.html", form=form), 200 if not form.errors else 400


@bp.route("/account/tokens/<uuid:token_id>/revoke", methods=["GET", "POST"])
@roles_required(*Role)
def revoke_token(token_id: uuid.UUID):
    token = token_service.get_token_for(current_user, token_id)
    if token.user_id != current_user.id:
        abort(404)  # an administrator revokes other people's tokens from their user page
    form = RevokeTokenForm()
    if form.validate_on_submit():
        token_service.revoke_token(token_id, actor=current_user)
        flash(f"Token ‘{token.name}’ revoked. It no longer opens the API", "success")
        return redirect(url_for("auth.tokens"))
    return render_template(
        "auth/token_revoke.html",
        form=form,
        token=token,
        back=url_for("auth.tokens"),
    )
