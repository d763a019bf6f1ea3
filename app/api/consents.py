"""API resources for consents (see shared/API.md).

The keyworker of the case and supervisors only; other roles get 403, and a case or
consent outside the caller's scope answers 404. The same services as the pages.
"""

from __future__ import annotations

import uuid

from flask_login import current_user
from flask_smorest import Blueprint

from app.auth.permissions import roles_required
from app.auth.roles import Role
from app.consent import queries, services
from app.consent.schemas import (
    ConsentListQuerySchema,
    ConsentListSchema,
    ConsentSchema,
    NewConsentSchema,
    WithdrawalSchema,
)

blp = Blueprint("api_consents", __name__, url_prefix="", description="Consents")

ROLES = (Role.KEYWORKER, Role.SUPERVISOR)


@blp.route("/cases/<uuid:case_id>/consents", methods=["POST"])
@roles_required(*ROLES)
@blp.arguments(NewConsentSchema)
@blp.response(201, ConsentSchema)
@blp.alt_response(403, description="Your role may not record consent")
@blp.alt_response(404, description="No such case, or not one of yours")
@blp.alt_response(409, description="The case is closed (`code: case_closed`)")
@blp.alt_response(422, description="Invalid input, with `errors` per field")
def create_consent(data, case_id: uuid.UUID):
    """Record consent to share categories of information with one organisation.

    A consent still in force for the same organisation is withdrawn at the same instant
    ("Replaced by a new consent"): there is one consent in force per organisation.
    """
    return services.give_consent(
        current_user,
        case_id,
        data["organisation_id"],
        data["categories"],
        data["method"],
        data["notice_version"],
        data["expires_on"],
    )


@blp.route("/cases/<uuid:case_id>/consents", methods=["GET"])
@roles_required(*ROLES)
@blp.arguments(ConsentListQuerySchema, location="query")
@blp.response(200, ConsentListSchema)
@blp.alt_response(403, description="Your role may not see consents")
@blp.alt_response(404, description="No such case, or not one of yours")
@blp.alt_response(422, description="Invalid page, per_page or updated_since")
def list_consents(query, case_id: uuid.UUID):
    """List the case's consents, newest first: in force, withdrawn and expired.

    The body is `{"items": [...], "total": n, "page": p, "per_page": k}`; `per_page` is at
    most 200 (default 50). `updated_since` keeps consents given or withdrawn since then;
    `status` keeps those `given` (in force), `withdrawn` or `expired` now.
    """
    result = queries.list_consents(
        current_user,
        case_id,
        page=query["page"],
        per_page=query["per_page"],
        updated_since=query["updated_since"],
        status=query["status"],
        purpose="consent_list_api",
    )
    return {
        "items": result.items,
        "total": result.total,
        "page": result.page,
        "per_page": result.per_page,
    }


@blp.route("/consents/<uuid:consent_id>/withdrawal", methods=["POST"])
@roles_required(*ROLES)
@blp.arguments(WithdrawalSchema)
@blp.response(200, ConsentSchema)
@blp.alt_response(403, description="Your role may not withdraw consent")
@blp.alt_response(404, description="No such consent, or not on one of your cases")
@blp.alt_response(
    409,
    description="`code: stale_version` (changed since `version` was read), "
    "`already_withdrawn` or `consent_expired`; nothing is written",
)
@blp.alt_response(422, description="Invalid input, with `errors` per field")
def withdraw_consent(data, consent_id: uuid.UUID):
    """Withdraw a consent, with effect at once: from that moment nothing more of the
    person's information may be shared with the organisation."""
    return services.withdraw_consent(current_user, consent_id, data["reason"], data.get("version"))
