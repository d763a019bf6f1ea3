"""Partner organisations: the admin's management pages, the directory, and leads' user pages.

Thin views: form, then the partners service, then redirect (Post/Redirect/Get) with a
success message, or the form again with its errors (status 400). Roles are checked per
view: administrators manage organisations and leads; keyworkers, supervisors,
administrators and partner users search the directory; a partner organisation's lead
manages its own users (any other user is not found to them).
"""

from __future__ import annotations

import uuid

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms import SelectChoice

from app.auth.permissions import roles_required
from app.auth.roles import Role
from app.auth.users import UserInvalid
from app.errors import Conflict, InvalidInput, StaleVersion
from app.forms import form_version
from app.pagination import Page, page_number
from app.partners import directory as partner_directory
from app.partners import policy, services
from app.partners import users as partner_users
from app.partners.forms import (
    AdminFilterForm,
    DeactivateForm,
    DirectoryFilterForm,
    LeadForm,
    OrganisationForm,
    PartnerUserForm,
)
from app.partners.models import Capacity, ServiceType
from app.partners.policy import lead_required

bp = Blueprint("partners", __name__, url_prefix="/organisations")

admin_only = roles_required(Role.ADMIN)
directory_roles = roles_required(*policy.DIRECTORY_ROLES)


CAPACITY_LABELS = {c.value: c.label for c in Capacity}
SERVICE_TYPE_LABELS = {t.value: t.label for t in ServiceType}


def service_names(types) -> str:
    return ", ".join(SERVICE_TYPE_LABELS.get(t, t) for t in types or [])


def _filters(
    form: DirectoryFilterForm, status: str = "active"
) -> partner_directory.DirectoryFilters:
    """The filters asked for, with unknown values dropped (a filter never gives an error)."""
    known_types = {t.value for t in ServiceType}
    known_capacities = {c.value for c in Capacity}
    return partner_directory.DirectoryFilters(
        service_types=tuple(t for t in form.service_type.data or [] if t in known_types),
        area=(form.area.data or "")[:100] or None,
        capacities=(form.capacity.data,) if form.capacity.data in known_capacities else (),
        name=(form.name.data or "")[:200] or None,
        status=status if status in {"active", "inactive", "all"} else "active",
    )


def _list_page(endpoint: str, form: DirectoryFilterForm, template: str, status: str = "active"):
    form.area.choices = [SelectChoice("", "Any area")] + [
        SelectChoice(a, a) for a in partner_directory.known_areas()
    ]
    filters = _filters(form, status)
    page = page_number(request.args.get("page"))
    result = partner_directory.directory(current_user, filters, page=page)
    page_info = Page(page, result.per_page, result.total)
    args = request.args.to_dict(flat=False)
    args.pop("page", None)
    return render_template(
        template,
        filter_form=form,
        filters=filters,
        selected=_selected_filters(endpoint, filters, status),
        entries=result.entries,
        page=page_info,
        pagination=page_info.govuk_params(lambda n: url_for(endpoint, **args, page=n)),
        service_names=service_names,
        capacity_labels=CAPACITY_LABELS,
    )


def _selected_filters(
    endpoint: str, filters: partner_directory.DirectoryFilters, status: str
) -> list:
    """The MOJ filter's "Selected filters": each a tag whose link removes it."""
    args = {
        "name": filters.name or "",
        "service_type": list(filters.service_types),
        "area": filters.area or "",
        "capacity": filters.capacities[0] if filters.capacities else "",
    }
    if endpoint == "partners.index":
        args["status"] = status

    def without(key, value=None):
        rest = dict(args)
        if value is not None:
            rest[key] = [v for v in args[key] if v != value]
        else:
            rest[key] = ""
        return url_for(endpoint, **{k: v for k, v in rest.items() if v})

    groups = []
    if filters.name:
        groups.append(("Name", [(filters.name, without("name"))]))
    if filters.service_types:
        groups.append(
            (
                "Service",
                [(ServiceType(t).label, without("service_type", t)) for t in filters.service_types],
            )
        )
    if filters.area:
        groups.append(("Area", [(filters.area, without("area"))]))
    if filters.capacities:
        groups.append(("Capacity", [(Capacity(filters.capacities[0]).label, without("capacity"))]))
    return groups


# Administrators: organisations ------------------------------------------------------------


@bp.get("/")
@admin_only
def index():
    form = AdminFilterForm(request.args)
    return _list_page("partners.index", form, "partners/index.html", form.status.data or "active")


@bp.route("/new", methods=["GET", "POST"])
@admin_only
def new():
    form = OrganisationForm()
    if form.validate_on_submit():
        try:
            organisation = services.create_organisation(current_user, form.details())
        except InvalidInput as invalid:
            form.apply_service_error(invalid)
        else:
            flash(f"{organisation.name} added", "success")
            return redirect(url_for("partners.show", organisation_id=organisation.id))
    return render_template("partners/new.html", form=form), 400 if form.errors else 200


@bp.get("/<uuid:organisation_id>")
@admin_only
def show(organisation_id: uuid.UUID):
    organisation = services.get_organisation(current_user, organisation_id)
    users = partner_users.org_users(
        current_user, organisation_id, page=page_number(request.args.get("page"))
    )
    page_info = Page(users.page, users.per_page, users.total)
    return render_template(
        "partners/show.html",
        organisation=organisation,
        isa_state=services.isa_state(organisation),
        users=users.users,
        page=page_info,
        pagination=page_info.govuk_params(
            lambda n: url_for("partners.show", organisation_id=organisation_id, page=n)
        ),
        lead_form=LeadForm(),
        service_names=service_names,
        capacity_labels=CAPACITY_LABELS,
    )


@bp.route("/<uuid:organisation_id>/edit", methods=["GET", "POST"])
@admin_only
def edit(organisation_id: uuid.UUID):
    organisation = services.get_organisation(current_user, organisation_id)
    form = OrganisationForm()
    if request.method == "GET":
        form.fill_from(organisation)
    stale = False
    if form.validate_on_submit():
        try:
            services.update_organisation(
                current_user,
                organisation_id,
                form.details(),
                version=form_version(form.version.data),
            )
        except StaleVersion:
            stale = True
        except InvalidInput as invalid:
            form.apply_service_error(invalid)
        else:
            flash("Organisation details saved", "success")
            return redirect(url_for("partners.show", organisation_id=organisation_id))
    elif request.method == "POST":
        try:
            services.check_version(organisation, form_version(form.version.data))
        except services.StaleVersion:
            stale = True
    if stale:
        # Show what is there now, to check against, with the version just read.
        form = OrganisationForm(formdata=None)
        form.fill_from(services.get_organisation(current_user, organisation_id))
        return render_template(
            "partners/edit.html", form=form, organisation=organisation, stale=True
        ), 409
    return render_template(
        "partners/edit.html", form=form, organisation=organisation, stale=False
    ), 400 if form.errors else 200


@bp.post("/<uuid:organisation_id>/users/<uuid:user_id>/lead")
@admin_only
def set_lead(organisation_id: uuid.UUID, user_id: uuid.UUID):
    form = LeadForm()
    if not form.validate_on_submit() or form.lead.data not in {"yes", "no"}:
        abort(400)
    user = partner_users.find_partner_user(organisation_id, user_id)
    if user is None:
        abort(404)
    try:
        partner_users.set_lead(current_user, user_id, form.lead.data == "yes")
    except Conflict as conflict:
        flash(conflict.message, "error")
    else:
        done = "is now" if form.lead.data == "yes" else "is no longer"
        flash(f"{user.name} {done} the organisation's lead", "success")
    return redirect(url_for("partners.show", organisation_id=organisation_id))


# The directory ---------------------------------------------------------------------------


@bp.get("/directory")
@directory_roles
def directory():
    return _list_page(
        "partners.directory", DirectoryFilterForm(request.args), "partners/directory.html"
    )


# A partner organisation's lead: its users -------------------------------------------------


@bp.get("/my-users")
@lead_required
def my_users():
    result = partner_users.org_users(
        current_user, current_user.organisation_id, page=page_number(request.args.get("page"))
    )
    page_info = Page(result.page, result.per_page, result.total)
    return render_template(
        "partners/my_users.html",
        users=result.users,
        page=page_info,
        pagination=page_info.govuk_params(lambda n: url_for("partners.my_users", page=n)),
    )


@bp.route("/my-users/new", methods=["GET", "POST"])
@lead_required
def add_user():
    form = PartnerUserForm()
    if form.validate_on_submit():
        try:
            user = partner_users.add_partner_user(
                current_user,
                name=form.name.data,
                email=form.email.data,
                password=form.password.data,
            )
        except UserInvalid as invalid:
            form.apply_service_error(invalid)
        else:
            flash(
                f"{user.name} added. They set up two-factor sign-in when they first sign in"
                if user.has_password
                else f"{user.name} added. They have been emailed a link to set up their account",
                "success",
            )
            return redirect(url_for("partners.my_users"))
    return render_template("partners/add_user.html", form=form), 400 if form.errors else 200


@bp.route("/my-users/<uuid:user_id>/deactivate", methods=["GET", "POST"])
@lead_required
def deactivate_user(user_id: uuid.UUID):
    user = partner_users.user_for_lead(current_user, user_id)
    try:
        partner_users.check_can_deactivate(current_user, user)
    except Conflict as refused:
        flash(refused.message, "error")
        return redirect(url_for("partners.my_users"))
    form = DeactivateForm()
    if form.validate_on_submit():
        try:
            partner_users.deactivate_partner_user(current_user, user_id, form.reason.data)
        except InvalidInput as invalid:
            form.apply_service_error(invalid)
        except Conflict as conflict:
            flash(conflict.message, "error")
            return redirect(url_for("partners.my_users"))
        else:
            flash(f"{user.name} deactivated. They have been signed out", "success")
            return redirect(url_for("partners.my_users"))
    return render_template(
        "partners/deactivate.html", form=form, user=user
    ), 400 if form.errors else 200


# Helpers ---------------------------------------------------------------------------------
