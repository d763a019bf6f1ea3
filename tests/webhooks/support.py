"""Helpers for the webhook tests."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.jobs.runner import runner_of
from app.webhooks.models import WebhookDelivery
from tests.partners.support import lead


def register(client, headers, url, events=None) -> dict:
    response = client.post(
        "/api/v1/webhooks",
        json={"url": url, "events": events or ["referral.sent", "referral.updated"]},
        headers=headers,
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def run_jobs(app) -> int:
    """Run what the commits queued (the tests' runner is manual)."""
    return runner_of(app).run_queued()


def deliveries() -> list[WebhookDelivery]:
    db.session.expire_all()
    return list(db.session.scalars(select(WebhookDelivery).order_by(WebhookDelivery.created_at)))


__all__ = ["deliveries", "lead", "register", "run_jobs"]
