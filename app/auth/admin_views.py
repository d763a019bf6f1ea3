"""Administrators manage user accounts: create, deactivate, reactivate, lock, unlock, reset MFA."""

from __future__ import annotations

import uuid

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms import SelectChoice

from app.auth import tokens as token_service
from app.auth import user_changes
from app.auth import users as user_service
from app.auth.forms import ReasonForm, RevokeTokenForm, UserDetailsForm, UserForm
from app.auth.permissions import blueprint_roles
from app.auth.roles import Role
from app.errors import Conflict, StaleVersion, ValidationFailed
from app.extensions import db
from app.forms import form_version
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


def _organisation_choices(current_id: uuid.UUID | None = None) -> list[SelectChoice]:
    organisations = partner_directory.active_organisations()
    choices = [SelectChoice(str(o.id), o.name) for o in organisations]
    if current_id is not None and all(o.id != current_id for o in organisations):
        current = partner_directory.organisation_names([current_id]).get(current_id)
        if current:
            choices.append(SelectChoice(str(current_id), f"{current} (inactive)"))
    return [SelectChoice("", "Select an organisation"), *choices]


def _details_form(user, formdata=None) -> UserDetailsForm:
    form = UserDetailsForm(formdata=formdata)
    form.organisation_id.choices = _organisation_choices(user.organisation_id)
    if formdata is None:
        form.name.data = user.name
        form.email.data = user.email
        form.role.data = user.role
        form.organisation_id.data = str(user.organisation_id) if user.organisation_id else ""
        form.version.data = str(user.version)
    return form


def _answers(form: UserDetailsForm) -> dict | None:
    """The form's answers as the service takes them; None if the organisation posted is
    not an id (the form then shows why)."""
    organisation_id = None
    if form.role.data == Role.PARTNER and form.organisation_id.data:
        try:
            organisation_id = uuid.UUID(form.organisation_id.data)
        except ValueError:
            form.organisation_id.errors = ["Select the partner organisation"]
            return None
    return {
        "name": form.name.data,
        "email": form.email.data,
        "role": form.role.data,
        "organisation_id": organisation_id,
    }


@bp.route("/<uuid:user_id>/edit", methods=["GET", "POST"])
def edit(user_id: uuid.UUID):
    """Change a user's details, in two steps: the answers, then "check your answers"
    (its Change buttons come back here with the answers kept), then save."""
    user = user_service.get_user(user_id, actor=current_user)
    if request.method == "GET":
        return render_template("users/edit.html", form=_details_form(user), user=user)
    form = _details_form(user, formdata=request.form)
    step = request.form.get("step")
    if step == "change":
        # Back from "check your answers" (CSRF was checked before the view, as for every
        # POST): the answers come back to be changed, not judged yet.
        return render_template("users/edit.html", form=form, user=user)
    form_valid = form.validate_on_submit()
    answers = _answers(form)
    if answers is not None:
        # The service's rules run even when the form has errors, so every error shows at once.
        version = form_version(form.version.data)
        try:
            if form_valid and step == "confirm":
                user_changes.update_user(user_id, answers, actor=current_user, version=version)
                flash("User details saved", "success")
                return redirect(url_for("users.show", user_id=user_id))
            preview = user_changes.preview(user_id, answers, actor=current_user, version=version)
        except StaleVersion:
            return _stale(user_id)
        except ValidationFailed as invalid:
            form.apply_service_error(invalid)
        else:
            if form_valid and preview.changes:
                return render_template(
                    "users/check.html",
                    form=form,
                    user=user,
                    preview=preview,
                    organisation_names=partner_directory.organisation_names(
                        [user.organisation_id, preview.values["organisation_id"]]
                    ),
                )
            if form_valid:
                form.form_errors.append(
                    "You have not changed anything. Change a detail, or go back"
                )
    return render_template("users/edit.html", form=form, user=user), 400


def _stale(user_id: uuid.UUID):
    """Someone changed the user meanwhile: their details as saved now, to start again."""
    db.session.expire_all()
    user = user_service.find_by_id(user_id)
    return render_template("users/edit.html", form=_details_form(user), user=user, stale=True), 409


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
