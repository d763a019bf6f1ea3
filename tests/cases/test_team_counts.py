"""The team view's cases per keyworker are kept for ``KEPT_COUNTS_SECONDS`` (the other
tests work them out on every page) and forgotten as soon as a change that alters them is
committed: a case added, allocated or moved on, a keyworker added or renamed. The list's
total is the counts' own when no status filter applies."""

from __future__ import annotations

import re

import pytest

from app.auth.roles import Role
from app.auth.tokens import issue_token
from app.cases import services
from app.cases.models import CaseStatus
from app.extensions import db
from tests import factories
from tests.cases.support import audit_entries, text
from tests.helpers import api_headers, statements_containing

TAGS = re.compile(r"<[^>]+>")


@pytest.fixture
def kept(app):
    app.config["KEPT_COUNTS_SECONDS"] = 60  # the shared app's config is put back after


def counted(response) -> str:
    assert response.status_code == 200
    table = re.search(r'data-testid="keyworker-counts">(.*?)</table>', text(response), re.S)
    return " ".join(TAGS.sub(" ", table.group(1)).split())


def grouping_statements(action) -> int:
    """How many statements ``action`` ran that group the cases by keyworker."""
    with statements_containing("GROUP BY cases.keyworker_id") as seen:
        action()
    return len(seen)


def test_kept_counts_are_not_worked_out_again(app, kept, supervisor_client):
    factories.case(factories.user(Role.KEYWORKER, name="Ann Keyworker"))
    assert grouping_statements(lambda: supervisor_client.get("/cases/team")) == 1
    assert grouping_statements(lambda: supervisor_client.get("/cases/team")) == 0
    app.config["KEPT_COUNTS_SECONDS"] = 0
    assert grouping_statements(lambda: supervisor_client.get("/cases/team")) == 1


def test_each_change_that_alters_them_is_shown_at_once(app, kept, supervisor, supervisor_client):
    ann = factories.user(Role.KEYWORKER, name="Ann Keyworker")
    first = factories.case(ann)
    assert "Ann Keyworker 1 1" in counted(supervisor_client.get("/cases/team"))

    waiting = factories.case(keyworker=False)  # a case added
    assert "Not allocated 1 1" in counted(supervisor_client.get("/cases/team"))

    services.allocate(supervisor, waiting.id, ann.id)  # allocated
    shown = counted(supervisor_client.get("/cases/team"))
    assert "Ann Keyworker 2 2" in shown
    assert "Not allocated 0 0" in shown

    first.status = CaseStatus.COMPLETED.value  # moved on
    db.session.commit()
    assert "Ann Keyworker 1 2" in counted(supervisor_client.get("/cases/team"))

    factories.user(Role.KEYWORKER, name="Dan Keyworker")  # a keyworker added
    assert "Dan Keyworker 0 0" in counted(supervisor_client.get("/cases/team"))

    ann.name = "Anne Keyworker"  # renamed
    db.session.commit()
    assert "Anne Keyworker 1 2" in counted(supervisor_client.get("/cases/team"))


def test_a_change_rolled_back_keeps_them(app, kept, supervisor_client):
    ann = factories.user(Role.KEYWORKER, name="Ann Keyworker")
    case = factories.case(ann)
    supervisor_client.get("/cases/team")
    case.status = CaseStatus.COMPLETED.value
    db.session.flush()
    db.session.rollback()
    assert grouping_statements(lambda: supervisor_client.get("/cases/team")) == 0


@pytest.mark.parametrize("kept_seconds", [0, 60])
def test_the_total_is_the_counts_own_without_a_status_filter(app, supervisor_client, kept_seconds):
    app.config["KEPT_COUNTS_SECONDS"] = kept_seconds
    ann = factories.user(Role.KEYWORKER, name="Ann Keyworker")
    factories.case(ann)
    factories.case(ann, status=CaseStatus.COMPLETED)
    factories.case(factories.user(Role.KEYWORKER))
    factories.case(keyworker=False)
    for query, total in [
        ("", 4),
        (f"?keyworker={ann.id}", 2),
        ("?keyworker=none", 1),
        ("?status=completed", 1),
        (f"?keyworker={ann.id}&status=active", 1),
    ]:
        assert supervisor_client.get("/cases/team" + query).status_code == 200
        assert audit_entries("case.listed")[-1].details["total"] == total, query
    nobodys = supervisor_client.get(f"/cases/team?keyworker={factories.user(Role.KEYWORKER).id}")
    assert "No cases match these filters" in text(nobodys)


@pytest.mark.parametrize("kept_seconds", [0, 60])
def test_the_apis_total_for_a_supervisor_agrees_with_the_records(
    app, client, supervisor, kept_seconds
):
    app.config["KEPT_COUNTS_SECONDS"] = kept_seconds
    headers = api_headers(issue_token(supervisor, days=1).secret)
    ann = factories.user(Role.KEYWORKER, name="Ann Keyworker")

    def total(query: str = "") -> int:
        response = client.get("/api/v1/cases" + query, headers=headers)
        assert response.status_code == 200, response.json
        return response.json["total"]

    factories.case(ann)
    assert (total(), total(f"?keyworker_id={ann.id}")) == (1, 1)
    factories.case(ann, status=CaseStatus.COMPLETED)
    factories.case(keyworker=False)
    assert (total(), total(f"?keyworker_id={ann.id}")) == (3, 2)
    assert total("?status=completed") == 1
    assert total(f"?keyworker_id={factories.user(Role.KEYWORKER).id}") == 0
