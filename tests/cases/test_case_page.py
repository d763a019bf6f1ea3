"""The case page: what a keyworker or supervisor reads about one case, and its timeline."""

from __future__ import annotations

import re
import uuid

from app.auth.roles import Role
from app.cases.models import CaseStatus
from app.cases.timeline import add_event
from app.extensions import db
from tests import factories
from tests.cases.support import audit_entries, browser_for, text
from tests.dom import parse


def test_the_keyworker_reads_their_case(keyworker, keyworker_client):
    case = factories.case(
        keyworker, victims=1, person_fields={"given_name": "Robin", "gender": "Woman"}
    )
    response = keyworker_client.get(f"/cases/{case.id}")
    assert response.status_code == 200
    page = text(response)
    assert f"Robin {case.person.family_name}" in page
    assert case.crime_reference in page
    for heading in [
        "Offence",
        "The person",
        "Contact details",
        "Eligibility",
        "Victims",
        "Allocation",
        "Timeline",
    ]:
        assert f">{heading}</h2>" in page
    assert "Summary only" in page
    assert "Woman" in page
    assert case.person.email in page
    assert "Every eligibility rule was met" in page
    assert "Accepts responsibility" in page
    assert "Victim " in page  # the factory's victim name
    assert "Kim Keyworker" in page
    assert 'aria-current="page"' in page  # the Overview tab of the case navigation


def test_addresses_keep_their_line_breaks(keyworker, keyworker_client):
    case = factories.case(
        keyworker, victims=1, person_fields={"address": "Flat 2\n14 Long Street\nExampletown"}
    )
    case.victims[0].address = "1 Mill Lane\nOldtown"
    db.session.commit()
    doc = parse(keyworker_client.get(f"/cases/{case.id}"))
    contact = doc.find("h2", id="contact").next_element
    assert contact.summary_value("Postal address").lines == [
        "Flat 2",
        "14 Long Street",
        "Exampletown",
    ]
    victim = doc.find("h2", id="victims").parent.find("h3", text=case.victims[0].name)
    assert victim.next_element.summary_value("Postal address").lines == ["1 Mill Lane", "Oldtown"]


def test_reading_the_case_is_audited(keyworker, keyworker_client):
    case = factories.case(keyworker)
    keyworker_client.get(f"/cases/{case.id}")
    entries = audit_entries("case.viewed", case.id)
    assert [(e.actor_id, e.details["purpose"]) for e in entries] == [(keyworker.id, "case_page")]


def test_the_timeline_shows_events_newest_first(keyworker, keyworker_client):
    case = factories.case(keyworker)
    add_event(case, "case.created", "First thing that happened", actor=keyworker)
    db.session.commit()
    add_event(case, "consent.given", "Second thing that happened", actor=keyworker)
    db.session.commit()
    page = text(keyworker_client.get(f"/cases/{case.id}"))
    assert 'class="moj-timeline"' in page
    assert page.index("Second thing that happened") < page.index("First thing that happened")
    assert "by Kim Keyworker" in page


def test_an_ineligible_case_shows_why_and_that_it_can_go_no_further(keyworker, keyworker_client):
    case = factories.case(
        keyworker, status=CaseStatus.INELIGIBLE, eligibility_failed=["age", "prison_licence"]
    )
    page = text(keyworker_client.get(f"/cases/{case.id}"))
    assert "can go no further" in page
    failed = re.search(r'data-testid="failed-rules">(.*?)</ul>', page, re.S).group(1)
    assert "The person was under 18 on the date of the offence" in failed
    assert "The person is on prison licence" in failed


def test_a_supervisor_reads_any_case_and_sees_the_allocation_button(supervisor_client):
    case = factories.case()
    page = text(supervisor_client.get(f"/cases/{case.id}"))
    assert "Reallocate the case" in page


def test_a_keyworker_gets_not_found_for_another_keyworkers_case(app, keyworker_client):
    other = factories.case(factories.user(Role.KEYWORKER))
    assert keyworker_client.get(f"/cases/{other.id}").status_code == 404
    assert keyworker_client.get(f"/cases/{other.id}/eligibility").status_code == 404
    assert keyworker_client.get(f"/cases/{uuid.uuid4()}").status_code == 404
    assert audit_entries("case.viewed") == []


def test_unknown_and_malformed_case_ids_are_not_found(supervisor_client):
    assert supervisor_client.get(f"/cases/{uuid.uuid4()}").status_code == 404
    assert supervisor_client.get("/cases/not-a-uuid").status_code == 404


def test_other_roles_are_refused(app):
    case = factories.case()
    for role in (Role.ADMIN, Role.PARTNER, Role.VICTIM_LIAISON):
        browser = browser_for(app, factories.user(role))
        assert browser.get(f"/cases/{case.id}").status_code == 403
