"""Registering, listing, testing, rotating and deleting webhook endpoints.

Who: a partner organisation's lead, for their own organisation; an administrator for
any, naming it (API only). Anyone else is refused (Forbidden); an endpoint of another
organisation is not found, as if it did not exist. Each change is audited in its own
transaction; the secret is returned once, to the caller, and never logged or audited.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import func, select

from app.audit import services as audit
from app.database import utcnow
from app.errors import Forbidden, InvalidInput, NotFound
from app.extensions import db
from app.jobs.queue import after_commit
from app.partners import policy as partner_policy
from app.partners.models import Organisation
from app.webhooks import destinations, signing
from app.webhooks.capture import payload
from app.webhooks.destinations import LOCAL_HOST
from app.webhooks.models import TEST_EVENT, EventType, WebhookDelivery, WebhookEndpoint

URL_MAX = 2000
PAGE_SIZE = 25


@dataclass(frozen=True)
class Registered:
    endpoint: WebhookEndpoint
    secret: str  # shown once


@dataclass(frozen=True)
class EndpointPage:
    items: list[WebhookEndpoint]
    total: int
    page: int
    per_page: int


@dataclass(frozen=True)
class DeliveryPage:
    items: list[WebhookDelivery]
    total: int
    page: int
    per_page: int


# Who ---------------------------------------------------------------------------------


def may_manage(user) -> bool:
    return partner_policy.is_organisation_lead(user) or partner_policy.is_admin(user)


def _require_manager(user) -> None:
    if not may_manage(user):
        raise Forbidden("Only your organisation's lead can manage its webhooks")


def _scope(user):
    """The WHERE clause of the endpoints ``user`` may see (live ones only)."""
    live = WebhookEndpoint.deleted_at.is_(None)
    if partner_policy.is_admin(user):
        return live
    return live & (WebhookEndpoint.organisation_id == user.organisation_id)


def endpoint_for(user, endpoint_id: uuid.UUID) -> WebhookEndpoint:
    _require_manager(user)
    endpoint = db.session.scalar(
        select(WebhookEndpoint).where(WebhookEndpoint.id == endpoint_id, _scope(user))
    )
    if endpoint is None:
        raise NotFound("No such webhook")
    return endpoint


def _organisation_for(user, organisation_id) -> uuid.UUID:
    if partner_policy.is_admin(user):
        if organisation_id in (None, ""):
            raise InvalidInput({"organisation_id": "Choose the organisation"})
        if db.session.get(Organisation, organisation_id) is None:
            raise InvalidInput({"organisation_id": "Choose an organisation that exists"})
        return organisation_id
    if organisation_id not in (None, "") and organisation_id != user.organisation_id:
        raise InvalidInput({"organisation_id": "You can only add webhooks for your organisation"})
    return user.organisation_id


# What --------------------------------------------------------------------------------


def check_url(url: str | None) -> str:
    """An https URL, or http to 127.0.0.1 outside production (development, tests)."""
    url = (url or "").strip()
    if not url:
        raise InvalidInput({"url": "Enter the URL of your endpoint"})
    if len(url) > URL_MAX:
        raise InvalidInput({"url": f"The URL must be {URL_MAX} characters or fewer"})
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (raises ValueError for a port that is not a number)
    except ValueError:
        parts = None
    if parts is None or not parts.hostname or parts.scheme not in {"https", "http"}:
        raise InvalidInput(
            {"url": "Enter a URL that starts with https://, like https://example.org/hooks"}
        )
    if parts.username or parts.password:
        raise InvalidInput({"url": "The URL must not contain a user name or password"})
    development = current_app.config["HUB_ENV"] != "production"
    if parts.scheme == "http":
        if parts.hostname != LOCAL_HOST or not development:
            raise InvalidInput({"url": "The URL must start with https://"})
    elif destinations.refused(url):
        # The hub's own network is no partner's system (and no way to probe it).
        raise InvalidInput({"url": "Enter the address of your organisation's own system"})
    return url


def check_events(events) -> list[str]:
    known = [e.value for e in EventType]
    chosen = [e for e in events or [] if isinstance(e, str)]
    unknown = [e for e in chosen if e not in known]
    if unknown:
        raise InvalidInput({"events": f"Unknown event: {', '.join(sorted(set(unknown)))}"})
    if not chosen:
        raise InvalidInput({"events": "Choose at least one event"})
    return [e for e in known if e in chosen]


# Use-cases ---------------------------------------------------------------------------


def register(user, *, url: str | None, events, organisation_id=None) -> Registered:
    _require_manager(user)
    organisation = _organisation_for(user, organisation_id)
    errors = {}
    clean = {}
    for name, check, value in (("url", check_url, url), ("events", check_events, events)):
        try:
            clean[name] = check(value)
        except InvalidInput as invalid:
            errors.update(invalid.errors)
    if errors:
        raise InvalidInput(errors)
    secret = signing.new_secret()
    endpoint = WebhookEndpoint(
        id=uuid.uuid4(),
        organisation_id=organisation,
        url=clean["url"],
        events=clean["events"],
        secret=secret,
        created_by_id=user.id,
        created_at=utcnow(),
    )
    db.session.add(endpoint)
    audit.record(
        "webhook.created",
        "webhook",
        endpoint.id,
        actor=user,
        details={
            "organisation_id": str(organisation),
            "host": urlsplit(endpoint.url).hostname,
            "events": endpoint.events,
        },
    )
    db.session.commit()
    return Registered(endpoint, secret)


def _ordered(model, newest_first: bool):
    """The pages list newest first; the API, like every API list, by the time of the
    last change then id, so that a system can sync with ``updated_since``."""
    if newest_first:
        return (model.created_at.desc(), model.id)
    return (model.updated_at, model.id)


def list_endpoints(
    user,
    *,
    page: int = 1,
    per_page: int = PAGE_SIZE,
    updated_since=None,
    newest_first: bool = True,
) -> EndpointPage:
    _require_manager(user)
    where = [_scope(user)]
    if updated_since is not None:
        where.append(WebhookEndpoint.updated_at >= updated_since)
    total = db.session.scalar(select(func.count()).select_from(WebhookEndpoint).where(*where))
    items = db.session.scalars(
        select(WebhookEndpoint)
        .where(*where)
        .order_by(*_ordered(WebhookEndpoint, newest_first))
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    return EndpointPage(list(items), total, page, per_page)


def deliveries(
    user,
    endpoint_id: uuid.UUID,
    *,
    page: int = 1,
    per_page: int = PAGE_SIZE,
    updated_since=None,
    newest_first: bool = True,
) -> tuple[WebhookEndpoint, DeliveryPage]:
    endpoint = endpoint_for(user, endpoint_id)
    where = [WebhookDelivery.endpoint_id == endpoint.id]
    if updated_since is not None:
        where.append(WebhookDelivery.updated_at >= updated_since)
    total = db.session.scalar(select(func.count()).select_from(WebhookDelivery).where(*where))
    items = db.session.scalars(
        select(WebhookDelivery)
        .where(*where)
        .order_by(*_ordered(WebhookDelivery, newest_first))
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    return endpoint, DeliveryPage(list(items), total, page, per_page)


def send_test(user, endpoint_id: uuid.UUID) -> WebhookDelivery:
    """Queue a ``webhook.test`` delivery to this endpoint alone."""
    endpoint = endpoint_for(user, endpoint_id)
    now = utcnow()
    delivery = WebhookDelivery(
        id=uuid.uuid4(),
        endpoint_id=endpoint.id,
        event_type=TEST_EVENT,
        object_type="webhook",
        object_id=str(endpoint.id),
        payload=payload(TEST_EVENT, "webhook", endpoint.id, None, now),
        next_attempt_at=now,
        created_at=now,
    )
    db.session.add(delivery)
    audit.record(
        "webhook.test_sent",
        "webhook",
        endpoint.id,
        actor=user,
        details={"delivery_id": str(delivery.id)},
    )
    after_commit("webhooks.deliver", delivery.id)
    db.session.commit()
    return delivery


def rotate_secret(user, endpoint_id: uuid.UUID) -> Registered:
    """A new secret at once: deliveries are signed with it from now on (retries too)."""
    endpoint = endpoint_for(user, endpoint_id)
    secret = signing.new_secret()
    endpoint.secret = secret
    endpoint.secret_rotated_at = utcnow()
    audit.record("webhook.secret_rotated", "webhook", endpoint.id, actor=user)
    db.session.commit()
    return Registered(endpoint, secret)


def delete(user, endpoint_id: uuid.UUID) -> None:
    """Stop sending to the endpoint; its deliveries stay as history."""
    endpoint = endpoint_for(user, endpoint_id)
    endpoint.deleted_at = utcnow()
    audit.record(
        "webhook.deleted",
        "webhook",
        endpoint.id,
        actor=user,
        details={"organisation_id": str(endpoint.organisation_id)},
    )
    db.session.commit()
