"""Every background task the hub has, and the schedule of the periodic ones.

A task is a thin call into a service. Each one is idempotent (it may run twice, or in
two workers at once: it claims its rows in the database), takes ids only, and returns
counts, never data. Celery registers them under these names (app.jobs.celery_app); the
in-process runner calls the same functions (app.jobs.runner).

How new background work plugs in: the change writes its rows (an outbox) in its own
transaction and calls ``app.jobs.queue.after_commit(name, row_id)``; add the task here
(``takes_ids=True``) and, for retries and lost tasks, a periodic sweep to SCHEDULE. The
partners' webhook deliveries follow exactly the notification outbox's pattern
(``webhooks.deliver`` + ``webhooks.sweep``, app.webhooks.sender).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import time, timedelta

from app.consent import reminders as consents
from app.evidence import reminders as attendance
from app.jobs.schedule import Periodic
from app.notifications import sender
from app.outcomes import reminders as reoffending_checks
from app.referrals.checks import check_referrals
from app.retention.services import run_retention_review
from app.victims import reminders as victim_updates
from app.webhooks import sender as webhooks


@dataclass(frozen=True)
class Task:
    name: str
    run: Callable[..., object]
    description: str
    takes_ids: bool = False

    def __call__(self, ids=()) -> object:
        return self.run(list(ids)) if self.takes_ids else self.run()


def _deliver_notifications(ids):
    sent, failed = sender.deliver(ids)
    return {"sent": sent, "failed": failed}


def _sweep_outbox():
    sent, failed = sender.sweep()
    return {"sent": sent, "failed": failed}


def _deliver_webhooks(ids):
    delivered, failed = webhooks.deliver(ids)
    return {"delivered": delivered, "failed": failed}


def _sweep_webhooks():
    delivered, failed = webhooks.sweep()
    return {"delivered": delivered, "failed": failed}


def _check_referrals():
    result = check_referrals()
    return {"overdue_flagged": result.overdue_flagged, "held": result.held}


def _reminders(send: Callable[[], int]) -> Callable[[], object]:
    return lambda: {"reminded": send()}


TASKS: dict[str, Task] = {
    task.name: task
    for task in (
        Task(
            "notifications.deliver",
            _deliver_notifications,
            "send the messages a transaction wrote, once it has committed",
            takes_ids=True,
        ),
        Task(
            "notifications.sweep",
            _sweep_outbox,
            "send every message due: retries, and any whose task was lost",
        ),
        Task(
            "webhooks.deliver",
            _deliver_webhooks,
            "send the webhook deliveries a transaction wrote, once it has committed",
            takes_ids=True,
        ),
        Task(
            "webhooks.sweep",
            _sweep_webhooks,
            "send every webhook delivery due: retries, and any whose task was lost",
        ),
        Task(
            "referrals.check",
            _check_referrals,
            "flag overdue acknowledgements; hold referrals whose consent has expired",
        ),
        Task(
            "reminders.attendance",
            _reminders(attendance.send_reminders),
            "attendance not recorded two working days after an appointment",
        ),
        Task(
            "reminders.victim_updates",
            _reminders(victim_updates.send_reminders),
            "victim updates due tomorrow (or already due, not yet reminded)",
        ),
        Task(
            "reminders.reoffending_checks",
            _reminders(reoffending_checks.send_reminders),
            "reoffending checks that have fallen due",
        ),
        Task(
            "reminders.consents",
            _reminders(consents.send_reminders),
            "consents to share that expire within 30 days",
        ),
        Task(
            "retention.review",
            lambda: run_retention_review().as_counts(),
            "count records past their retention period; tell the administrators (erases nothing)",
        ),
    )
}

MORNING = time(7, 0)

SCHEDULE: tuple[Periodic, ...] = (
    Periodic("deliver-outbox", "notifications.sweep", every=timedelta(minutes=1)),
    Periodic("deliver-webhooks", "webhooks.sweep", every=timedelta(minutes=1)),
    Periodic("check-referrals", "referrals.check", every=timedelta(hours=1)),
    Periodic("remind-attendance", "reminders.attendance", daily_at=MORNING),
    Periodic("remind-victim-updates", "reminders.victim_updates", daily_at=MORNING),
    Periodic("remind-reoffending-checks", "reminders.reoffending_checks", daily_at=MORNING),
    Periodic("remind-consents", "reminders.consents", daily_at=MORNING),
    Periodic("review-retention", "retention.review", daily_at=MORNING),
)


def beat_schedule() -> dict:
    return {entry.name: entry.beat_entry() for entry in SCHEDULE}
