"""The API's view of contracts and conditions (shared/API.md).

Field errors are reported flat, with dotted names such as ``conditions.0.description``,
both for the checks made here (types, required fields) and for the rules the service
applies (dates within the contract, and so on), so a client sees one naming scheme.
"""

from __future__ import annotations

from datetime import UTC

from marshmallow import Schema, ValidationError, fields, validate

from app.contracts.models import RECORDABLE_METHODS, AgreementMethod, ConditionType
from app.contracts.progress import ConditionStatus
from app.contracts.services import (
    DESCRIPTION_MAX,
    MAX_CONDITIONS,
    SESSIONS_MAX,
    SESSIONS_MIN,
    START_MAX_DAYS_AGO,
    START_MAX_DAYS_AHEAD,
)
from app.schema_fields import Date, Text, UTCDateTime

CONDITION_TYPES = [t.value for t in ConditionType]
AGREEMENT_METHODS = [m.value for m in RECORDABLE_METHODS]  # accepted
ALL_AGREEMENT_METHODS = [m.value for m in AgreementMethod]  # shown (imported: not_recorded)
CONDITION_STATUSES = [s.value for s in ConditionStatus]
MAX_PER_PAGE = 200


def flatten_errors(messages, prefix: str = "") -> dict[str, list[str]]:
    """{"conditions": {0: {"type": [...]}}} -> {"conditions.0.type": [...]}."""
    if not isinstance(messages, dict):
        return {prefix or "_schema": list(messages) if isinstance(messages, list) else [messages]}
    flat: dict[str, list[str]] = {}
    for key, value in messages.items():
        name = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, dict):
            flat.update(flatten_errors(value, name))
        else:
            flat[name] = list(value) if isinstance(value, list) else [value]
    return flat


class FlatErrorsSchema(Schema):
    def handle_error(self, error: ValidationError, data, *, many: bool, **kwargs):
        raise ValidationError(flatten_errors(error.messages)) from error


class NewConditionSchema(FlatErrorsSchema):
    type = Text(
        required=True,
        validate=validate.OneOf(CONDITION_TYPES),
        metadata={"description": "One of the four Rs", "enum": CONDITION_TYPES},
    )
    description = Text(required=True, validate=validate.Length(min=1, max=DESCRIPTION_MAX))
    required_sessions = fields.Integer(
        load_default=None,
        allow_none=True,
        strict=True,
        validate=validate.Range(min=SESSIONS_MIN, max=SESSIONS_MAX),
        metadata={"description": "Sessions to attend, if the condition is about attending"},
    )
    due_date = Date(
        load_default=None,
        allow_none=True,
        metadata={"description": "If given, between the contract's start and end dates"},
    )
    victim_relevant = fields.Boolean(
        load_default=False,
        metadata={"description": "The condition concerns the victim (default false)"},
    )


class NewContractSchema(FlatErrorsSchema):
    start_date = Date(
        required=True,
        metadata={
            "description": (
                f"At most {START_MAX_DAYS_AGO} days in the past and at most "
                f"{START_MAX_DAYS_AHEAD} days ahead (UK dates). The contract ends 112 days "
                "later."
            )
        },
    )
    agreed_on = Date(
        load_default=None,
        allow_none=True,
        metadata={
            "description": (
                "When the person agreed to the contract. Default: the start date, or today if "
                "the start date is in the future. Not in the future, nor before the offence."
            )
        },
    )
    agreement_method = Text(
        load_default=AgreementMethod.SIGNED.value,
        validate=validate.OneOf(AGREEMENT_METHODS),
        metadata={
            "description": "How the person agreed. Default: signed",
            "enum": AGREEMENT_METHODS,
        },
    )
    conditions = fields.List(
        fields.Nested(NewConditionSchema),
        required=True,
        validate=validate.Length(min=1, max=MAX_CONDITIONS),
    )


class EvidenceItemSchema(Schema):
    kind = Text(
        metadata={
            "enum": [
                "acknowledged",
                "accepted",
                "completed",
                "attendance",
                "keyworker_entry",
            ],
            "description": "What the evidence is",
        }
    )
    source = Text(metadata={"description": "The partner organisation's name, or Keyworker"})
    at = UTCDateTime(metadata={"description": "When it happened"})
    text = Text(metadata={"example": "Attended"})
    recorded_by = Text(allow_none=True, metadata={"description": "Who recorded it"})


class EvidenceSchema(Schema):
    sessions_attended = fields.Integer(
        metadata={
            "description": "Attended or late appointments on referrals linked to the condition"
        }
    )
    required_sessions = fields.Integer(allow_none=True)
    items = fields.List(
        fields.Nested(EvidenceItemSchema),
        metadata={"description": "Every piece of evidence, oldest first"},
    )


class ConditionSchema(Schema):
    id = fields.UUID()
    contract_id = fields.UUID()
    type = Text(metadata={"enum": CONDITION_TYPES})
    description = Text()
    required_sessions = fields.Integer(allow_none=True)
    due_date = Date(allow_none=True)
    victim_relevant = fields.Boolean()
    revision = fields.Integer(metadata={"description": "1 for the original; +1 per variation"})
    supersedes_id = fields.UUID(
        allow_none=True, metadata={"description": "The revision this one replaced"}
    )
    superseded_at = UTCDateTime(
        allow_none=True, metadata={"description": "Set once it has been varied"}
    )
    variation_reason = Text(allow_none=True)
    created_at = UTCDateTime()
    status = Text(
        metadata={
            "enum": CONDITION_STATUSES,
            "description": "not_met once the due date (or else the contract's end) has passed",
        }
    )
    evidence = fields.Nested(EvidenceSchema)


class ContractSchema(Schema):
    id = fields.UUID()
    case_id = fields.UUID()
    start_date = Date()
    end_date = Date(metadata={"description": "start_date + 112 days (16 weeks)"})
    agreed_on = Date()
    agreement_method = Text(metadata={"enum": ALL_AGREEMENT_METHODS})
    created_at = UTCDateTime()
    case_status = Text(metadata={"description": "The case's status: active"})
    conditions = fields.List(fields.Nested(ConditionSchema))


class ConditionQuerySchema(FlatErrorsSchema):
    include_superseded = fields.Boolean(
        load_default=False,
        metadata={"description": "Include the revisions that variations replaced"},
    )
    updated_since = UTCDateTime(
        load_default=None,
        default_timezone=UTC,
        metadata={"description": "Only conditions created or superseded at or after this time"},
    )
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=MAX_PER_PAGE))


class ConditionListSchema(Schema):
    items = fields.List(fields.Nested(ConditionSchema))
    total = fields.Integer(metadata={"description": "All matching conditions, on every page"})
    page = fields.Integer()
    per_page = fields.Integer()
