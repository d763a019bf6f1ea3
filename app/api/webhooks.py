"""Webhooks (a partner organisation's lead for its own organisation; an administrator for
any, naming ``organisation_id``). The same services as the lead's pages."""

from __future__ import annotations

import uuid

from flask_login import current_user
from flask_smorest import Blueprint

from app.auth.permissions import roles_required
from app.auth.roles import Role
from app.webhooks import services
from app.webhooks.schemas import (
    DeliveryListSchema,
    DeliverySchema,
    NewWebhookSchema,
    WebhookListQuerySchema,
    WebhookListSchema,
    WebhookSecretSchema,
)

blp = Blueprint(
    "api_webhooks",
    __name__,
    url_prefix="",
    description="Webhooks: events pushed to a partner organisation's own system",
)
MANAGERS = (Role.PARTNER, Role.ADMIN)
NOT_LEAD = "Only a partner organisation's lead (or an administrator) manages webhooks"


def _with_secret(registered: services.Registered) -> dict:
    endpoint = registered.endpoint
    return {
        "id": endpoint.id,
        "organisation_id": endpoint.organisation_id,
        "url": endpoint.url,
        "events": endpoint.events,
        "created_at": endpoint.created_at,
        "secret_rotated_at": endpoint.secret_rotated_at,
        "updated_at": endpoint.updated_at,
        "secret": registered.secret,
    }


def _paging(query: dict) -> dict:
    return {
        "page": query["page"],
        "per_page": query["per_page"],
        "updated_since": query.get("updated_since"),
        "newest_first": False,
    }


def _page(result) -> dict:
    return {
        "items": result.items,
        "total": result.total,
        "page": result.page,
        "per_page": result.per_page,
    }


@blp.route("/webhooks", methods=["POST"])
@roles_required(*MANAGERS)
@blp.arguments(NewWebhookSchema)
@blp.response(201, WebhookSecretSchema)
@blp.alt_response(403, description=NOT_LEAD)
@blp.alt_response(422, description="Invalid URL or events, with `errors` per field")
def create_webhook(data):
    """Register an endpoint. The answer holds its signing `secret`, shown this once.

    See "Webhook deliveries" at the top of this document for the body, the headers and
    how to check the signature.
    """
    return _with_secret(
        services.register(
            current_user,
            url=data["url"],
            events=data["events"],
            organisation_id=data.get("organisation_id"),
        )
    ), 201


@blp.route("/webhooks", methods=["GET"])
@roles_required(*MANAGERS)
@blp.arguments(WebhookListQuerySchema, location="query")
@blp.response(200, WebhookListSchema)
@blp.alt_response(403, description=NOT_LEAD)
def list_webhooks(query):
    """List your organisation's endpoints (an administrator: every organisation's).
    Secrets are never listed."""
    return _page(services.list_endpoints(current_user, **_paging(query)))


@blp.route("/webhooks/<uuid:webhook_id>", methods=["DELETE"])
@roles_required(*MANAGERS)
@blp.response(204)
@blp.alt_response(403, description=NOT_LEAD)
@blp.alt_response(404, description="No such webhook (or another organisation's)")
def delete_webhook(webhook_id: uuid.UUID):
    """Delete an endpoint: nothing more is sent to it (deliveries waiting are dropped)."""
    services.delete(current_user, webhook_id)


@blp.route("/webhooks/<uuid:webhook_id>/test", methods=["POST"])
@roles_required(*MANAGERS)
@blp.response(201, DeliverySchema)
@blp.alt_response(403, description=NOT_LEAD)
@blp.alt_response(404, description="No such webhook (or another organisation's)")
def test_webhook(webhook_id: uuid.UUID):
    """Send a `webhook.test` event to this endpoint now (signed like every delivery)."""
    return services.send_test(current_user, webhook_id), 201


@blp.route("/webhooks/<uuid:webhook_id>/secret", methods=["POST"])
@roles_required(*MANAGERS)
@blp.response(200, WebhookSecretSchema)
@blp.alt_response(403, description=NOT_LEAD)
@blp.alt_response(404, description="No such webhook (or another organisation's)")
def rotate_webhook_secret(webhook_id: uuid.UUID):
    """Replace the signing secret at once; the new one is in this answer, shown once.
    Every delivery from now on, retries included, is signed with it."""
    return _with_secret(services.rotate_secret(current_user, webhook_id))


@blp.route("/webhooks/<uuid:webhook_id>/deliveries", methods=["GET"])
@roles_required(*MANAGERS)
@blp.arguments(WebhookListQuerySchema, location="query")
@blp.response(200, DeliveryListSchema)
@blp.alt_response(403, description=NOT_LEAD)
@blp.alt_response(404, description="No such webhook (or another organisation's)")
def list_webhook_deliveries(query, webhook_id: uuid.UUID):
    """The endpoint's deliveries: status, attempts, your endpoint's last answer."""
    _endpoint, result = services.deliveries(current_user, webhook_id, **_paging(query))
    return _page(result)
