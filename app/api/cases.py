"""API resources for cases (see shared/API.md): intake, the lists, one case, allocation.

The same services and policies as the pages: a keyworker sees the cases allocated to
them, a supervisor every case; anything outside the caller's scope answers 404.
"""

from __future__ import annotations

import uuid

from flask import jsonify
from flask_login import current_user
from flask_smorest import Blueprint, abort

from app.auth.permissions import roles_required
from app.auth.roles import Role
from app.cases import caseload, services
from app.cases.intake import Intake
from app.cases.schemas import (
    AllocationSchema,
    CaseListQuerySchema,
    CaseListSchema,
    CaseReferenceListSchema,
    CaseSchema,
    NewCaseSchema,
    case_document,
)
from app.errors import InvalidInput
from app.victims.services import VictimDetails

blp = Blueprint("api_cases", __name__, url_prefix="", description="Cases")

# Where each intake field sits in the request body, for field errors.
INTAKE_PATHS = {
    "crime_reference": ("crime_reference",),
    "offence_description": ("offence", "description"),
    "offence_class": ("offence", "offence_class"),
    "offence_committed_on": ("offence", "committed_on"),
    "offence_in_force_area": ("offence", "committed_in_force_area"),
    **{
        name: ("person", name)
        for name in (
            "given_name",
            "family_name",
            "date_of_birth",
            "address",
            "postcode",
            "email",
            "phone",
            "lives_in_force_area",
            "gender",
            "sex",
            "ethnicity",
        )
    },
}


def _intake(data: dict) -> Intake:
    offence, person = data["offence"], data["person"]
    return Intake(
        crime_reference=data["crime_reference"],
        offence_description=offence["description"],
        offence_class=offence["offence_class"],
        offence_committed_on=offence["committed_on"],
        offence_in_force_area=offence["committed_in_force_area"],
        victims=[VictimDetails(**victim) for victim in data["victims"]],
        **person,
        **data["eligibility"],
    )


def _path(field: str) -> tuple:
    if field.startswith("victims."):
        _, index, name = field.split(".", 2)
        return ("victims", int(index), name)
    return INTAKE_PATHS.get(field) or ("eligibility", field)


def _nested(errors: dict[str, str]) -> dict:
    """{"person.email": message} as {"person": {"email": [message]}}, like the schema's."""
    nested: dict = {}
    for field, message in errors.items():
        *parents, leaf = _path(field)
        node = nested
        for key in parents:
            node = node.setdefault(key, {})
        node[leaf] = [message]
    return nested


@blp.route("/cases", methods=["POST"])
@roles_required(Role.KEYWORKER, Role.SUPERVISOR)
@blp.arguments(NewCaseSchema)
@blp.response(201, CaseSchema)
@blp.alt_response(403, description="Only keyworkers and supervisors record cases")
@blp.alt_response(422, description="Invalid input: `errors` names each field at fault")
def create_case(data):
    """Record a case at intake and decide its eligibility.

    The answer's `status` is `eligible` or `ineligible`, and `eligibility.failed` names
    every eligibility rule that failed (for example `age`, `offence_class`,
    `means_of_contact`, `dvpn_or_dvpo`). Ineligible cases are kept. A keyworker who
    records a case is allocated to it.
    """
    try:
        case = services.record_case(current_user, _intake(data))
    except InvalidInput as invalid:
        # The intake's field errors sit where each field is in the nested body.
        abort(422, message=invalid.message, code=invalid.code, errors=_nested(invalid.errors))
    return case_document(case)


@blp.route("/cases", methods=["GET"])
@roles_required(Role.KEYWORKER, Role.SUPERVISOR, Role.VICTIM_LIAISON)
@blp.arguments(CaseListQuerySchema, location="query")
@blp.response(200, CaseListSchema)
@blp.alt_response(
    "2XX",
    schema=CaseReferenceListSchema,
    description=(
        "The answer (200) to a victim liaison user: cases with victims, each with only "
        "`id`, `crime_reference` and `status`"
    ),
    success=True,
)
@blp.alt_response(403, description="Partner and administrator users see no cases")
@blp.alt_response(422, description="A query parameter is out of range")
def list_cases(query):
    """List cases, oldest change first: `{"items": [...], "total": n, "page", "per_page"}`.

    A keyworker gets the cases allocated to them; a supervisor every case. A
    `victim_liaison` user gets only the cases that have victims, and of each only `id`,
    `crime_reference` and `status` (schema `CaseReference`). Filter with `status`,
    `keyworker_id` and `updated_since`; page with `page` and `per_page` (at most 200).
    Search with `q`: the person's name (any part, whatever the case or accents), date of
    birth, crime reference or a referral's reference (victim liaison: crime reference).
    """
    cases, total = caseload.api_list(current_user, caseload.ApiListQuery(**query))
    body = {"total": total, "page": query["page"], "per_page": query["per_page"]}
    if current_user.role == Role.VICTIM_LIAISON:
        return jsonify(CaseReferenceListSchema().dump({**body, "items": cases}))
    return {**body, "items": [case_document(case, full=False) for case in cases]}


@blp.route("/cases/<uuid:case_id>", methods=["GET"])
@roles_required(Role.KEYWORKER, Role.SUPERVISOR)
@blp.response(200, CaseSchema)
@blp.alt_response(
    403,
    description="Partner, administrator and victim liaison users see no case in full "
    "(victim liaison: only its victim update), as on the pages",
)
@blp.alt_response(404, description="No such case, or not one of yours")
def get_case(case_id: uuid.UUID):
    """One case: the offence, the person, the eligibility result and answers, victims."""
    case = services.view_case(current_user, case_id, purpose="api_case")
    return case_document(case)


@blp.route("/cases/<uuid:case_id>/allocation", methods=["POST"])
@roles_required(Role.SUPERVISOR)
@blp.arguments(AllocationSchema)
@blp.response(200, CaseSchema)
@blp.alt_response(403, description="Only supervisors allocate cases")
@blp.alt_response(404, description="No such case")
@blp.alt_response(
    409, description="The case is ineligible or closed, or `stale_version`: it changed"
)
@blp.alt_response(422, description="Not an active keyworker, or a reallocation without reason")
def allocate_case(data, case_id: uuid.UUID):
    """Allocate the case to a keyworker, or reallocate it (a `reason` is then required).

    An eligible case becomes `allocated`. Every allocation is kept as history and
    audited with its reason.
    """
    case = services.allocate(
        current_user,
        case_id,
        data["keyworker_id"],
        data["reason"],
        version=data["version"],
    )
    return case_document(case)
