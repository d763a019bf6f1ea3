"""Without a broker, the web process runs the tasks itself: on one background thread,
after the commit, and the periodic jobs on a small schedule of its own."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.jobs import runner as runner_module
from app.jobs.registry import SCHEDULE, TASKS, Task
from app.jobs.runner import runner_of
from app.jobs.schedule import InProcessSchedule, Periodic
from app.notifications.models import DeliveryStatus, Notification
from tests.referrals import support

pytestmark = pytest.mark.committed  # the background thread reads what the test committed


@pytest.fixture
def app_config():
    return {"BACKGROUND_TASKS": "thread", "NOTIFY_TRANSPORT": "smtp"}


@pytest.fixture
def runner(app):
    runner = runner_of(app)
    yield runner
    runner.shutdown()


def test_a_committed_change_is_delivered_by_the_background_thread(app, runner, smtp_server):
    inbox, port = smtp_server
    app.config["SMTP_PORT"] = port
    world = support.World.build()
    assert runner.drain(timeout=30)
    [envelope] = [m for m in inbox.wait_for(1) if world.partner.email in m.rcpt_tos]
    assert f"New referral {world.ref}" in envelope.content.decode()
    db.session.expire_all()
    statuses = db.session.scalars(
        sa.select(Notification.status).where(Notification.recipient_id == world.partner.id)
    ).all()
    assert statuses == [DeliveryStatus.SENT]


def test_a_failing_task_is_logged_and_the_thread_goes_on(app, runner, monkeypatch, caplog):
    def broken():
        raise RuntimeError("boom")

    monkeypatch.setitem(
        TASKS, "notifications.sweep", Task("notifications.sweep", broken, "broken for the test")
    )
    runner.submit("notifications.sweep")
    runner.submit("referrals.check")
    assert runner.drain(timeout=30)
    failed = [r for r in caplog.records if r.getMessage() == "background task failed"]
    assert [(r.task, r.error_type) for r in failed] == [("notifications.sweep", "RuntimeError")]


def test_tests_never_start_the_schedule_by_themselves(app, runner, client):
    client.get("/health/live")
    assert runner._schedule is None


def test_a_serving_process_starts_the_schedule_on_its_first_request(fresh_app, monkeypatch):
    started = []

    class Recorder:
        def __init__(self, entries, submit):
            self.entries = entries

        def start(self):
            started.append(self.entries)

        def stop(self):
            pass

    monkeypatch.setattr(runner_module, "InProcessSchedule", Recorder)
    fresh_app.testing = False  # as when served: `make run`, `flask run`, gunicorn
    runner_module.init_jobs(fresh_app)
    client = fresh_app.test_client()
    client.get("/health/live")
    client.get("/sign-in")
    assert started == [SCHEDULE]  # once per process, however many requests


# The schedule itself ---------------------------------------------------------------------

NOW = datetime(2026, 11, 2, 6, 30, tzinfo=UTC)  # a Monday, 06:30 in London (GMT)


def test_every_job_runs_once_at_start_then_on_its_schedule():
    submitted = []
    schedule = InProcessSchedule(SCHEDULE, submitted.append)
    schedule.run_due(NOW)
    assert sorted(submitted) == sorted(entry.task for entry in SCHEDULE)
    submitted.clear()
    schedule.run_due(NOW + timedelta(seconds=30))
    assert submitted == []
    every_minute = ["notifications.sweep", "webhooks.sweep"]
    schedule.run_due(NOW + timedelta(minutes=1))
    assert sorted(submitted) == every_minute
    submitted.clear()
    schedule.run_due(NOW + timedelta(minutes=31))  # 07:01 in London: the daily reminders
    assert sorted(submitted) == sorted(
        every_minute + [e.task for e in SCHEDULE if e.daily_at is not None]
    )


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (datetime(2026, 11, 2, 6, 59, tzinfo=UTC), datetime(2026, 11, 2, 7, 0, tzinfo=UTC)),
        (datetime(2026, 11, 2, 7, 0, tzinfo=UTC), datetime(2026, 11, 3, 7, 0, tzinfo=UTC)),
        # British Summer Time: 07:00 in London is 06:00 UTC.
        (datetime(2026, 7, 1, 5, 0, tzinfo=UTC), datetime(2026, 7, 1, 6, 0, tzinfo=UTC)),
        # The clocks go back on 25 October 2026.
        (datetime(2026, 10, 24, 6, 0, tzinfo=UTC), datetime(2026, 10, 25, 7, 0, tzinfo=UTC)),
    ],
)
def test_a_daily_job_runs_at_its_uk_time(moment, expected):
    entry = Periodic("daily", "reminders.consents", daily_at=time(7, 0))
    assert entry.next_after(moment) == expected


def test_the_schedule_thread_submits_and_stops():
    submitted = []
    entry = Periodic("fast", "notifications.sweep", every=timedelta(milliseconds=50))
    schedule = InProcessSchedule([entry], submitted.append)
    schedule.start()
    try:
        deadline = datetime.now(UTC) + timedelta(seconds=10)
        while len(submitted) < 3 and datetime.now(UTC) < deadline:
            schedule._stop.wait(0.05)
    finally:
        schedule.stop()
    assert submitted[:3] == ["notifications.sweep"] * 3
    assert not schedule._thread.is_alive()
