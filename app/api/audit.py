"""The audit log (administrators): who did what to an object, and when, newest first."""

from __future__ import annotations

from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from app.audit import queries
from app.audit import services as audit
from app.auth.permissions import roles_required
from app.auth.roles import Role
from app.schema_fields import ListQuerySchema, Text, UTCDateTime, list_schema

blp = Blueprint("api_audit", __name__, url_prefix="/audit", description="The audit log (admin)")


class AuditQuerySchema(ListQuerySchema):
    object_id = Text(
        load_default=None,
        validate=validate.Length(min=1, max=64),
        metadata={"description": "The id of the object (a case, referral, user ...)"},
    )
    actor_id = fields.UUID(load_default=None, metadata={"description": "Who acted"})
    action = Text(
        load_default=None,
        validate=validate.Length(min=1, max=64),
        metadata={
            "description": "An action (`consent.withdrawn`), or every action under a prefix "
            "ending in `.` (`consent.`)"
        },
    )
    kind = Text(
        load_default=queries.ALL,
        validate=validate.OneOf(list(queries.KINDS)),
        metadata={
            "description": "`changes` (everything but reads), `reads` (pages and lists "
            "viewed, searches, downloads) or `all` (the default)"
        },
    )


class AuditEntrySchema(Schema):
    id = fields.Integer(metadata={"description": "Position in the hash chain"})
    occurred_at = UTCDateTime()
    actor_id = fields.UUID(allow_none=True)
    actor_role = Text(allow_none=True)
    action = Text(metadata={"example": "case.viewed"})
    object_type = Text(metadata={"example": "case"})
    object_id = Text()
    details = fields.Dict(metadata={"description": "Ids and codes only: never personal data"})


@blp.route("", methods=["GET"])
@roles_required(Role.ADMIN)
@blp.arguments(AuditQuerySchema, location="query")
@blp.response(200, list_schema(AuditEntrySchema, "AuditEntryList"))
@blp.alt_response(403, description="Only administrators read the audit log")
def list_audit_entries(query):
    """Who did what to an object, and when, newest first (`updated_since`: at or after).

    The same filters as the administrators' audit log page."""
    filters = queries.Filters(
        action=query["action"],
        actor_id=query["actor_id"],
        object_id=query["object_id"],
        since=query["updated_since"],
        kind=query["kind"],
    )
    entries, total = audit.list_entries(filters, page=query["page"], per_page=query["per_page"])
    return {"items": entries, "total": total, "page": query["page"], "per_page": query["per_page"]}
