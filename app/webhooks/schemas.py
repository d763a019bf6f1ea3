"""The webhook API's bodies. What an endpoint shows: never its secret, except once, to
whoever registered it or rotated it."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from app.schema_fields import ListQuerySchema, Text, UTCDateTime, list_schema
from app.webhooks.models import EVENT_DESCRIPTIONS, DeliveryStatus, EventType

EVENTS = [e.value for e in EventType]
EVENTS_TEXT = "; ".join(f"`{e.value}`: {text}" for e, text in EVENT_DESCRIPTIONS.items())


class NewWebhookSchema(Schema):
    url = Text(
        required=True,
        metadata={
            "description": "Where deliveries are POSTed: an https URL (http only to "
            "127.0.0.1, and never in production)",
            "example": "https://cases.example.org/hub-events",
        },
    )
    events = fields.List(
        Text(validate=validate.OneOf(EVENTS)),
        required=True,
        metadata={"description": f"The events to receive, at least one. {EVENTS_TEXT}"},
    )
    organisation_id = fields.UUID(
        load_default=None,
        metadata={
            "description": "Administrators: the organisation. A lead's webhooks are "
            "always their own organisation's"
        },
    )


class WebhookSchema(Schema):
    id = fields.UUID()
    organisation_id = fields.UUID()
    url = Text()
    events = fields.List(Text(), metadata={"description": "The events it receives"})
    created_at = UTCDateTime()
    secret_rotated_at = UTCDateTime(allow_none=True)
    updated_at = UTCDateTime()


class WebhookSecretSchema(WebhookSchema):
    secret = Text(
        metadata={
            "description": "The signing secret (`whsec_` + base64 of the key). Shown only "
            "in this answer: keep it safe",
        }
    )


class DeliverySchema(Schema):
    id = Text(metadata={"description": "Also the `webhook-id` header of every attempt"})
    event_type = Text(metadata={"description": "An event, or `webhook.test`"})
    object_type = Text()
    object_id = Text()
    status = Text(metadata={"description": "One of " + ", ".join(s.value for s in DeliveryStatus)})
    attempts = fields.Integer()
    last_status_code = fields.Integer(
        allow_none=True, metadata={"description": "Your endpoint's last answer (none: no answer)"}
    )
    last_attempt_at = UTCDateTime(allow_none=True)
    next_attempt_at = UTCDateTime(
        metadata={"description": "When it is tried again, while `pending`"}
    )
    created_at = UTCDateTime()
    delivered_at = UTCDateTime(allow_none=True)
    updated_at = UTCDateTime()


class WebhookListQuerySchema(ListQuerySchema):
    """Paging and ``updated_since``, as every list."""


WebhookListSchema = list_schema(WebhookSchema, "WebhookList")
DeliveryListSchema = list_schema(DeliverySchema, "WebhookDeliveryList")
