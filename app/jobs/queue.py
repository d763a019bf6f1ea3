"""Queueing a task from inside a service's transaction: it is sent only once that
transaction has committed, and dropped if it rolls back.

A service calls ``after_commit("notifications.deliver", notification.id)`` next to the
change; the ids are collected on the database session (``session.info``) and, when the
session's outermost transaction commits, handed to the app's runner (app.jobs.runner),
which sends them to Celery or runs them in the web process. A worker therefore never
looks for a row that is not committed yet, and a failed change queues nothing.

Arguments are ids only (UUIDs, checked here): a task reads what it needs from the
database, so no personal data passes through the broker or its logs. The same task
queued several times in one transaction is sent once, with all its ids.
"""

from __future__ import annotations

import uuid

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from app.extensions import db

PENDING = "hub_tasks_after_commit"


def after_commit(task: str, *ids: uuid.UUID | str) -> None:
    """Send ``task`` (a name from app.jobs.registry) once the current transaction commits."""
    from app.jobs.registry import TASKS  # here: the registry imports the services that call this

    if task not in TASKS:
        raise KeyError(f"no background task is called {task!r}")
    pending: dict[str, list[str]] = db.session.info.setdefault(PENDING, {})
    queued = pending.setdefault(task, [])
    for value in ids:
        text = str(uuid.UUID(str(value)))  # ids only: anything else is refused here
        if text not in queued:
            queued.append(text)


def _committed(session: Session) -> None:
    pending = session.info.pop(PENDING, None)
    if pending:
        from app.jobs.runner import runner_of

        runner = runner_of(current_app)
        for task, ids in pending.items():
            runner.submit(task, ids)


def _ended(session: Session, transaction: SessionTransaction) -> None:
    # After a commit, _committed has already taken the queue; after a rollback it is dropped.
    if transaction.parent is None:
        session.info.pop(PENDING, None)


def listen() -> None:
    """Watch the app's sessions (once per process: ``db`` is shared by every app)."""
    if not event.contains(db.session, "after_commit", _committed):
        event.listen(db.session, "after_commit", _committed)
        event.listen(db.session, "after_transaction_end", _ended)
