"""The API's view of consents (shared/API.md): what is accepted and what is answered."""

from __future__ import annotations

from datetime import UTC

from marshmallow import Schema, fields, validate

from app.consent.models import ConsentCategory, ConsentMethod, ConsentStatus
from app.consent.services import MAX_PER_PAGE, NOTICE_VERSION_MAX, PAGE_SIZE, REASON_MAX
from app.dates import LONDON
from app.schema_fields import Date, Text, UTCDateTime

CATEGORIES = [c.value for c in ConsentCategory]
METHODS = [m.value for m in ConsentMethod]
STATUSES = [s.value for s in ConsentStatus]


class NewConsentSchema(Schema):
    organisation_id = fields.UUID(
        required=True, metadata={"description": "An active partner organisation"}
    )
    categories = fields.List(
        Text(validate=validate.OneOf(CATEGORIES)),
        required=True,
        validate=validate.Length(min=1, error="Choose at least one category."),
        metadata={"description": "What may be shared", "items": {"enum": CATEGORIES}},
    )
    method = Text(required=True, validate=validate.OneOf(METHODS))
    notice_version = Text(
        required=True,
        validate=validate.Length(min=1, max=NOTICE_VERSION_MAX),
        metadata={"description": "The privacy notice version explained, e.g. 2026-04"},
    )
    expires_on = Date(
        load_default=None,
        allow_none=True,
        metadata={
            "description": "The last day the consent is in force (UK time). Default: the "
            "contract's end plus 3 months; without a contract, today + 112 days + 3 months. "
            "Must be after today and at most 2 years ahead."
        },
    )


class WithdrawalSchema(Schema):
    reason = Text(required=True, validate=validate.Length(min=1, max=REASON_MAX))
    version = fields.Integer(
        load_default=None,
        allow_none=True,
        metadata={"description": "The version you read: a change since then answers 409"},
    )


class ConsentSchema(Schema):
    id = fields.UUID()
    case_id = fields.UUID()
    status = Text(metadata={"enum": STATUSES})
    organisation_id = fields.UUID()
    organisation_name = fields.Function(lambda consent: consent.organisation.name)
    categories = fields.List(Text(metadata={"enum": CATEGORIES}))
    method = Text(metadata={"enum": METHODS})
    notice_version = Text()
    given_at = UTCDateTime()
    expires_at = UTCDateTime(
        format="iso", metadata={"description": "The end of expires_on in UK time, in UTC"}
    )
    expires_on = fields.Function(
        lambda consent: consent.expires_at.astimezone(LONDON).date().isoformat(),
        metadata={"description": "The last day the consent is in force (UK date)"},
    )
    recorded_by_id = fields.UUID()
    withdrawn_at = UTCDateTime(allow_none=True)
    withdrawn_by_id = fields.UUID(allow_none=True)
    withdrawal_reason = Text(allow_none=True)
    version = fields.Integer()


class ConsentListQuerySchema(Schema):
    status = Text(
        load_default=None,
        validate=validate.OneOf(STATUSES),
        metadata={"enum": STATUSES, "description": "Only consents with this status now"},
    )
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    per_page = fields.Integer(
        load_default=PAGE_SIZE, validate=validate.Range(min=1, max=MAX_PER_PAGE)
    )
    updated_since = UTCDateTime(
        load_default=None,
        default_timezone=UTC,
        metadata={"description": "Only consents given or withdrawn at or after this time"},
    )


class ConsentListSchema(Schema):
    items = fields.List(fields.Nested(ConsentSchema))
    total = fields.Integer()
    page = fields.Integer()
    per_page = fields.Integer()
