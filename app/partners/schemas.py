"""The API's view of organisations (shared/API.md): what is accepted and what is answered.

The schemas check types and shapes; the partners service checks the rules (a unique name,
known service types, a clean list of areas, a valid contact email and telephone number,
1 to 30 working days, an agreement reference with its expiry date), so that the pages and
the API give the same answers.
"""

from __future__ import annotations

from datetime import UTC

from marshmallow import Schema, fields, validate

from app.partners.models import Capacity, ServiceType
from app.partners.services import (
    ACKNOWLEDGE_DEFAULT,
    ACKNOWLEDGE_MAX,
    ACKNOWLEDGE_MIN,
    MAX_PER_PAGE,
    PAGE_SIZE,
    isa_current,
)
from app.schema_fields import Date, Text, UTCDateTime

SERVICE_TYPES = [t.value for t in ServiceType]
CAPACITIES = [c.value for c in Capacity]


def _optional_text(maximum: int, description: str):
    return Text(
        allow_none=True,
        validate=validate.Length(max=maximum),
        metadata={"description": description},
    )


class _OrganisationFields(Schema):
    """The fields an administrator sets. None of them is required here."""

    name = Text(validate=validate.Length(max=200), metadata={"description": "Unique"})
    service_types = fields.List(
        Text(validate=validate.OneOf(SERVICE_TYPES)),
        metadata={"description": "At least one", "items": {"enum": SERVICE_TYPES}},
    )
    areas = fields.List(
        Text(validate=validate.Length(max=100)),
        metadata={
            "description": "The areas covered, at least one. Spaces are tidied and repeats "
            "(in any case) dropped"
        },
    )
    acknowledge_within_days = fields.Integer(
        strict=True,
        metadata={
            "description": "Working days (England and Wales) in which the organisation "
            f"acknowledges a referral: {ACKNOWLEDGE_MIN} to {ACKNOWLEDGE_MAX}, "
            f"default {ACKNOWLEDGE_DEFAULT}"
        },
    )
    contact_name = _optional_text(200, "The named contact for warm introductions")
    contact_phone = _optional_text(30, "The contact's telephone number")
    contact_email = _optional_text(320, "The contact's email address")
    capacity = Text(
        validate=validate.OneOf(CAPACITIES),
        metadata={"description": "Default accepting", "enum": CAPACITIES},
    )
    isa_reference = _optional_text(100, "The information-sharing agreement's reference")
    isa_expires_on = Date(
        allow_none=True,
        metadata={
            "description": "The agreement's last day in force (UK date): no new referrals "
            "after it. Needed with isa_reference, and the reverse"
        },
    )
    description = _optional_text(2000, "What the organisation offers")
    active = fields.Boolean(metadata={"description": "Default true; inactive ones are hidden"})


class NewOrganisationSchema(_OrganisationFields):
    name = Text(
        required=True, validate=validate.Length(max=200), metadata={"description": "Unique"}
    )
    service_types = fields.List(
        Text(validate=validate.OneOf(SERVICE_TYPES)),
        required=True,
        metadata={"description": "At least one", "items": {"enum": SERVICE_TYPES}},
    )
    areas = fields.List(
        Text(validate=validate.Length(max=100)),
        required=True,
        metadata={"description": "The areas covered, at least one"},
    )


class OrganisationChangesSchema(_OrganisationFields):
    version = fields.Integer(
        strict=True,
        load_default=None,
        allow_none=True,
        metadata={"description": "The version you read: a change since then answers 409"},
    )


class OrganisationSchema(Schema):
    id = fields.UUID()
    name = Text()
    service_types = fields.List(Text(metadata={"enum": SERVICE_TYPES}))
    areas = fields.List(Text())
    acknowledge_within_days = fields.Integer()
    contact_name = Text(allow_none=True)
    contact_phone = Text(allow_none=True)
    contact_email = Text(allow_none=True)
    capacity = Text(metadata={"enum": CAPACITIES})
    isa_reference = Text(allow_none=True)
    isa_expires_on = Date(allow_none=True)
    isa_current = fields.Function(
        lambda organisation: isa_current(organisation),
        metadata={
            "description": "False once the agreement has expired (after isa_expires_on, "
            "UK date): no new referrals can be sent. True when no expiry is recorded",
            "type": "boolean",
        },
    )
    description = Text(allow_none=True)
    active = fields.Boolean()
    created_at = UTCDateTime()
    updated_at = UTCDateTime()
    version = fields.Integer()


class OrganisationListSchema(Schema):
    items = fields.List(fields.Nested(OrganisationSchema))
    total = fields.Integer(metadata={"description": "How many match, on every page"})
    page = fields.Integer()
    per_page = fields.Integer()


class OrganisationListQuerySchema(Schema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    per_page = fields.Integer(
        load_default=PAGE_SIZE, validate=validate.Range(min=1, max=MAX_PER_PAGE)
    )
    service_type = fields.List(
        Text(validate=validate.OneOf(SERVICE_TYPES)),
        load_default=list,
        metadata={"description": "Offering any of these (repeat the parameter for more)"},
    )
    area = Text(
        load_default=None,
        validate=validate.Length(max=100),
        metadata={"description": "Covering this area (any case)"},
    )
    capacity = fields.List(
        Text(validate=validate.OneOf(CAPACITIES)),
        load_default=list,
        metadata={"description": "With any of these capacities (repeat for more)"},
    )
    name = Text(
        load_default=None,
        validate=validate.Length(max=200),
        metadata={"description": "Part of the name (any case)"},
    )
    updated_since = UTCDateTime(
        load_default=None,
        default_timezone=UTC,
        metadata={"description": "Only organisations changed at or after this time"},
    )
    include_inactive = fields.Boolean(
        load_default=False,
        metadata={"description": "Administrators only: list inactive organisations too"},
    )
