"""The Celery app of one Flask app: the broker from ``CELERY_BROKER_URL``, every task of
app.jobs.registry, and beat's schedule from app.jobs.registry.SCHEDULE.

Tasks are acknowledged only once they have run (``task_acks_late``), so a worker that dies
mid-task leaves it to another; that is safe because every task is idempotent. Results are
not kept (the outbox and the other tables are the record), messages are JSON, and a task
carries ids only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from celery import Celery, Task
from flask import Flask

from app.jobs.registry import TASKS, beat_schedule

if TYPE_CHECKING:
    from app.jobs.runner import Runner

CONNECT_TIMEOUT = 3  # seconds: a web request never waits long for an unreachable broker


def make_celery(app: Flask, runner: Runner) -> Celery:
    class AppTask(Task):
        def __call__(self, *args, **kwargs):
            with app.app_context():
                return self.run(*args, **kwargs)

    celery = Celery(app.import_name, task_cls=AppTask, set_as_current=False)
    celery.conf.update(
        broker_url=app.config["CELERY_BROKER_URL"],
        broker_connection_retry_on_startup=True,
        broker_connection_timeout=CONNECT_TIMEOUT,
        broker_transport_options={
            # Redis: a task taken by a worker that then vanished is delivered again after
            # an hour (far longer than any task takes).
            "visibility_timeout": 3600,
            "socket_connect_timeout": CONNECT_TIMEOUT,
            "socket_timeout": CONNECT_TIMEOUT,
        },
        task_publish_retry_policy={
            "max_retries": 2,
            "interval_start": 0.2,
            "interval_step": 0.5,
            "interval_max": 1,
        },
        task_default_queue=app.config["CELERY_QUEUE"],
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_ignore_result=True,
        task_serializer="json",
        accept_content=["json"],
        timezone="Europe/London",
        enable_utc=True,
        beat_schedule=beat_schedule(),
        worker_hijack_root_logger=False,  # keep the hub's JSON log lines
    )
    for spec in TASKS.values():
        _register(celery, runner, spec.name, spec.takes_ids)
    return celery


def _register(celery: Celery, runner: Runner, name: str, takes_ids: bool) -> None:
    if takes_ids:

        def run(ids):
            return runner.run(name, ids)

    else:

        def run():
            return runner.run(name)

    celery.task(name=name, shared=False)(run)  # this app only: each app has its own
