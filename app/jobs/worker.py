"""Celery's entry point: ``celery -A app.jobs.worker worker`` and ``celery -A app.jobs.worker
beat``. It builds the app from the environment, like the web process."""

from celery.signals import worker_process_init

from app import create_app
from app.extensions import db
from app.jobs.runner import runner_of

flask_app = create_app()
celery = runner_of(flask_app).celery
if celery is None:
    raise RuntimeError(
        "CELERY_BROKER_URL is not set: without a broker the web process runs the tasks itself"
    )


@worker_process_init.connect
def _own_connections(**_):
    """Each forked worker process opens database connections of its own, never sharing
    one the parent process may hold."""
    with flask_app.app_context():
        db.engine.dispose(close=False)
