"""API resources for victim updates (see shared/API.md).

Victim liaison users (every case that has victims), the keyworker of the case and
supervisors. Partners and administrators get 403; a case that does not exist, is out of
the caller's scope or has no victims answers 404. The same services as the pages.
"""

from __future__ import annotations

import uuid

from flask_login import current_user
from flask_smorest import Blueprint

from app.auth.permissions import roles_required
from app.auth.roles import Role
from app.victims import liaison, reads
from app.victims.schemas import NewVictimUpdateSchema, VictimUpdateSchema, VictimUpdateViewSchema

blp = Blueprint(
    "api_victims",
    __name__,
    url_prefix="",
    description="Victim updates: the redacted victim-update view and the log of what "
    "victims were told",
)

ROLES = (Role.VICTIM_LIAISON, Role.KEYWORKER, Role.SUPERVISOR)


@blp.route("/cases/<uuid:case_id>/victim-update", methods=["GET"])
@roles_required(*ROLES)
@blp.response(200, VictimUpdateViewSchema)
@blp.alt_response(403, description="Partner and administrator users see no victim updates")
@blp.alt_response(404, description="No such case, not one of yours, or it has no victims")
def get_victim_update(case_id: uuid.UUID):
    """The redacted victim-update view of a case.

    The crime reference, the stage in plain English, the contract's start and expected
    end, the conditions that concern the victim (restorative, reparative, and
    restrictive ones that protect the victim) with their status, the overall picture,
    the outcome, the log of what the victims were told (newest first) and when the next
    update is due. It never holds needs, health, substance use, housing, finances,
    partner organisations, appointments, rehabilitative conditions or the person's
    contact details. Every read is audited.
    """
    return reads.read_view(current_user, case_id, purpose="api_victim_update")


@blp.route("/cases/<uuid:case_id>/victim-updates", methods=["POST"])
@roles_required(*ROLES)
@blp.arguments(NewVictimUpdateSchema)
@blp.response(201, VictimUpdateSchema)
@blp.alt_response(403, description="Partner and administrator users record no victim updates")
@blp.alt_response(404, description="No such case, not one of yours, or it has no victims")
@blp.alt_response(422, description="Invalid input, with `errors` per field")
def create_victim_update(data, case_id: uuid.UUID):
    """Record that a victim was told about the case: how (`method`), what (`summary`),
    and optionally which victim (`victim_id`, default: all the victims of the case) and
    when (`given_at`, default: now; not in the future). It answers the key decisions
    taken before it, so the victim is no longer due an update for them."""
    return liaison.record_update(
        current_user,
        case_id,
        method=data["method"],
        summary=data["summary"],
        victim_id=data["victim_id"],
        given_at=data["given_at"],
    )
