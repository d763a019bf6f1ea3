"""Sign-in (password, then a TOTP code), first-time two-factor set-up and sign-out."""

from __future__ import annotations

import time
import uuid
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

from app.auth import mfa
from app.auth import services as auth_services
from app.auth import tokens as token_service
from app.auth.forms import CodeForm, NewTokenForm, RevokeTokenForm, SignInForm, SignOutForm
from app.auth.permissions import public, roles_required
from app.auth.roles import Role
from app.errors import AccountLocked, SignInFailed, ValidationFailed
from app.rate_limits import rate_limited

bp = Blueprint("auth", __name__)

PENDING_SECONDS = 300  # time allowed between the password and the code


def _sign_in_limit() -> str:
    return current_app.config["SIGN_IN_RATE_LIMIT"]


# Every role lands on its work queue, "Your tasks" (app.tasks).
HOME_ENDPOINTS = dict.fromkeys(Role, "tasks.index")


def _safe_next(target: str | None) -> str | None:
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ord(ch) < 32 or ord(ch) == 127 for ch in target):
        return None  # browsers read "/\host" as another site
    return target


def _pending_user_id() -> uuid.UUID | None:
    pending = session.get("pending")
    if not pending or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        return None
    return uuid.UUID(pending["user_id"])


def _begin_session(new_session: auth_services.NewSession):
    next_url = _safe_next(session.get("pending", {}).get("next"))
    # A new session at sign-in: nothing from before the sign-in survives.
    session.clear()
    session["sid"] = new_session.token
    session.permanent = False
    return redirect(next_url or url_for("auth.home"))


def _second_factor(form: CodeForm, complete):
    """Run a code check; a redirect when it ends the step, None to show the form again."""
    try:
        new_session = complete()
    except AccountLocked as error:
        session.clear()
        flash(error.message, "error")
        return redirect(url_for("auth.sign_in"))
    except SignInFailed as error:
        form.code.errors.append(error.message)
        return None
    return _begin_session(new_session)


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
    if form.validate_on_submit():
        try:
            user = auth_services.check_credentials(form.email.data, form.password.data)
        except (SignInFailed, AccountLocked) as error:
            # The error summary links to the email field: the first field of the pair.
            form.email.errors.append(error.message)
        else:
            session.clear()
            session["pending"] = {
                "user_id": str(user.id),
                "at": time.time(),
                "next": _safe_next(request.args.get("next")),
            }
            if not user.mfa_enrolled:
                return redirect(url_for("auth.set_up_code"))
            return redirect(url_for("auth.enter_code"))
    status = 200 if not form.errors else 400
    return render_template(
        "auth/sign_in.html", form=form, expired=request.args.get("expired")
    ), status


@bp.route("/sign-in/code", methods=["GET", "POST"])
@public
@rate_limited(_sign_in_limit, methods=["POST"])
def enter_code():
    user_id = _pending_user_id()
    if user_id is None:
        return redirect(url_for("auth.sign_in"))
    form = CodeForm()
    if form.validate_on_submit():
        outcome = _second_factor(form, lambda: auth_services.complete_mfa(user_id, form.code.data))
        if outcome is not None:
            return outcome
    return render_template("auth/code.html", form=form), 200 if not form.errors else 400


@bp.route("/sign-in/set-up-code", methods=["GET", "POST"])
@public
@rate_limited(_sign_in_limit, methods=["POST"])
def set_up_code():
    user_id = _pending_user_id()
    if user_id is None:
        return redirect(url_for("auth.sign_in"))
    user = auth_services.get_user(user_id)
    if user is None or user.mfa_enrolled:
        return redirect(url_for("auth.enter_code"))
    secret = session.get("enrol_secret") or mfa.new_secret()
    session["enrol_secret"] = secret
    form = CodeForm()
    if form.validate_on_submit():
        outcome = _second_factor(
            form, lambda: auth_services.complete_enrolment(user_id, secret, form.code.data)
        )
        if outcome is not None:
            return outcome
    uri = mfa.provisioning_uri(secret, user.email, current_app.config["TOTP_ISSUER"])
    return render_template(
        "auth/set_up_code.html",
        form=form,
        secret=secret,
        qr_svg=mfa.qr_code_svg(uri),
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
            field = getattr(form, invalid.field or "", None) or form.name
            field.errors.append(invalid.message)
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
