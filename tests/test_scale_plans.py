"""At national scale every list must find its rows through an index. On PostgreSQL, each
list page, API list and the hourly referral check runs on generated data (``flask demo
scale``), and every SELECT it ran is explained again with sequential scans disabled: the
planner then scans a big table from end to end only if no index can answer the filter,
so a ``Seq Scan`` on one of them means a missing index. (With a few hundred rows the
planner would rightly prefer sequential scans, so its own choice proves nothing here.)
The timings themselves are in ``make bench``, never in tests."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import event, select, text, update

from app.auth.models import User
from app.auth.roles import Role
from app.auth.tokens import issue_token
from app.cases.models import Case, Person
from app.extensions import db
from app.partners.models import Organisation
from app.referrals.checks import check_referrals
from tests import factories
from tests.conftest import USING_POSTGRES
from tests.helpers import api_headers, sign_in

pytestmark = pytest.mark.skipif(not USING_POSTGRES, reason="the PostgreSQL planner's plans")

BIG_TABLES = (
    "cases",
    "people",
    "referrals",
    "referral_conditions",
    "referral_transitions",
    "appointments",
    "attendance_records",
    "case_events",
    "consents",
    "contracts",
    "conditions",
    "compliance_concerns",
    "compliance_decisions",
    "outcome_proposals",
    "reoffending_checks",
    "victims",
    "victim_updates",
    "victim_consultations",
    "needs_assessments",
    "audit_entries",
)
SEQ_SCAN = re.compile(rf"Seq Scan on ({'|'.join(BIG_TABLES)})\b")


@pytest.fixture
def national(app):
    """Generated cases; a signed-in user of each role taking over generated work."""
    result = app.test_cli_runner().invoke(args=["demo", "scale", "--cases", "150"])
    assert result.exit_code == 0, result.output
    generated = {
        role: db.session.scalar(select(User).where(User.email == f"{role}@demo.hub.example"))
        for role in ("keyworker", "partner")
    }
    keyworker = factories.user(Role.KEYWORKER)
    db.session.execute(
        update(Case)
        .where(Case.keyworker_id == generated["keyworker"].id)
        .values(keyworker_id=keyworker.id)
    )
    organisation = db.session.get(Organisation, generated["partner"].organisation_id)
    users = {
        "keyworker": keyworker,
        "supervisor": factories.user(Role.SUPERVISOR),
        "partner": factories.user(Role.PARTNER, organisation_id=organisation.id),
        "victim_liaison": factories.user(Role.VICTIM_LIAISON),
        "admin": factories.user(Role.ADMIN),
    }
    db.session.commit()
    return users


def statements_of(action) -> list[tuple[str, dict]]:
    seen = []

    def record(_conn, _cursor, statement, parameters, _context, _many):
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append((statement, parameters))

    event.listen(db.engine, "after_cursor_execute", record)
    try:
        action()
    finally:
        event.remove(db.engine, "after_cursor_execute", record)
    assert seen
    return seen


def sequential_scans(statements) -> list[str]:
    """The big tables each statement scans sequentially when it need not (seqscan off)."""
    raw = db.session.connection().connection.driver_connection
    found = []
    with raw.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        for statement, parameters in statements:
            cursor.execute("EXPLAIN " + statement, parameters)
            plan = "\n".join(row[0] for row in cursor.fetchall())
            for table in sorted(set(SEQ_SCAN.findall(plan))):
                found.append(f"{table}: {' '.join(statement.split())[:160]}")
        cursor.execute("SET LOCAL enable_seqscan = on")
    return found


PAGES = [
    ("keyworker", "/cases/"),
    ("keyworker", "/search/?q=example"),
    ("keyworker", "/tasks/"),
    ("supervisor", "/cases/team"),
    ("supervisor", "/cases/team?sort=name&page=3"),
    ("supervisor", "/tasks/"),
    ("partner", "/referrals/inbox"),
    ("partner", "/tasks/"),
    ("victim_liaison", "/victims/"),
    ("victim_liaison", "/tasks/"),
    ("admin", "/tasks/"),
]


@pytest.mark.parametrize(("role", "path"), PAGES)
def test_each_list_page_finds_its_rows_through_indexes(national, client, role, path):
    sign_in(client, national[role])
    responses = []
    statements = statements_of(lambda: responses.append(client.get(path)))
    assert responses[0].status_code == 200
    assert sequential_scans(statements) == []


@pytest.mark.parametrize(
    ("role", "path"), [("supervisor", "/api/v1/cases"), ("partner", "/api/v1/referrals")]
)
def test_each_api_list_finds_its_rows_through_indexes(national, client, role, path):
    token = issue_token(national[role], days=1, name="plans").secret
    db.session.commit()
    responses = []
    statements = statements_of(
        lambda: responses.append(client.get(path, headers=api_headers(token)))
    )
    assert responses[0].status_code == 200
    assert sequential_scans(statements) == []


def test_the_case_page_finds_its_evidence_through_indexes(national, client):
    case_id = db.session.scalar(
        select(Case.id)
        .join(Person)
        .where(Case.keyworker_id == national["keyworker"].id, Case.status == "active")
        .limit(1)
    )
    sign_in(client, national["keyworker"])
    responses = []
    statements = statements_of(lambda: responses.append(client.get(f"/cases/{case_id}")))
    assert responses[0].status_code == 200
    assert sequential_scans(statements) == []


def test_the_hourly_referral_check_walks_only_open_referrals(national):
    statements = statements_of(check_referrals)
    assert sequential_scans(statements) == []
    # The walk for lapsed consents reads the open referrals through their partial index.
    raw = db.session.connection().connection.driver_connection
    with raw.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        walks = [
            (s, p)
            for s, p in statements
            if "FROM referrals" in s and "ORDER BY referrals.id" in s and "NOT (EXISTS" in s
        ]
        assert walks
        for statement, parameters in walks:
            cursor.execute("EXPLAIN " + statement, parameters)
            plan = "\n".join(row[0] for row in cursor.fetchall())
            assert "ix_referrals_open" in plan, plan


def test_page_connections_plan_without_jit_or_parallel_workers(app):
    """A page's query neither compiles its plan nor starts parallel workers, which take
    the CPU of the requests being served beside it (app/config.py)."""
    assert db.session.scalar(text("SHOW jit")) == "off"
    assert db.session.scalar(text("SHOW max_parallel_workers_per_gather")) == "0"
