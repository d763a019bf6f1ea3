"""Reoffending checks (administrators and supervisors; shared/API.md, round 2): the work
list by status, and recording one check's result. No personal data: a check names its
case by id."""

from __future__ import annotations

import uuid

from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from app.auth.permissions import roles_required
from app.auth.roles import Role
from app.cases.models import OffenceClass
from app.dates import today_in_london
from app.outcomes import checks
from app.outcomes.checks import HARM_DAYS_MAX, OFFENCE_MAX, CheckStatus
from app.schema_fields import Date, ListQuerySchema, Text, UTCDateTime, list_schema

blp = Blueprint(
    "api_reoffending_checks",
    __name__,
    url_prefix="/reoffending-checks",
    description="Reoffending checks, a year after each case ends (admin, supervisor)",
)
STATUSES = [s.value for s in CheckStatus]
OFFENCE_CLASSES = [c.value for c in OffenceClass]


class CheckQuerySchema(ListQuerySchema):
    status = Text(
        load_default=None,
        validate=validate.OneOf(STATUSES),
        metadata={
            "enum": STATUSES,
            "description": "`due` (due and not recorded), `not_yet_due`, `done`; none: all",
        },
    )


class CheckSchema(Schema):
    id = fields.UUID()
    case_id = fields.UUID()
    due_on = Date()
    status = Text(metadata={"enum": STATUSES})
    checked_at = UTCDateTime(allow_none=True)
    reoffended = fields.Boolean(allow_none=True)
    reoffence_date = Date(allow_none=True)
    offence_class = Text(allow_none=True, metadata={"enum": OFFENCE_CLASSES})
    harm_days = fields.Integer(allow_none=True)
    updated_at = UTCDateTime()


class RecordCheckSchema(Schema):
    reoffended = fields.Boolean(
        required=True,
        truthy={True},
        falsy={False},
        metadata={
            "description": "false (did not reoffend) only once the check is due, else 409 "
            "invalid_state; true as soon as a reoffence is known"
        },
    )
    reoffence_date = Date(
        load_default=None,
        allow_none=True,
        metadata={"description": "Needed when reoffended: in the year the check covers"},
    )
    offence_class = Text(
        load_default=None,
        allow_none=True,
        validate=validate.OneOf(OFFENCE_CLASSES),
        metadata={
            "enum": OFFENCE_CLASSES,
            "description": "The reoffence's class; when reoffended, this or `reoffence`",
        },
    )
    harm_days = fields.Integer(
        load_default=None,
        allow_none=True,
        strict=True,
        validate=validate.Range(min=0, max=HARM_DAYS_MAX),
        metadata={"description": "Crime harm: the Cambridge Crime Harm Index, in days"},
    )
    reoffence = Text(
        load_default=None,
        allow_none=True,
        validate=validate.Length(max=OFFENCE_MAX),
        metadata={"description": "The offence and its crime reference (optional)"},
    )


def check_body(check, today) -> dict:
    return {
        "id": check.id,
        "case_id": check.case_id,
        "due_on": check.due_on,
        "status": checks.status_of(check, today).value,
        "checked_at": check.checked_at,
        "reoffended": check.reoffended,
        "reoffence_date": check.reoffence_date,
        "offence_class": check.offence_class,
        "harm_days": check.harm_days,
        "updated_at": check.updated_at,
    }


@blp.route("", methods=["GET"])
@roles_required(Role.ADMIN, Role.SUPERVISOR)
@blp.arguments(CheckQuerySchema, location="query")
@blp.response(200, list_schema(CheckSchema, "ReoffendingCheckList"))
@blp.alt_response(403, description="Only administrators and supervisors do reoffending checks")
def list_checks(query):
    """The checks, all or of one status, ordered by the time of their last change."""
    today = today_in_london()
    status = CheckStatus(query["status"]) if query["status"] else None
    rows, total = checks.list_checks(
        current_user,
        status,
        query["page"],
        query["per_page"],
        today,
        since=query["updated_since"],
        by_change=True,
    )
    return {
        "items": [check_body(check, today) for check in rows],
        "total": total,
        "page": query["page"],
        "per_page": query["per_page"],
    }


@blp.route("/<uuid:check_id>", methods=["POST"])
@roles_required(Role.ADMIN, Role.SUPERVISOR)
@blp.arguments(RecordCheckSchema)
@blp.response(200, CheckSchema)
@blp.alt_response(403, description="Only administrators and supervisors do reoffending checks")
@blp.alt_response(404, description="No such check")
@blp.alt_response(
    409,
    description="Already recorded (`already_recorded`), or 'did not reoffend' before the "
    "check is due (`invalid_state`)",
)
@blp.alt_response(422, description="Invalid input: `errors` names each field at fault")
def record_check(data, check_id: uuid.UUID):
    """Record what a check found (once)."""
    check = checks.record_check(current_user, check_id, checks.Result(**data))
    return check_body(check, today_in_london())
