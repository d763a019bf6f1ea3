"""Health checks: no sign-in, no data; ready only when the database answers at the
migrations' head (and the broker answers, when there is one: tests/jobs/test_celery.py)."""

from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db


def test_live_answers_without_signing_in(client):
    response = client.get("/health/live")
    assert response.status_code == 200
    assert response.json == {"status": "live"}


def test_ready_when_the_database_is_at_the_migrations_head(client):
    response = client.get("/health/ready")
    assert response.status_code == 200
    assert response.json == {
        "status": "ready",
        "checks": {"database": "ok", "migrations": "ok", "broker": "not_configured"},
    }


def test_not_ready_while_the_schema_is_behind_the_migrations(app, client):
    db.session.execute(sa.text("UPDATE alembic_version SET version_num = 'behind'"))
    db.session.commit()
    response = client.get("/health/ready")
    assert response.status_code == 503
    assert response.json == {
        "status": "unavailable",
        "checks": {"database": "ok", "migrations": "failing", "broker": "not_configured"},
    }
    assert client.get("/health/live").status_code == 200


def test_the_older_check_still_answers(client):
    assert client.get("/health").json == {"status": "ok"}
