"""Background work: the notification outbox, the hourly referral checks and the daily
reminders.

* registry.py: every task and the periodic schedule (the one list to read or extend);
* queue.py: ``after_commit(task, *ids)``, called by a service inside its transaction;
* runner.py: where tasks run: Celery with a broker, else a thread of the web process;
* schedule.py: the periodic entries, for Celery beat and the in-process schedule;
* celery_app.py and worker.py: the Celery app, and the entry for its worker and beat;
* cli.py: ``flask jobs list`` and ``flask jobs run NAME``.
"""
