"""What the OpenAPI document says of webhook deliveries: the events, the body, the
headers and how to check the signature, with an example verifier. OpenAPI 3.0 has no
``webhooks`` section (3.1 does), so the same facts are in ``x-webhooks`` for machines,
in the ``WebhookEvent`` schema, and in the document's description for people; the API
reference page (/api-docs) shows them from ``x-webhooks``."""

from __future__ import annotations

from marshmallow import Schema, fields

from app.schema_fields import Text
from app.webhooks.models import EVENT_DESCRIPTIONS, TEST_EVENT
from app.webhooks.sender import MAX_ATTEMPTS, TIMEOUT
from app.webhooks.signing import EXAMPLE_VERIFIER

HEADERS = {
    "webhook-id": "The delivery's id: the same on every attempt, so you can ignore repeats",
    "webhook-timestamp": "When this attempt was sent, in Unix seconds",
    "webhook-signature": (
        "`v1,` + base64 of HMAC-SHA256 over `{webhook-id}.{webhook-timestamp}.{body}`, "
        "keyed with the base64-decoded part of your secret after `whsec_`"
    ),
}

EXAMPLE_BODY = {
    "type": "referral.sent",
    "timestamp": "2026-11-22T09:30:00Z",
    "data": {"object": "referral", "id": "1b4e28ba-2fa1-4d2e-8f3c-5a6b7c8d9e0f", "version": 1},
}

DELIVERY_RULES = (
    f"A 2xx answer within {TIMEOUT[1]} seconds delivers it; anything else (another status, "
    "a redirect, no answer) is retried after 1, 3, 9, 27 minutes and so on (the wait "
    f"triples, to at most 12 hours), {MAX_ATTEMPTS} attempts in all. Deliveries may arrive "
    "more than once and out of order: use `webhook-id` to ignore repeats and `version` "
    "to ignore older news. The body never holds personal data: fetch the object through "
    "the API (`GET /api/v1/referrals/{id}`, `GET /api/v1/appointments/{id}`), which "
    "applies the consent rules as the pages do."
)


class WebhookDataSchema(Schema):
    object = Text(metadata={"description": "`referral`, `appointment` or `webhook`"})
    id = Text(metadata={"description": "The object's id"})
    version = fields.Integer(
        allow_none=True,
        metadata={
            "description": "A referral's `version` after the change; an appointment's count "
            "of changes (booking, rescheduling, each attendance record); null for a test"
        },
    )


class WebhookEventSchema(Schema):
    """The JSON body POSTed to a webhook endpoint (never personal data)."""

    type = Text(
        metadata={"description": "The event: " + ", ".join(f"`{e}`" for e in EVENT_DESCRIPTIONS)}
    )
    timestamp = Text(metadata={"description": "When it happened (ISO 8601, UTC)"})
    data = fields.Nested(WebhookDataSchema)


def description() -> str:
    events = "\n".join(f"  - `{e.value}`: {text}" for e, text in EVENT_DESCRIPTIONS.items())
    headers = "\n".join(f"  - `{name}`: {text}" for name, text in HEADERS.items())
    return (
        "\n\n## Webhook deliveries\n\n"
        "A partner organisation's lead registers endpoints (`POST /api/v1/webhooks`); the "
        "hub then POSTs each chosen event to them as JSON (schema `WebhookEvent`), "
        "following the Standard Webhooks convention.\n\n"
        f"- Events:\n{events}\n  - `{TEST_EVENT}`: sent only by `POST /webhooks/{{id}}/test`\n"
        f"- Headers:\n{headers}\n"
        f"- {DELIVERY_RULES}\n\n"
        f"Checking the signature (Python):\n\n```python\n{EXAMPLE_VERIFIER}```\n"
    )


def document_webhooks(spec) -> None:
    spec.components.schema("WebhookEvent", schema=WebhookEventSchema)
    spec.options["info"]["description"] += description()
    spec.options["x-webhooks"] = {
        "events": {e.value: text for e, text in EVENT_DESCRIPTIONS.items()},
        "test_event": TEST_EVENT,
        "method": "POST",
        "body": {"$ref": "#/components/schemas/WebhookEvent"},
        "example": EXAMPLE_BODY,
        "headers": HEADERS,
        "delivery": DELIVERY_RULES,
        "verifier": {"language": "python", "source": EXAMPLE_VERIFIER},
    }
