"""Delivering the webhook outbox: each delivery POSTed, signed, to its endpoint.

The same shape as the notification outbox (app.notifications.sender): the outbox table is
the source of truth; ``webhooks.deliver`` sends the deliveries a transaction wrote once it
has committed, and ``webhooks.sweep`` runs every minute for retries and anything whose
task was lost. Each delivery is claimed with ``SKIP LOCKED`` on PostgreSQL, sent and
marked in its own short transaction, so several workers never send it at once and either
task may run twice.

A 2xx answer within the timeout delivers it. Anything else (another status, a redirect,
no answer, a refused connection) is an attempt that failed: it is tried again after
a delay that triples each time (1, 3, 9, 27 minutes, ...), up to ``MAX_ATTEMPTS``, and
then marked failed. Every attempt re-signs the same body under the same ``webhook-id``
with the time of that attempt.
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime, timedelta

import requests

from app import outbox
from app.database import utcnow
from app.extensions import db
from app.webhooks import destinations, signing
from app.webhooks.models import DeliveryStatus, WebhookDelivery

log = logging.getLogger(__name__)

FIRST_RETRY = timedelta(minutes=1)
BACKOFF_FACTOR = 3
LONGEST_WAIT = timedelta(hours=12)
MAX_ATTEMPTS = 8
TIMEOUT = (5, 10)  # seconds: to connect, then to read the answer
INTERNAL_ADDRESS = "The URL leads to an address inside the hub's own network: not sent"
BATCH = 100
USER_AGENT = "virtual-offender-hub-webhooks/1"


def retry_delay(attempts: int) -> timedelta:
    """How long to wait after the ``attempts``-th failed attempt."""
    return min(FIRST_RETRY * BACKOFF_FACTOR ** (attempts - 1), LONGEST_WAIT)


def post(url: str, body: str, headers: dict[str, str]) -> int:
    """POST the body; the answer's status code (raises requests.RequestException, or
    destinations.InternalAddress if the host resolves inside the hub's network as the
    connection is made)."""
    with requests.Session() as session:
        adapter = destinations.PinnedAdapter()
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        response = session.post(
            url,
            data=body.encode("utf-8"),
            headers={"Content-Type": "application/json", "User-Agent": USER_AGENT, **headers},
            timeout=TIMEOUT,
            allow_redirects=False,
        )
        response.close()
    return response.status_code


def deliver(delivery_ids, *, now: datetime | None = None) -> tuple[int, int]:
    """Send these deliveries if they are still due. Returns (delivered, failed attempts)."""
    delivered = failed = 0
    for delivery_id in delivery_ids:
        at = now or utcnow()
        delivery = outbox.claim(WebhookDelivery, uuid.UUID(str(delivery_id)), at)
        if delivery is None:
            db.session.rollback()
            continue
        if _attempt(delivery, at):
            delivered += 1
        else:
            failed += 1
        db.session.commit()
    return delivered, failed


def _attempt(delivery: WebhookDelivery, at: datetime) -> bool:
    endpoint = delivery.endpoint
    delivery.attempts += 1
    delivery.last_attempt_at = at
    if endpoint.deleted_at is not None:
        delivery.status = DeliveryStatus.FAILED.value
        delivery.last_error = "The endpoint was deleted"
        return False
    headers = signing.headers(endpoint.secret, str(delivery.id), at, delivery.payload)
    if destinations.refused(endpoint.url):
        code, delivery.last_error = None, INTERNAL_ADDRESS
    else:
        try:
            code = post(endpoint.url, delivery.payload, headers)
        except destinations.InternalAddress:
            code, delivery.last_error = None, INTERNAL_ADDRESS
        except requests.RequestException as error:
            code, delivery.last_error = None, type(error).__name__
        else:
            delivery.last_error = None if 200 <= code < 300 else f"HTTP {code}"
    delivery.last_status_code = code
    if code is not None and 200 <= code < 300:
        delivery.status = DeliveryStatus.DELIVERED.value
        delivery.delivered_at = at
        return True
    if delivery.attempts >= MAX_ATTEMPTS:
        delivery.status = DeliveryStatus.FAILED.value
    else:
        delivery.next_attempt_at = at + retry_delay(delivery.attempts)
    log.warning(
        "webhook delivery failed",
        extra={
            "delivery_id": str(delivery.id),
            "attempt": delivery.attempts,
            "status_code": code,
        },
    )
    return False


def sweep(*, now: datetime | None = None) -> tuple[int, int]:
    """Deliver everything due, batch after batch (retries, and deliveries whose task was
    lost). Stops when a batch leaves work to another sender."""
    total_delivered = total_failed = 0
    while True:
        moment = now or utcnow()
        due = outbox.due_ids(WebhookDelivery, moment, BATCH)
        db.session.rollback()
        delivered, failed = deliver(due, now=now)
        total_delivered, total_failed = total_delivered + delivered, total_failed + failed
        if delivered + failed < BATCH:
            return total_delivered, total_failed
