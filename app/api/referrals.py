"""API resources for referrals (see shared/API.md): the same services and policies as
the pages.

- Partner users, keyworkers and supervisors only (others: 403). A referral outside the
  caller's scope (another organisation's, another keyworker's case) answers 404.
- A partner is answered with the partner view (``PartnerReferral``: the ``shared`` object
  holds only what consent allows now, and every such read is audited); case staff with
  the staff view (``StaffReferral``).
- Lists are ``{"items": [...], "total": n, "page": p, "per_page": k}``, ordered by
  ``updated_at`` then ``id`` so that a partner system can sync with ``updated_since``.
"""

from __future__ import annotations

import uuid

from flask import jsonify
from flask_login import current_user
from flask_smorest import Blueprint

from app.auth.permissions import roles_required
from app.auth.roles import Role
from app.referrals import lifecycle, queries, services
from app.referrals.policy import get_referral_for, is_partner
from app.referrals.schemas import (
    AssignmentSchema,
    NewReferralSchema,
    NewUpdateSchema,
    PartnerReferralListSchema,
    PartnerReferralSchema,
    ReferralListQuerySchema,
    StaffReferralListSchema,
    StaffReferralSchema,
    TransitionSchema,
    UpdateSchema,
)

blp = Blueprint("api_referrals", __name__, url_prefix="", description="Referrals")

STAFF = (Role.KEYWORKER, Role.SUPERVISOR)
EVERYONE = (Role.PARTNER, *STAFF)


def _by_audience(description: str, partner_schema, staff_schema) -> dict:
    # anyOf, not oneOf: an empty list (or a referral with nothing shared) fits both.
    return {
        "description": description,
        "content": {"application/json": {"schema": {"anyOf": [partner_schema, staff_schema]}}},
    }


REFERRAL_200 = _by_audience(
    "The referral: `PartnerReferral` for a partner user, `StaffReferral` for case staff",
    PartnerReferralSchema,
    StaffReferralSchema,
)


def _referral_answer(referral, *, purpose: str, status: int = 200):
    if is_partner(current_user):
        body = PartnerReferralSchema().dump(
            queries.partner_view_of(current_user, referral, purpose=purpose)
        )
    else:
        body = StaffReferralSchema().dump(
            queries.staff_view_of(current_user, referral, purpose=purpose)
        )
    response = jsonify(body)
    response.status_code = status
    return response


@blp.route("/cases/<uuid:case_id>/referrals", methods=["POST"])
@roles_required(*STAFF)
@blp.arguments(NewReferralSchema)
@blp.response(201, StaffReferralSchema)
@blp.alt_response(403, description="Your role may not send referrals")
@blp.alt_response(404, description="No such case, or not one of yours")
@blp.alt_response(409, description="The case cannot be referred (`code: invalid_state`)")
@blp.alt_response(
    422,
    description="Invalid input (`errors` per field); `code: consent_required` (a category "
    "to share that no consent in force covers: nothing is sent), `isa_expired` or "
    "`not_accepting`",
)
def create_referral(data, case_id: uuid.UUID):
    """Send a warm-introduction referral from a case to a partner organisation.

    `acknowledge_by` is the organisation's number of working days from today (UK date),
    without weekends and England and Wales bank holidays.
    """
    referral = services.send_referral(
        current_user,
        case_id,
        data["organisation_id"],
        data["condition_ids"],
        data["need"],
        data["message"],
        data["introduction_method"],
        data["introduction_at"],
        data["shared_categories"],
    )
    return queries.staff_view_of(current_user, referral, purpose="api_created", audited=False)


@blp.route("/referrals", methods=["GET"])
@roles_required(*EVERYONE)
@blp.arguments(ReferralListQuerySchema, location="query")
@blp.doc(
    responses={
        "200": _by_audience(
            "`{items, total, page, per_page}`: partner summaries (`PartnerReferralSummary`) "
            "or staff summaries (`StaffReferralSummary`)",
            PartnerReferralListSchema,
            StaffReferralListSchema,
        )
    }
)
@blp.alt_response(403, description="Your role may not see referrals")
@blp.alt_response(422, description="Invalid page, per_page, status or updated_since")
def list_referrals(query):
    """List the referrals you may see, by `updated_at` then `id` (oldest change first).

    A partner: its own organisation's. A keyworker: those of their cases. A supervisor:
    all. `per_page` is at most 200 (default 50). Filters: `status`, `updated_since`,
    and (case staff) `case_id`. Search with `q`: a referral reference or the person's
    name (partners: only where the person's contact details are shared with them now).
    """
    items, total = queries.list_referrals(
        current_user,
        page=query["page"],
        per_page=query["per_page"],
        status=query["status"],
        updated_since=query["updated_since"],
        case_id=query["case_id"],
        q=query["q"],
    )
    schema = PartnerReferralListSchema() if is_partner(current_user) else StaffReferralListSchema()
    return jsonify(
        schema.dump(
            {"items": items, "total": total, "page": query["page"], "per_page": query["per_page"]}
        )
    )


@blp.route("/referrals/<uuid:referral_id>", methods=["GET"])
@roles_required(*EVERYONE)
@blp.doc(responses={"200": REFERRAL_200})
@blp.alt_response(403, description="Your role may not see referrals")
@blp.alt_response(404, description="No such referral, or not one you may see")
def get_referral(referral_id: uuid.UUID):
    """One referral. A partner sees what consent allows now in `shared` (audited)."""
    referral = get_referral_for(current_user, referral_id)
    return _referral_answer(referral, purpose="api_referral")


@blp.route("/referrals/<uuid:referral_id>/transitions", methods=["POST"])
@roles_required(*EVERYONE)
@blp.arguments(TransitionSchema)
@blp.doc(responses={"200": REFERRAL_200})
@blp.alt_response(403, description="Your role may not change referrals")
@blp.alt_response(404, description="No such referral, or not one you may see")
@blp.alt_response(
    409,
    description="`code: invalid_transition` (not a move you may make from this status) or "
    "`stale_version` (changed since `version` was read); nothing is written",
)
@blp.alt_response(
    422,
    description="A missing `reason` (declined, cancelled), `details` (declined, other) or "
    "`outcome` (completed); `code: consent_required` when resuming without consent",
)
def create_transition(data, referral_id: uuid.UUID):
    """Move a referral (API.md's lifecycle).

    Partners: from `sent`, `accepted` or `declined` (reason) at once, which records the
    acknowledgement too (`acknowledged_at`), or `acknowledged` to answer later; from
    `acknowledged`, `accepted` or `declined`; from `accepted`, `in_progress` or
    `completed` (outcome, for a one-off service); from `in_progress`, `completed`. The
    first attendance recorded for a session that took place moves an `accepted` referral
    to `in_progress` by itself. Case staff: `cancelled` (reason) from any open status or
    `on_hold`, and from `on_hold` back to the status it was held from once consent
    covers it again.
    """
    referral = lifecycle.transition(
        current_user,
        referral_id,
        data["to"],
        reason=data["reason"],
        details=data["details"],
        outcome=data["outcome"],
        version=data["version"],
    )
    return _referral_answer(referral, purpose="api_transition")


@blp.route("/referrals/<uuid:referral_id>/updates", methods=["POST"])
@roles_required(Role.PARTNER, *STAFF)
@blp.arguments(NewUpdateSchema)
@blp.response(201, UpdateSchema)
@blp.alt_response(403, description="Only partner users and case staff post updates")
@blp.alt_response(404, description="No such referral, or not your organisation's or case's")
@blp.alt_response(409, description="Case staff: the referral is not open (`referral_closed`)")
@blp.alt_response(422, description="An empty or too long `body`")
def create_update(data, referral_id: uuid.UUID):
    """Post an update on a referral: a partner's for the keyworker, or the keyworker's
    (or a supervisor's) for the partner organisation while the referral is open. The
    other side is notified."""
    return services.post_update(current_user, referral_id, data["body"])


@blp.route("/referrals/<uuid:referral_id>/assignment", methods=["POST"])
@roles_required(Role.PARTNER)
@blp.arguments(AssignmentSchema)
@blp.doc(responses={"200": REFERRAL_200})
@blp.alt_response(403, description="Only partner users assign their workers")
@blp.alt_response(404, description="No such referral, or not your organisation's")
@blp.alt_response(409, description="`code: stale_version` or `referral_closed`")
@blp.alt_response(422, description="`worker_id` is not an active user of your organisation")
def assign_worker(data, referral_id: uuid.UUID):
    """Name the worker of your organisation who takes the referral (null to clear)."""
    referral = services.assign_worker(current_user, referral_id, data["worker_id"], data["version"])
    return _referral_answer(referral, purpose="api_assignment")
