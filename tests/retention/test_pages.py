"""The administrator's retention review pages, the keep decision, and the periodic
review job (a function a scheduler calls, and ``flask retention review``)."""

from __future__ import annotations

import html
from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from app.auth.roles import Role
from app.cases.models import CaseEvent, CaseStatus
from app.dates import add_months, today_in_london
from app.extensions import db
from app.notifications.models import Notification
from app.retention import services
from app.retention.models import Decision, RetentionDecision, Rule, Scope
from tests import factories
from tests.cases.support import audit_entries
from tests.helpers import assert_redirects, csrf_token, post_form, sign_in
from tests.victims.support import london_noon


def _ineligible(years_ago: int = 2, days: int = 3):
    day = add_months(today_in_london(), -12 * years_ago) - timedelta(days=days)
    return factories.case(status=CaseStatus.INELIGIBLE, created_at=london_noon(day))


@pytest.fixture
def admin(app):
    return factories.user(Role.ADMIN)


@pytest.fixture
def admin_client(client, admin):
    sign_in(client, admin)
    return client


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def test_the_list_shows_what_is_due_and_why_without_naming_anyone(admin_client, admin):
    due = _ineligible()
    _ineligible(years_ago=1)  # not due
    page = _text(admin_client.get("/retention/"))
    assert due.crime_reference in page
    assert "Ineligible referral more than 2 years ago" in page
    assert "Showing 1 to 1 of 1 records" in page
    assert due.person.given_name not in page and due.person.family_name not in page
    assert audit_entries("retention.listed")[-1].details == {
        "page": 1,
        "total": 1,
        "ids": [str(due.id)],
        "count": 1,
    }
    assert "Retention review" in _text(admin_client.get("/users/"))  # in the navigation


def test_nothing_due(admin_client):
    assert "No records are due for review" in _text(admin_client.get("/retention/"))


def test_erasing_one_record_needs_a_confirmation(admin_client, admin):
    due = _ineligible()
    reference, path = due.crime_reference, f"/retention/cases/{due.id}/case"
    page = _text(admin_client.get(path))
    assert "What is erased" in page and "What is kept" in page
    refused = post_form(admin_client, path, {})
    assert refused.status_code == 400
    assert "Confirm that the hub no longer needs this personal data" in _text(refused)
    assert audit_entries("retention.erased") == []

    erased = post_form(admin_client, path, {"confirm": "y"})
    assert_redirects(erased, "/retention/")
    listing = _text(admin_client.get("/retention/"))
    assert f"The personal data of case {reference} were erased" in listing
    assert "No records are due for review" in listing
    db.session.expire_all()
    assert due.person.full_name == "Personal data erased"
    erased_event = (CaseEvent.case_id == due.id) & (CaseEvent.kind == "retention.erased")
    event = db.session.scalar(sa.select(CaseEvent).where(erased_event))
    assert event.summary == "Personal data erased under the retention schedule"
    assert admin_client.get(path).status_code == 404  # no longer due


def test_the_bulk_form_needs_a_selection_and_a_confirmation(admin_client):
    due = _ineligible()
    token = csrf_token(admin_client, "/retention/")
    for data in ({"confirm": "y"}, {"item": [f"{due.id}:case"]}):
        response = admin_client.post("/retention/erase", data={**data, "csrf_token": token})
        assert_redirects(response, "/retention/")
    page = _text(admin_client.get("/retention/"))
    assert "Select the records to erase, and confirm" in page
    assert due.crime_reference in page
    malformed = {"item": ["not-an-id:case"], "confirm": "y", "csrf_token": token}
    assert admin_client.post("/retention/erase", data=malformed).status_code == 400


def test_a_record_no_longer_due_is_skipped_by_the_bulk_form(admin_client, admin):
    due, recent = _ineligible(), _ineligible(years_ago=1)
    token = csrf_token(admin_client, "/retention/")
    items = [f"{due.id}:case", f"{recent.id}:case"]
    admin_client.post("/retention/erase", data={"item": items, "confirm": "y", "csrf_token": token})
    page = _text(admin_client.get("/retention/"))
    assert "Erased the personal data of 1 record(s); 1 were no longer due" in page
    db.session.expire_all()
    assert recent.person.given_name != "Personal data"


def test_keeping_a_record_takes_it_off_the_list_until_its_date(admin_client, admin):
    due = _ineligible()
    path = f"/retention/cases/{due.id}/case/keep"
    refused = post_form(admin_client, path, {})
    assert refused.status_code == 400
    page = _text(refused)
    assert "Choose how long to keep the record" in page
    assert "Enter why the record is still needed" in page

    kept = post_form(admin_client, path, {"months": "12", "reason": "Appeal still open"})
    assert_redirects(kept, "/retention/")
    assert "No records are due for review" in _text(admin_client.get("/retention/"))
    decision = db.session.scalar(sa.select(RetentionDecision))
    assert (decision.decision, decision.reason) == ("kept", "Appeal still open")
    assert decision.keep_until == add_months(today_in_london(), 12)
    entry = audit_entries("retention.kept")[-1]
    assert "Appeal" not in repr((entry.reason, entry.details))

    later = add_months(today_in_london(), 12)
    assert services.due_counts(today=later - timedelta(days=1))[Rule.INELIGIBLE] == 0
    assert services.due_counts(today=later)[Rule.INELIGIBLE] == 1
    services.erase(admin, due.id, Scope.CASE, today=later)
    db.session.expire_all()
    assert db.session.get(RetentionDecision, decision.id).reason is None  # erased with it


def test_a_case_is_erased_once_per_scope_by_the_database_itself(admin):
    due = _ineligible()
    services.erase(admin, due.id, Scope.CASE)
    db.session.add(
        RetentionDecision(
            case_id=due.id, scope="case", rule="ineligible", decision=Decision.ERASED.value
        )
    )
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_the_list_query_count_stays_flat(admin, count_queries):
    _ineligible()
    with count_queries() as few:
        services.review_list(admin)
    for days in range(4, 12):
        _ineligible(days=days)
    with count_queries() as many:
        listing = services.review_list(admin)
    assert listing.page.total == 9
    assert many.count == few.count


def test_the_review_job_counts_tells_administrators_weekly_and_erases_nothing(app, admin):
    other_admin = factories.user(Role.ADMIN)
    factories.user(Role.ADMIN, active=False)
    due = _ineligible()

    run = services.run_retention_review()
    assert run.due == 1 and run.notified == 2
    assert run.as_counts() == {"ended": 0, "ineligible": 1, "victim_contact": 0, "notified": 2}
    notes = db.session.scalars(sa.select(Notification)).all()
    assert {n.recipient_id for n in notes} == {admin.id, other_admin.id}
    assert all(n.link_path == "/retention/" for n in notes)
    assert all(due.crime_reference not in n.body + n.subject for n in notes)
    db.session.expire_all()
    assert due.person.given_name != "Personal data"  # nothing erased without approval

    again = app.test_cli_runner().invoke(args=["retention", "review"])
    assert again.exit_code == 0, again.output
    assert "1 record(s) due for review (ended: 0, ineligible: 1, victim_contact: 0)" in again.output
    assert "told 0 administrator(s)" in again.output  # told this week already
    assert db.session.scalar(sa.select(sa.func.count(Notification.id))) == 2
    assert [e.details["due"]["ineligible"] for e in audit_entries("retention.reviewed")] == [1, 1]


def test_the_review_job_with_nothing_due_tells_no_one(admin):
    run = services.run_retention_review()
    assert (run.due, run.notified) == (0, 0)
    assert db.session.scalar(sa.select(sa.func.count(Notification.id))) == 0


def test_an_erased_case_still_opens_for_staff_and_says_what_happened(app, admin):
    due = _ineligible()
    services.erase(admin, due.id, Scope.CASE)
    supervisor = app.test_client()
    sign_in(supervisor, factories.user(Role.SUPERVISOR))
    page = _text(supervisor.get(f"/cases/{due.id}"))
    assert "Personal data erased" in page
    assert "Erased under the retention schedule" in page  # the offence
    assert "Personal data erased under the retention schedule" in page  # the timeline
    record = supervisor.get(f"/cases/{due.id}/subject-access.json").get_json()
    assert record["sections"]["person"][0]["given_name"] == "Personal data"
