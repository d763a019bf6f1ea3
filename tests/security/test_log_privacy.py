"""No personal data in the server log: a database write that fails, with a person's
details in the statement, leaves a log line with ids, codes and the code's location only.

The log is read as production writes it: through the hub's JSON formatter
(app.log_format), on the root logger, as ``configure_logging`` sets it up."""

from __future__ import annotations

import io
import json
import logging
import uuid

import pytest
import sqlalchemy as sa

from app.auth.permissions import public
from app.cases.models import Person
from app.database import utcnow
from app.extensions import db
from app.log_format import JsonFormatter

PLANTED = {
    "given_name": "Zebulon",
    "family_name": "Quixotic-Planted",
    "address": "17 Plantedvale Crescent",
    "postcode": "ZZ9 9ZZ",
    "email": "zebulon.planted@example.org",
    "phone": "07700 900417",
}


@pytest.fixture
def server_log():
    """The root logger's lines as the hub's JSON formatter writes them."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield stream
    finally:
        root.removeHandler(handler)


@pytest.fixture
def app_with_failing_write(fresh_app):
    """A route whose write breaks a constraint of the database (a sex the table's check
    refuses) with a person's details in the same row."""

    @public
    def failing_write():
        db.session.add(
            Person(
                **PLANTED,
                date_of_birth=utcnow().date().replace(year=1990),
                lives_in_force_area=True,
                sex="planted-nonsense",
            )
        )
        db.session.commit()
        return "written"

    fresh_app.add_url_rule("/test-only/failing-write", "failing_write", failing_write)
    fresh_app.add_url_rule("/api/v1/test-only/failing-write", "api_failing_write", failing_write)
    return fresh_app


@pytest.mark.parametrize("path", ["/test-only/failing-write", "/api/v1/test-only/failing-write"])
def test_a_failed_database_write_logs_no_personal_data(app_with_failing_write, server_log, path):
    client = app_with_failing_write.test_client()
    response = client.get(path)
    assert response.status_code == 500

    lines = [json.loads(line) for line in server_log.getvalue().splitlines()]
    errors = [line for line in lines if line["message"] == "unhandled error"]
    assert len(errors) == 1, lines
    logged = server_log.getvalue()
    for value in PLANTED.values():
        assert value not in logged
    assert "planted-nonsense" not in logged
    # What is left still tells an engineer what failed and where.
    assert errors[0]["error_type"] == "IntegrityError"
    assert "INSERT INTO people" in errors[0]["exception"]
    assert "failing_write" in errors[0]["exception"]  # the frame that raised


def test_a_database_error_carries_no_statement_parameters(fresh_app):
    """Whatever reports the error (a log, Celery, an error tracker), its text has no
    parameters. (PostgreSQL's own message may still quote the row: the log formatter
    leaves database messages out, above.)"""
    with pytest.raises(sa.exc.IntegrityError) as raised, db.engine.begin() as connection:
        connection.execute(
            sa.text("INSERT INTO people (id, given_name) VALUES (:id, :name)"),
            {"id": uuid.uuid4().hex, "name": PLANTED["given_name"]},
        )
    statement_part = str(raised.value).split("[SQL: ", 1)[1]
    assert statement_part.startswith("INSERT INTO people")
    assert PLANTED["given_name"] not in statement_part
