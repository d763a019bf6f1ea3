"""API resources for organisations (see shared/API.md).

Administrators create and change organisations. Every role but victim liaison reads the
directory (partners too). The same partners services as the pages.
"""

from __future__ import annotations

import uuid

from flask_login import current_user
from flask_smorest import Blueprint, abort

from app.auth.permissions import roles_required
from app.auth.roles import Role
from app.partners import directory as partner_directory
from app.partners import policy, services
from app.partners.schemas import (
    NewOrganisationSchema,
    OrganisationChangesSchema,
    OrganisationListQuerySchema,
    OrganisationListSchema,
    OrganisationSchema,
)

blp = Blueprint("api_organisations", __name__, url_prefix="", description="Organisations")


@blp.route("/organisations", methods=["POST"])
@roles_required(Role.ADMIN)
@blp.arguments(NewOrganisationSchema)
@blp.response(201, OrganisationSchema)
@blp.alt_response(403, description="Only administrators create organisations")
@blp.alt_response(422, description="Invalid input, with `errors` per field")
def create_organisation(data):
    """Create a partner organisation.

    Defaults: `acknowledge_within_days` 2, `capacity` `accepting`, `active` true. A name
    already used (in any case) is refused with 422.
    """
    return services.create_organisation(current_user, data)


@blp.route("/organisations", methods=["GET"])
@roles_required(*policy.DIRECTORY_ROLES)
@blp.arguments(OrganisationListQuerySchema, location="query")
@blp.response(200, OrganisationListSchema)
@blp.alt_response(403, description="Victim liaison staff cannot see the directory")
@blp.alt_response(422, description="Invalid page, per_page, filter or updated_since")
def list_organisations(query):
    """List organisations (the directory), in name order.

    The body is `{"items": [...], "total": n, "page": p, "per_page": k}`; `per_page` is at
    most 200 (default 50). Active organisations only, unless an administrator asks for
    `include_inactive=true`. Filters combine: `service_type` and `capacity` may repeat
    (any of them), `area` matches one of the areas covered, `name` part of the name.
    """
    if query["include_inactive"] and not policy.is_admin(current_user):
        abort(403, message="Only administrators can list inactive organisations")
    filters = partner_directory.DirectoryFilters(
        service_types=tuple(query["service_type"]),
        area=query["area"],
        capacities=tuple(query["capacity"]),
        name=query["name"],
        status="all" if query["include_inactive"] else "active",
        updated_since=query["updated_since"],
    )
    result = partner_directory.directory(
        current_user, filters, page=query["page"], per_page=query["per_page"]
    )
    return {
        "items": [entry.organisation for entry in result.entries],
        "total": result.total,
        "page": result.page,
        "per_page": result.per_page,
    }


@blp.route("/organisations/<uuid:organisation_id>", methods=["GET"])
@roles_required(*policy.DIRECTORY_ROLES)
@blp.response(200, OrganisationSchema)
@blp.alt_response(403, description="Victim liaison staff cannot see the directory")
@blp.alt_response(404, description="No such organisation")
def get_organisation(organisation_id: uuid.UUID):
    """One organisation, active or not, with `isa_current`."""
    return services.get_organisation(current_user, organisation_id)


@blp.route("/organisations/<uuid:organisation_id>", methods=["PATCH"])
@roles_required(Role.ADMIN)
@blp.arguments(OrganisationChangesSchema)
@blp.response(200, OrganisationSchema)
@blp.alt_response(403, description="Only administrators change organisations")
@blp.alt_response(404, description="No such organisation")
@blp.alt_response(
    409, description="`code: stale_version`: changed since `version` was read; nothing written"
)
@blp.alt_response(422, description="Invalid input, with `errors` per field")
def update_organisation(data, organisation_id: uuid.UUID):
    """Change some of an organisation's details: send only the fields to change.

    Send the `version` you read to be sure of not overwriting someone else's change.
    """
    version = data.pop("version", None)
    return services.update_organisation(current_user, organisation_id, data, version=version)
