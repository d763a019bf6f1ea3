"""Caseloads: the keyworker's own cases and the supervisor's team view, with the
contract week, the next due action and warnings; filters, sorting, pagination, and a
query count that does not grow with the number of cases."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from app.assessments.models import AssessmentStage
from app.auth.roles import Role
from app.cases.models import CaseStatus
from app.database import utcnow
from app.dates import today_in_london
from app.extensions import db
from tests import factories
from tests.cases.support import audit_entries, browser_for, text

ROW = re.compile(r'<tr class="govuk-table__row" data-testid="case-row">(.*?)</tr>', re.S)
TAGS = re.compile(r"<[^>]+>")


def rows(response) -> list[str]:
    """Each case row as the words a person reads, in order."""
    assert response.status_code == 200
    return [" ".join(TAGS.sub(" ", row).split()) for row in ROW.findall(text(response))]


def row_for(response, case) -> str:
    [row] = [r for r in rows(response) if case.crime_reference in r]
    return row


def references(response) -> list[str]:
    return [row.split()[0] for row in rows(response)]


def ready_case(keyworker, *, start=None, **fields):
    """A case with an initial assessment, a consent and a contract."""
    case = factories.case(keyworker, **fields)
    factories.assessment(case)
    factories.consent(case)
    factories.contract(case, start_date=start)
    return case


# What each row says --------------------------------------------------------------------


def test_the_keyworker_sees_only_their_own_cases(keyworker, keyworker_client):
    mine = factories.case(keyworker)
    theirs = factories.case(factories.user(Role.KEYWORKER))
    response = keyworker_client.get("/cases/")
    assert references(response) == [mine.crime_reference]
    assert theirs.crime_reference not in text(response)


def test_an_empty_caseload_says_so(keyworker_client):
    page = text(keyworker_client.get("/cases/"))
    assert 'data-testid="empty-state"' in page
    assert "You have no cases allocated to you yet" in page
    assert "Record a case" in page


def test_the_row_shows_name_status_and_contract_week(keyworker, keyworker_client):
    case = ready_case(keyworker, start=today_in_london() - timedelta(days=35))
    row = row_for(keyworker_client.get("/cases/"), case)
    assert case.person.full_name in row
    assert "Active" in row
    assert "Week 6 of 16" in row
    assert "Nothing due" in row


@pytest.mark.parametrize(
    ("days_ago", "shown"),
    [(0, "Week 1 of 16"), (6, "Week 1 of 16"), (7, "Week 2 of 16"), (111, "Week 16 of 16")],
)
def test_the_contract_week(keyworker, keyworker_client, days_ago, shown):
    case = ready_case(keyworker, start=today_in_london() - timedelta(days=days_ago))
    assert shown in row_for(keyworker_client.get("/cases/"), case)


def test_a_contract_that_has_not_started_shows_its_start(keyworker, keyworker_client):
    start = today_in_london() + timedelta(days=3)
    case = ready_case(keyworker, start=start)
    assert f"Starts {start.day} {start:%B %Y}" in row_for(keyworker_client.get("/cases/"), case)


def test_the_next_action_follows_the_case_through_its_steps(keyworker, keyworker_client):
    new = factories.case(keyworker)
    assessed = factories.case(keyworker)
    factories.assessment(assessed)
    consented = factories.case(keyworker)
    factories.assessment(consented)
    factories.consent(consented)
    response = keyworker_client.get("/cases/")
    assert "Record the needs assessment" in row_for(response, new)
    assert "Record consent" in row_for(response, assessed)
    assert "Agree the contract" in row_for(response, consented)


def test_exit_reassessment_is_due_from_week_14(keyworker, keyworker_client):
    week_13 = ready_case(keyworker, start=today_in_london() - timedelta(days=7 * 12))
    week_14 = ready_case(keyworker, start=today_in_london() - timedelta(days=7 * 13))
    reassessed = ready_case(keyworker, start=today_in_london() - timedelta(days=7 * 13))
    factories.assessment(reassessed, AssessmentStage.EXIT)
    response = keyworker_client.get("/cases/")
    assert "Exit reassessment due" not in row_for(response, week_13)
    assert "Exit reassessment due" in row_for(response, week_14)
    assert "Exit reassessment due" not in row_for(response, reassessed)


def test_an_ended_contract_warns_to_record_the_outcome(keyworker, keyworker_client):
    case = ready_case(keyworker, start=today_in_london() - timedelta(days=112))
    row = row_for(keyworker_client.get("/cases/"), case)
    assert "Ended" in row
    assert "Contract ended: record the outcome" in row


def test_a_consent_about_to_expire_is_a_warning(keyworker, keyworker_client):
    soon = factories.case(keyworker)
    factories.consent(soon, expires_at=utcnow() + timedelta(days=25))
    later = factories.case(keyworker)
    factories.consent(later, expires_at=utcnow() + timedelta(days=35))
    response = keyworker_client.get("/cases/")
    assert "Consent expires within 30 days" in row_for(response, soon)
    assert "Consent expires within 30 days" not in row_for(response, later)


def test_withdrawn_and_expired_consents_do_not_count(keyworker, keyworker_client):
    withdrawn = factories.case(keyworker)
    factories.assessment(withdrawn)
    factories.consent(withdrawn, withdrawn_at=utcnow() - timedelta(minutes=1))
    expired = factories.case(keyworker)
    factories.assessment(expired)
    factories.consent(
        expired, given_at=utcnow() - timedelta(days=30), expires_at=utcnow() - timedelta(days=1)
    )
    response = keyworker_client.get("/cases/")
    assert "Record consent" in row_for(response, withdrawn)
    assert "Record consent" in row_for(response, expired)


def test_an_ineligible_case_is_marked(keyworker, keyworker_client):
    case = factories.case(keyworker, status=CaseStatus.INELIGIBLE)
    row = row_for(keyworker_client.get("/cases/"), case)
    assert "Ineligible" in row
    assert "Nothing due" in row


# Filters, sorting, pagination ----------------------------------------------------------


def test_filter_by_status(keyworker, keyworker_client):
    eligible = factories.case(keyworker)
    ineligible = factories.case(keyworker, status=CaseStatus.INELIGIBLE)
    assert references(keyworker_client.get("/cases/?status=ineligible")) == [
        ineligible.crime_reference
    ]
    assert references(keyworker_client.get("/cases/?status=eligible")) == [eligible.crime_reference]
    assert len(rows(keyworker_client.get("/cases/?status=nonsense"))) == 2
    empty = text(keyworker_client.get("/cases/?status=completed"))
    assert "No cases match these filters" in empty


def test_sort_by_name_reference_status_and_contract_end(keyworker, keyworker_client):
    today = today_in_london()
    b = factories.case(keyworker, person_fields={"family_name": "Bravo"}, crime_reference="CR/2")
    a = factories.case(keyworker, person_fields={"family_name": "Alpha"}, crime_reference="CR/3")
    c = factories.case(
        keyworker,
        person_fields={"family_name": "Charlie"},
        crime_reference="CR/1",
        status=CaseStatus.INELIGIBLE,
    )
    factories.contract(a, start_date=today - timedelta(days=10))
    factories.contract(b, start_date=today - timedelta(days=50))
    get = keyworker_client.get

    def order(query):
        return [
            {a.crime_reference: "a", b.crime_reference: "b", c.crime_reference: "c"}[r]
            for r in references(get(f"/cases/?{query}"))
        ]

    assert order("sort=name&order=asc") == ["a", "b", "c"]
    assert order("sort=name&order=desc") == ["c", "b", "a"]
    assert order("sort=crime_reference&order=asc") == ["c", "b", "a"]
    assert order("sort=crime_reference&order=desc") == ["a", "b", "c"]
    assert order("sort=status&order=asc") == ["a", "b", "c"]  # active, active, ineligible
    assert order("sort=contract_end&order=asc") == ["b", "a", "c"]  # no contract last
    assert order("sort=contract_end&order=desc") == ["a", "b", "c"]
    assert order("sort=created&order=asc") == ["b", "a", "c"]
    assert order("sort=created&order=desc") == ["c", "a", "b"]
    assert order("sort=nonsense") == ["c", "a", "b"]  # the default: newest first


def test_sort_links_toggle_and_keep_the_filter(keyworker, keyworker_client):
    factories.case(keyworker)
    page = text(keyworker_client.get("/cases/?status=eligible&sort=name&order=asc"))
    assert 'aria-sort="ascending"' in page
    assert 'href="/cases/?status=eligible&sort=name&order=desc"' in page
    assert 'href="/cases/?status=eligible&sort=crime_reference&order=asc"' in page


def test_pages_of_25(keyworker, keyworker_client):
    for _ in range(27):
        factories.case(keyworker)
    first = keyworker_client.get("/cases/")
    second = keyworker_client.get("/cases/?page=2")
    assert len(rows(first)) == 25
    assert len(rows(second)) == 2
    assert set(references(first)).isdisjoint(references(second))
    assert "27 cases, showing 1 to 25" in text(first)
    assert "govuk-pagination" in text(first)
    assert len(rows(keyworker_client.get("/cases/?page=nonsense"))) == 25
    beyond = text(keyworker_client.get("/cases/?page=9"))
    assert "There are no cases on this page" in beyond


# The supervisor's team view ------------------------------------------------------------


def test_the_team_view_shows_every_case_and_counts_per_keyworker(supervisor_client):
    ann = factories.user(Role.KEYWORKER, name="Ann Keyworker")
    bob = factories.user(Role.KEYWORKER, name="Bob Keyworker")
    factories.user(Role.KEYWORKER, name="Cat Keyworker")  # no cases yet
    for _ in range(2):
        factories.case(ann)
    factories.case(ann, status=CaseStatus.COMPLETED)
    factories.case(bob)
    waiting = factories.case(keyworker=False)
    response = supervisor_client.get("/cases/team")
    assert len(rows(response)) == 5
    page = text(response)
    counts = re.search(r'data-testid="keyworker-counts">(.*?)</table>', page, re.S).group(1)
    counted = " ".join(TAGS.sub(" ", counts).split())
    assert "Ann Keyworker 2 3" in counted
    assert "Bob Keyworker 1 1" in counted
    assert "Cat Keyworker 0 0" in counted
    assert "Not allocated 1 1" in counted
    waiting_row = row_for(response, waiting)
    assert "Allocate to a keyworker" in waiting_row
    assert f'/cases/{waiting.id}/allocation"' in page


def test_the_team_view_filters_by_keyworker(supervisor_client):
    ann = factories.user(Role.KEYWORKER, name="Ann Keyworker")
    bob = factories.user(Role.KEYWORKER, name="Bob Keyworker")
    anns = factories.case(ann)
    factories.case(bob)
    waiting = factories.case(keyworker=False)
    assert references(supervisor_client.get(f"/cases/team?keyworker={ann.id}")) == [
        anns.crime_reference
    ]
    assert references(supervisor_client.get("/cases/team?keyworker=none")) == [
        waiting.crime_reference
    ]
    assert len(rows(supervisor_client.get("/cases/team?keyworker=rubbish"))) == 3


def test_listing_a_caseload_is_audited(keyworker, keyworker_client):
    case = factories.case(keyworker)
    keyworker_client.get("/cases/")
    [entry] = audit_entries("case.listed")
    assert entry.actor_id == keyworker.id
    assert entry.details == {
        "purpose": "cases_caseload",
        "page": 1,
        "total": 1,
        "ids": [str(case.id)],
        "count": 1,
    }


# The number of queries -----------------------------------------------------------------


def _fill(keyworker, count):
    for n in range(count):
        case = ready_case(keyworker, start=today_in_london() - timedelta(days=7 * (n % 17)))
        if n % 2:
            factories.assessment(case, AssessmentStage.EXIT)
    db.session.expire_all()


@pytest.mark.parametrize("view", ["caseload", "team"])
def test_the_query_count_does_not_grow_with_the_cases(
    app, keyworker, supervisor, count_queries, view
):
    browser = browser_for(app, keyworker if view == "caseload" else supervisor)
    path = "/cases/" if view == "caseload" else "/cases/team"
    _fill(keyworker, 3)
    browser.get(path)  # warm up (first-request work)
    with count_queries() as few:
        assert len(rows(browser.get(path))) == 3
    _fill(keyworker, 20)
    with count_queries() as many:
        assert len(rows(browser.get(path))) == 23
    assert many.count == few.count
