"""Where background tasks run: each app has one runner (``app.extensions["hub_jobs"]``).

``BACKGROUND_TASKS`` (app.config) picks the mode:

* ``celery``, whenever ``CELERY_BROKER_URL`` is set: a task queued after a commit is sent
  to the broker; Celery workers run it and Celery beat keeps the schedule
  (``celery -A app.jobs.worker worker`` / ``beat``).
* ``thread``, the default with no broker: the web process (``make run``, ``flask run``,
  gunicorn) runs each task on one background thread of its own, right after the
  transaction that queued it commits, and keeps the schedule itself
  (app.jobs.schedule.InProcessSchedule), started by the first request it serves, so the
  reloader's watching process and commands such as ``flask db upgrade`` never start it.
  A thread rather than the request itself: the response never waits for a mail server.
  Tasks still waiting when the process exits are run before it does; one lost with the
  process is picked up by the next sweep, since the outbox is the source of truth.
* ``manual``, for tests: a queued task is kept in ``queued`` until the test runs it
  (``run_queued``), so every test is deterministic and nothing runs behind its back.
"""

from __future__ import annotations

import logging
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from enum import StrEnum

from flask import Flask, current_app

from app.jobs import queue
from app.jobs.registry import SCHEDULE, TASKS
from app.jobs.schedule import InProcessSchedule

log = logging.getLogger(__name__)


class Mode(StrEnum):
    CELERY = "celery"
    THREAD = "thread"
    MANUAL = "manual"


class Runner:
    def __init__(self, app: Flask):
        self.app = app
        self.mode = Mode(app.config["BACKGROUND_TASKS"])
        self.queued: list[tuple[str, list[str]]] = []
        self.celery = None
        if self.mode is Mode.CELERY:
            from app.jobs.celery_app import make_celery

            self.celery = make_celery(app, self)
        self._lock = threading.Lock()
        self._idle = threading.Condition()
        self._running = 0  # thread mode: tasks submitted and not finished yet
        self._pool: ThreadPoolExecutor | None = None
        self._pool_pid: int | None = None
        self._schedule: InProcessSchedule | None = None
        self._schedule_pid: int | None = None

    # Running ----------------------------------------------------------------------------

    def run(self, task: str, ids=()) -> object:
        """Run ``task`` here and now, in the current app context."""
        return TASKS[task](ids)

    def submit(self, task: str, ids=()) -> None:
        """Hand ``task`` over to wherever this app runs its background work."""
        ids = list(ids)
        if self.mode is Mode.CELERY:
            self._send(task, (ids,) if TASKS[task].takes_ids else ())
        elif self.mode is Mode.THREAD:
            pool = self._executor()
            with self._idle:
                self._running += 1
            pool.submit(self._run_in_context, task, ids)
        else:
            self.queued.append((task, ids))

    def _send(self, task: str, args: tuple) -> None:
        try:
            self.celery.tasks[task].apply_async(args=args)
        except Exception as error:  # the change is committed; the sweep sends it later
            log.warning(
                "task not queued: broker unreachable",
                extra={"task": task, "error_type": type(error).__name__},
            )

    def _run_in_context(self, task: str, ids: list[str]) -> None:
        try:
            with self.app.app_context():
                self.run(task, ids)
        except Exception as error:
            log.exception(
                "background task failed", extra={"task": task, "error_type": type(error).__name__}
            )
        finally:
            with self._idle:
                self._running -= 1
                self._idle.notify_all()

    def _executor(self) -> ThreadPoolExecutor:
        with self._lock:
            if self._pool is None or self._pool_pid != os.getpid():  # new, or forked
                self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="hub-tasks")
                self._pool_pid = os.getpid()
                self._running = 0  # a forked copy inherits none of the parent's threads
            return self._pool

    def run_queued(self) -> int:
        """Manual mode: run the queued tasks in order, including any they queue in turn."""
        count = 0
        while self.queued:
            task, ids = self.queued.pop(0)
            self.run(task, ids)
            count += 1
        return count

    def drain(self, timeout: float = 30) -> bool:
        """Thread mode: wait until every task submitted has run, including those they
        submitted in turn. False if some are still running after ``timeout`` seconds."""
        with self._idle:
            return self._idle.wait_for(lambda: self._running == 0, timeout=timeout)

    # The in-process schedule ------------------------------------------------------------

    def start_schedule(self) -> None:
        """Thread mode: keep the periodic schedule in this process (once per process)."""
        with self._lock:
            if self._schedule_pid == os.getpid():
                return
            self._schedule_pid = os.getpid()
            self._schedule = InProcessSchedule(SCHEDULE, self.submit)
        self._schedule.start()

    def _start_schedule_on_first_request(self) -> None:
        if self._schedule_pid != os.getpid():
            self.start_schedule()

    def shutdown(self) -> None:
        """Stop the schedule and finish the tasks already submitted."""
        if self._schedule is not None:
            self._schedule.stop()
        if self._pool is not None and self._pool_pid == os.getpid():
            self._pool.shutdown(wait=True)
            self._pool = None

    # Health -----------------------------------------------------------------------------

    def broker_reachable(self, timeout: float = 2) -> bool | None:
        """None without a broker; otherwise whether it answers within ``timeout`` seconds."""
        if self.celery is None:
            return None
        try:
            with self.celery.connection_for_write() as connection:
                connection.ensure_connection(max_retries=1, interval_start=0, timeout=timeout)
        except Exception:
            return False
        return True


def init_jobs(app: Flask) -> Runner:
    queue.listen()
    runner = Runner(app)
    app.extensions["hub_jobs"] = runner
    if runner.mode is Mode.THREAD and not app.testing:
        app.before_request(runner._start_schedule_on_first_request)
    return runner


def runner_of(app: Flask | None = None) -> Runner:
    return (app or current_app).extensions["hub_jobs"]
