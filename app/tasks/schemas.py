"""The API's view of the work queue (``GET /api/v1/tasks``, shared/API.md round 2)."""

from __future__ import annotations

from marshmallow import Schema, fields, post_dump, validate

from app.schema_fields import Date, Text
from app.tasks.kinds import ALL_KEYS
from app.tasks.queue import PER_KIND, PER_KIND_MAX

OVERDUE_KINDS = ["acknowledgement_overdue", "attendance_to_record", "contract_ended"]


class TaskQuerySchema(Schema):
    kind = Text(
        load_default=None,
        validate=validate.OneOf(ALL_KEYS),
        metadata={"description": "Only this kind's items (the counts still cover every kind)"},
    )
    per_kind = fields.Integer(
        load_default=PER_KIND,
        validate=validate.Range(min=1, max=PER_KIND_MAX),
        metadata={"description": f"Items of each kind, at most {PER_KIND_MAX}"},
    )


class TaskSchema(Schema):
    kind = Text(metadata={"enum": ALL_KEYS})
    object_type = Text(
        metadata={
            "description": "What `object_id` names: `case`, `referral`, `appointment`, "
            "`compliance_concern`, `outcome_proposal`, `consent`, `reoffending_check`, "
            "`notification` or `user`"
        }
    )
    object_id = fields.UUID()
    case_id = fields.UUID(
        metadata={"description": "The case it is about (absent for partners' tasks)"}
    )
    due = Date(metadata={"description": "When it is due, where it has a due date"})
    overdue = fields.Boolean()

    @post_dump
    def _leave_out_empty(self, data, **_kwargs):
        return {k: v for k, v in data.items() if v is not None or k not in ("case_id", "due")}


class KeyworkerOverdueSchema(Schema):
    keyworker_id = fields.UUID()
    name = Text()
    counts = fields.Dict(
        keys=Text(metadata={"enum": [*OVERDUE_KINDS, "concern_to_decide"]}),
        values=fields.Integer(),
    )
    total = fields.Integer()


class TaskListSchema(Schema):
    items = fields.List(
        fields.Nested(TaskSchema),
        metadata={"description": "Up to `per_kind` of each kind, oldest or most urgent first"},
    )
    counts = fields.Dict(
        keys=Text(metadata={"enum": ALL_KEYS}),
        values=fields.Integer(),
        metadata={"description": "Every kind the caller has, with the number of all its items"},
    )
    overdue_by_keyworker = fields.List(
        fields.Nested(KeyworkerOverdueSchema),
        metadata={
            "description": "Supervisors only: each keyworker's late items, most first. A "
            "whole-service aggregate, worked out at most `KEPT_COUNTS_SECONDS` (a minute "
            "unless set) ago"
        },
    )
