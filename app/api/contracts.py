"""API resources for contracts (see shared/API.md): agree a contract, list its conditions.

The keyworker of the case and supervisors may use them (other roles: 403); a case outside
the caller's scope answers 404, exactly as a missing one.
"""

from __future__ import annotations

import uuid

from flask_login import current_user
from flask_smorest import Blueprint

from app.auth.permissions import roles_required
from app.auth.roles import Role
from app.contracts import progress, services
from app.contracts.schemas import (
    ConditionListSchema,
    ConditionQuerySchema,
    ContractSchema,
    NewContractSchema,
)
from app.dates import today_in_london
from app.evidence.queries import ContractEvidence

blp = Blueprint("api_contracts", __name__, url_prefix="", description="Contracts")


def condition_body(condition, progress) -> dict:
    return {
        "id": condition.id,
        "contract_id": condition.contract_id,
        "type": condition.type,
        "description": condition.description,
        "required_sessions": condition.required_sessions,
        "due_date": condition.due_date,
        "victim_relevant": condition.victim_relevant,
        "revision": condition.revision,
        "supersedes_id": condition.supersedes_id,
        "superseded_at": condition.superseded_at,
        "variation_reason": condition.variation_reason,
        "created_at": condition.created_at,
        "status": progress.status.value,
        "evidence": progress.evidence,
    }


@blp.route("/cases/<uuid:case_id>/contract", methods=["POST"])
@roles_required(Role.KEYWORKER, Role.SUPERVISOR)
@blp.arguments(NewContractSchema)
@blp.response(201, ContractSchema)
@blp.alt_response(403, description="Only keyworkers and supervisors agree contracts")
@blp.alt_response(404, description="No such case, or not yours")
@blp.alt_response(
    409,
    description=(
        "The case is not eligible or allocated (code invalid_state), or already has a "
        "contract (code contract_exists)"
    ),
)
@blp.alt_response(422, description="Invalid input: errors are keyed like conditions.0.type")
def create_contract(data, case_id: uuid.UUID):
    """Agree the case's 16-week contract with its conditions; the case becomes active."""
    contract = services.agree_contract(
        current_user,
        case_id,
        data["start_date"],
        data["agreed_on"],
        data["agreement_method"],
        conditions=data["conditions"],
    )
    today = today_in_london()
    evidence = ContractEvidence(contract)
    return {
        "id": contract.id,
        "case_id": contract.case_id,
        "start_date": contract.start_date,
        "end_date": contract.end_date,
        "agreed_on": contract.agreed_on,
        "agreement_method": contract.agreement_method,
        "created_at": contract.created_at,
        "case_status": contract.case.status,
        "conditions": [
            condition_body(c, progress.condition_status(c, today, evidence))
            for c in contract.conditions
        ],
    }


@blp.route("/cases/<uuid:case_id>/conditions", methods=["GET"])
@roles_required(Role.KEYWORKER, Role.SUPERVISOR)
@blp.arguments(ConditionQuerySchema, location="query")
@blp.response(200, ConditionListSchema)
@blp.alt_response(403, description="Only keyworkers and supervisors see conditions")
@blp.alt_response(404, description="No such case, or not yours")
@blp.alt_response(422, description="Invalid query (per_page is 1 to 200)")
def list_conditions(query, case_id: uuid.UUID):
    """The case's current conditions, oldest first, each with its status and evidence.

    A case without a contract has none. ``include_superseded=true`` adds the revisions
    that variations replaced. Paginated: ``{"items": [...], "total": n}``.
    """
    rows, total = progress.list_conditions(
        current_user,
        case_id,
        include_superseded=query["include_superseded"],
        updated_since=query["updated_since"],
        page=query["page"],
        per_page=query["per_page"],
    )
    return {
        "items": [condition_body(c, progress) for c, progress in rows],
        "total": total,
        "page": query["page"],
        "per_page": query["per_page"],
    }
