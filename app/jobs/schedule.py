"""When the periodic jobs run: one description that Celery beat and the in-process
scheduler both read (the entries themselves are in app.jobs.registry.SCHEDULE)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from app.database import utcnow
from app.dates import LONDON

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Periodic:
    """A task run at a fixed interval (``every``) or once a day at a UK time (``daily_at``)."""

    name: str
    task: str
    every: timedelta | None = None
    daily_at: time | None = None

    def __post_init__(self):
        if (self.every is None) == (self.daily_at is None):
            raise ValueError(f"{self.name}: give either every or daily_at")

    @property
    def when(self) -> str:
        if self.daily_at is not None:
            return f"daily at {self.daily_at:%H:%M} UK time"
        seconds = int(self.every.total_seconds())
        for unit, size in (("hour", 3600), ("minute", 60)):
            if seconds % size == 0:
                count = seconds // size
                return f"every {unit}" if count == 1 else f"every {count} {unit}s"
        return f"every {seconds} seconds"

    @property
    def period(self) -> timedelta:
        return self.every if self.every is not None else timedelta(days=1)

    def next_after(self, moment: datetime) -> datetime:
        """The first time this job is due after ``moment`` (UTC)."""
        if self.every is not None:
            return moment + self.every
        local = moment.astimezone(LONDON)
        due = datetime.combine(local.date(), self.daily_at, tzinfo=LONDON)
        if due <= local:
            due = datetime.combine(local.date() + timedelta(days=1), self.daily_at, tzinfo=LONDON)
        return due.astimezone(UTC)

    def beat_entry(self) -> dict:
        """The entry for Celery beat (whose timezone is Europe/London). A run that no worker
        has taken before the next one is due is dropped (``expires``): the next one does
        the same work."""
        from celery.schedules import crontab

        if self.every is not None:
            schedule = self.every
        else:
            schedule = crontab(hour=self.daily_at.hour, minute=self.daily_at.minute)
        return {
            "task": self.task,
            "schedule": schedule,
            "options": {"expires": self.period.total_seconds()},
        }


class InProcessSchedule:
    """Without a broker, the web process keeps the schedule itself on a daemon thread:
    each job once when the thread starts, then as its entry says. ``submit`` hands a task
    to the process's background thread (app.jobs.runner), so the jobs never overlap."""

    def __init__(
        self,
        entries: Iterable[Periodic],
        submit: Callable[[str], None],
        *,
        clock: Callable[[], datetime] = utcnow,
    ):
        self.entries = tuple(entries)
        self.submit = submit
        self.clock = clock
        self._next: dict[str, datetime] = {}
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def run_due(self, now: datetime) -> list[str]:
        """Submit the jobs due at ``now`` and work out when each runs next."""
        ran = []
        for entry in self.entries:
            if self._next.get(entry.name, now) > now:
                continue
            self._next[entry.name] = entry.next_after(now)
            ran.append(entry.name)
            try:
                self.submit(entry.task)
            except Exception as error:  # the schedule outlives one failed submission
                log.exception(
                    "scheduling failed",
                    extra={"task": entry.task, "error_type": type(error).__name__},
                )
        return ran

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="hub-schedule", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def _loop(self) -> None:
        while not self._stop.is_set():
            now = self.clock()
            self.run_due(now)
            soonest = min(self._next.values(), default=now + timedelta(minutes=1))
            self._stop.wait(min(max((soonest - self.clock()).total_seconds(), 0.05), 60))
