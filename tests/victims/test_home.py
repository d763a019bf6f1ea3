"""The victim liaison officer's home page: the cases with victims, due and overdue
updates, their own recent contacts; paginated, with a query count that does not grow
with the number of cases."""

from __future__ import annotations

from datetime import timedelta

from app.database import utcnow
from app.extensions import db
from app.victims import listing
from app.victims.models import VictimUpdate
from tests import factories
from tests.victims import support


def _cases_with_updates(count: int, officer) -> list:
    made = []
    for n in range(count):
        case = factories.case()
        victim = support.victim(case, enhanced_rights=n % 2 == 0)
        support.victim(case, name="Second Victim", wants_updates=n % 3 != 0)
        support.event(case, "contract.agreed", utcnow() - timedelta(days=10 + n))
        db.session.add(
            VictimUpdate(
                case_id=case.id,
                victim_id=victim.id,
                method="phone",
                summary="Told them",
                given_at=utcnow() - timedelta(days=11 + n),
                given_by_id=officer.id,
            )
        )
        db.session.commit()
        made.append(case)
    return made


def _home_queries(browser, count_queries, path="/victims/") -> int:
    with count_queries() as counter:
        response = browser.get(path)
    assert response.status_code == 200
    return counter.count


def test_the_query_count_does_not_grow_with_the_cases(app, liaison_officer, count_queries):
    browser = support.browser_for(app, liaison_officer)
    _cases_with_updates(2, liaison_officer)
    few = {
        show: _home_queries(browser, count_queries, f"/victims/?show={show}")
        for show in listing.FILTERS
    }

    _cases_with_updates(12, liaison_officer)
    many = {
        show: _home_queries(browser, count_queries, f"/victims/?show={show}")
        for show in listing.FILTERS
    }

    assert many == few


def test_the_home_page_shows_cases_due_updates_and_recent_contacts(app, liaison_officer):
    browser = support.browser_for(app, liaison_officer)
    overdue = factories.case()
    support.victim(overdue)
    support.event(overdue, "contract.agreed", utcnow() - timedelta(days=30))
    quiet = factories.case()
    support.victim(quiet, wants_updates=False)
    support.event(quiet, "contract.agreed", utcnow() - timedelta(days=30))
    victimless = factories.case()

    text = support.page_text(browser.get("/victims/"))
    assert overdue.crime_reference in text and quiet.crime_reference in text
    assert victimless.crime_reference not in text
    assert "Overdue" in text and "No updates wanted" in text
    assert "All cases with victims (2)" in text
    assert "Update due or overdue (1)" in text
    assert "You have not recorded any updates yet" in text

    due_text = support.page_text(browser.get("/victims/?show=due"))
    assert overdue.crime_reference in due_text and quiet.crime_reference not in due_text
    # An unknown filter or page shows the first page of everything, never an error.
    assert browser.get("/victims/?show=nonsense&page=abc").status_code == 200
    assert browser.get("/victims/?page=999").status_code == 200


def test_the_home_page_is_paginated(app, liaison_officer, monkeypatch):
    monkeypatch.setattr(listing, "PAGE_SIZE", 3)
    browser = support.browser_for(app, liaison_officer)
    cases = [factories.case(victims=1) for _ in range(7)]

    first = support.page_text(browser.get("/victims/"))
    third = support.page_text(browser.get("/victims/?page=3"))

    assert "showing 1 to 3" in first and "7 cases" in first
    assert 'href="/victims/?show=all&amp;page=2"' in browser.get("/victims/").get_data(as_text=True)
    assert "showing 7 to 7" in third
    # Newest first: the last case recorded is on the first page.
    assert cases[-1].crime_reference in first
    assert cases[0].crime_reference in third


def test_the_home_page_empty_state(app, liaison_officer):
    browser = support.browser_for(app, liaison_officer)
    text = support.page_text(browser.get("/victims/"))
    assert "There are no cases with victims yet" in text
    assert "No victim is due an update" in support.page_text(browser.get("/victims/?show=due"))


def test_recent_contacts_are_the_officers_own(app, liaison_officer):
    colleague = factories.user("victim_liaison")
    mine = factories.case(victims=1)
    theirs = factories.case(victims=1)
    for case, who in ((mine, liaison_officer), (theirs, colleague)):
        db.session.add(
            VictimUpdate(case_id=case.id, method="email", summary="x", given_by_id=who.id)
        )
    db.session.commit()

    recent = listing.recent_contacts(liaison_officer)

    assert [contact.case_id for contact in recent] == [mine.id]
