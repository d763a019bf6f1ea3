"""With a broker (CELERY_BROKER_URL), the same tasks go to Celery: a real worker, over a
real Redis on 127.0.0.1:6379 (database 13 and a queue of the test's own, so nothing else
on that server is touched), delivers what the web side committed."""

from __future__ import annotations

import logging
import os
import time
import uuid
from datetime import timedelta

import pytest
import redis
import sqlalchemy as sa
from celery.contrib.testing.worker import start_worker
from celery.schedules import crontab

from app.extensions import db
from app.jobs.registry import SCHEDULE, TASKS
from app.jobs.runner import Mode, runner_of
from app.notifications.models import DeliveryStatus, Notification
from tests.referrals import support

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/13")
QUEUE = f"hub-test-{uuid.uuid4().hex[:8]}"


def _redis_answers() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


@pytest.fixture
def app_config():
    return {
        "CELERY_BROKER_URL": REDIS_URL,
        "CELERY_QUEUE": QUEUE,
        "NOTIFY_TRANSPORT": "smtp",
        "BACKGROUND_TASKS": "celery",
    }


@pytest.fixture
def redis_server():
    if not _redis_answers():
        if os.environ.get("CI"):
            pytest.fail(f"Redis is not answering at {REDIS_URL} (.ci/run starts it)")
        pytest.skip(f"Redis is not answering at {REDIS_URL}")
    yield
    forget_queue(redis.Redis.from_url(REDIS_URL), QUEUE)


def forget_queue(server: redis.Redis, queue: str) -> None:
    """Remove the queue and kombu's bindings for it (each run's queue has its own name)."""
    server.delete(queue, *server.keys(f"_kombu.binding*.{queue}"))


def test_the_celery_app_has_every_task_and_the_whole_schedule(app):
    celery = runner_of(app).celery
    assert runner_of(app).mode is Mode.CELERY
    assert set(TASKS) <= set(celery.tasks)
    beat = celery.conf.beat_schedule
    assert set(beat) == {entry.name for entry in SCHEDULE}
    assert beat["deliver-outbox"]["schedule"] == timedelta(minutes=1)
    assert beat["remind-consents"]["schedule"] == crontab(hour=7, minute=0)
    assert celery.conf.timezone == "Europe/London"
    assert celery.conf.task_acks_late is True
    assert celery.conf.task_default_queue == QUEUE


@pytest.fixture
def worker(app, redis_server):
    """A real Celery worker for the test's app, in a thread of the test process."""
    root_level = logging.root.level  # the test worker changes the root logger's level
    with start_worker(
        runner_of(app).celery, pool="solo", concurrency=1, queues=[QUEUE], perform_ping_check=False
    ) as worker:
        yield worker
    logging.root.setLevel(root_level)


@pytest.mark.committed
def test_a_worker_delivers_what_the_web_side_committed(app, worker, smtp_server):
    inbox, port = smtp_server
    app.config["SMTP_PORT"] = port
    world = support.World.build()  # sends a referral: its messages go through Redis
    written = db.session.scalar(sa.select(sa.func.count()).select_from(Notification))
    messages = inbox.wait_for(written, timeout=30)
    [to_partner] = [m for m in messages if m.rcpt_tos == [world.partner.email]]
    assert f"New referral {world.ref}" in to_partner.content.decode()
    assert _statuses_once_settled() == {DeliveryStatus.SENT}


def _statuses_once_settled(timeout: float = 10) -> set[str]:
    """The outbox's statuses, once the worker has marked what it sent (just after sending)."""
    deadline = time.monotonic() + timeout
    while True:
        db.session.rollback()
        statuses = set(db.session.scalars(sa.select(Notification.status)))
        if DeliveryStatus.PENDING not in statuses or time.monotonic() > deadline:
            return statuses
        time.sleep(0.05)


CLOSED_BROKER = {"CELERY_BROKER_URL": "redis://127.0.0.1:1/0", "BACKGROUND_TASKS": "celery"}


@pytest.mark.parametrize("app_config", [CLOSED_BROKER])
def test_an_unreachable_broker_loses_nothing(app, caplog):
    world = support.World.build()  # the change commits all the same
    warnings = [r for r in caplog.records if r.getMessage().startswith("task not queued")]
    assert [r.task for r in warnings] == ["notifications.deliver"]
    pending = db.session.scalars(
        sa.select(Notification.status).where(Notification.recipient_id == world.partner.id)
    ).all()
    assert pending == [DeliveryStatus.PENDING]  # the next sweep sends it


@pytest.mark.parametrize("app_config", [CLOSED_BROKER])
def test_not_ready_while_the_broker_does_not_answer(client):
    response = client.get("/health/ready")
    assert response.status_code == 503
    assert response.json["checks"]["broker"] == "failing"


def test_ready_with_a_broker_that_answers(client, redis_server):
    response = client.get("/health/ready")
    assert response.status_code == 200
    assert response.json["checks"] == {"database": "ok", "migrations": "ok", "broker": "ok"}
