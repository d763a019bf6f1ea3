"""Administrators manage user accounts: create, deactivate, reactivate, lock, unlock, reset MFA."""

from __future__ import annotations

import uuid

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms import SelectChoice

from app.auth import tokens as token_service
from app.auth import users as user_service
from app.auth.forms import ReasonForm, RevokeTokenForm, UserForm
from app.auth.permissions import blueprint_roles
from app.auth.roles import Role
from app.errors import Conflict
from app.pagination import Page, page_number
from app.partners import directory as partner_directory

bp = Blueprint("users", __name__, url_prefix="/users")
blueprint_roles(bp, Role.ADMIN)

ACTIONS = {
    "deactivate": (
        user_service.deactivate_user,
        "Deactivate",
        "User deactivated. Their sessions have ended",
    ),
    "reactivate": (user_service.reactivate_user, "Reactivate", "User reactivated"),
    "lock": (user_service.lock_user, "Lock", "User locked. Their sessions have ended"),
    "unlock": (user_service.unlock_user, "Unlock", "User unlocked"),
    "send-set-up-link": (
        user_service.send_set_up_link,
        "Send a new set-up link to",
        "Set-up link sent. It works once, for 72 hours",
    ),
    "reset-mfa": (
        user_service.reset_mfa,
        "Reset two-factor sign-in for",
        "Two-factor sign-in reset. They will set it up again when they next sign in",
    ),
}


@bp.get("/")
def index():
    page = page_number(request.args.get("page"))
    users, total = user_service.list_users(page=page, actor=current_user)
    page_info = Page(page, user_service.PAGE_SIZE, total)
    return render_template(
        "users/index.html",
        users=users,
        page=page_info,
        pagination=page_info.govuk_params(lambda n: url_for("users.index", page=n)),
    )


@bp.route("/new", methods=["GET", "POST"])
def new():
    form = UserForm()
    form.organisation_id.choices = [SelectChoice("", "Select an organisation")] + [
        SelectChoice(str(o.id), o.name) for o in partner_directory.active_organisations()
    ]
    if form.validate_on_submit():
        try:
            organisation_id = (
                uuid.UUID(form.organisation_id.data) if form.organisation_id.data else None
            )
            user = user_service.create_user(
                user_service.NewUser(
                    email=form.email.data,
                    name=form.name.data,
                    role=form.role.data,
                    password=form.password.data,
                    organisation_id=organisation_id,
                ),
                actor=current_user,
            )
        except user_service.UserInvalid as invalid:
            form.apply_service_error(invalid)
        else:
            flash(
                "User created"
                if user.has_password
                else "User created. They have been emailed a link to set up their account",
                "success",
            )
            return redirect(url_for("users.show", user_id=user.id))
    return render_template("users/new.html", form=form), 200 if not form.errors else 400


@bp.get("/<uuid:user_id>")
def show(user_id: uuid.UUID):
    user = user_service.get_user(user_id, actor=current_user)
    return render_template(
        "users/show.html",
        user=user,
        tokens=token_service.tokens_of(user, actor=current_user),
        status_of=token_service.status_of,
    )


@bp.route("/<uuid:user_id>/tokens/<uuid:token_id>/revoke", methods=["GET", "POST"])
def revoke_token(user_id: uuid.UUID, token_id: uuid.UUID):
    user = user_service.get_user(user_id, actor=current_user)
    token = token_service.get_token_for(current_user, token_id)
    if token.user_id != user.id:
        abort(404)
    form = RevokeTokenForm()
    if form.validate_on_submit():
        token_service.revoke_token(token_id, actor=current_user)
        flash(f"Token ‘{token.name}’ revoked. It no longer opens the API", "success")
        return redirect(url_for("users.show", user_id=user_id))
    return render_template(
        "auth/token_revoke.html",
        form=form,
        token=token,
        owner=user,
        back=url_for("users.show", user_id=user_id),
    )


@bp.route(
    "/<uuid:user_id>/<any(deactivate, reactivate, lock, unlock, 'reset-mfa', "
    "'send-set-up-link'):action>",
    methods=["GET", "POST"],
)
def change(user_id: uuid.UUID, action: str):
    change_user, verb, done = ACTIONS[action]
    user = user_service.get_user(user_id, actor=current_user)
    form = ReasonForm()
    if form.validate_on_submit():
        try:
            change_user(user_id, actor=current_user, reason=form.reason.data)
        except Conflict as conflict:
            form.reason.errors.append(conflict.message)
        else:
            flash(done, "success")
            return redirect(url_for("users.show", user_id=user_id))
    return render_template(
        "users/change.html", form=form, user=user, verb=verb, action=action
    ), 200 if not form.errors else 400
