"""Recording a case, through the page and through the API: the same rules, the same
messages, nothing stored when the input is bad, ineligible cases kept."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from app.auth.roles import Role
from app.cases.models import Case, CaseAllocation, CaseEvent
from app.extensions import db
from app.victims.models import Victim
from tests import factories
from tests.cases.support import (
    DELETE,
    audit_entries,
    case_count,
    headers_for,
    intake_form,
    intake_json,
    text,
)
from tests.helpers import FromNow, assert_redirects, post_form, resolved

TOMORROW = FromNow(days=1)
TOMORROW_ISO = FromNow(days=1, iso=True)


def only_case() -> Case:
    db.session.expire_all()
    cases = db.session.scalars(select(Case)).all()
    assert len(cases) == 1
    return cases[0]


# The page -----------------------------------------------------------------------------


def test_the_form_shows_every_section(keyworker_client):
    page = text(keyworker_client.get("/cases/new"))
    for heading in [
        "Crime and offence",
        "The person",
        "Contact details",
        "Eligibility questions",
        "Victims",
    ]:
        assert f">{heading}</h2>" in page
    # 9 yes/no questions, the offence class, sex (3) and ethnic group (6)
    assert page.count('type="radio"') == 2 * 9 + 3 + 3 + 6
    assert not re.search(r'class="govuk-hint">\s*(None)?\s*</div>', page)  # no empty hints


def test_a_keyworker_records_an_eligible_case_and_holds_it(keyworker, keyworker_client):
    response = post_form(keyworker_client, "/cases/new", intake_form())
    case = only_case()
    assert_redirects(response, f"/cases/{case.id}/eligibility")
    assert case.status == "eligible"
    assert case.eligibility_failed == []
    assert case.keyworker_id == keyworker.id
    assert case.created_by_id == keyworker.id
    assert case.person.full_name == "Alex Example"
    assert case.person.date_of_birth == date(1990, 5, 17)
    assert case.offence_committed_on == date(2026, 1, 15)
    allocations = db.session.scalars(select(CaseAllocation)).all()
    assert [(a.keyworker_id, a.allocated_by_id) for a in allocations] == [
        (keyworker.id, keyworker.id)
    ]
    assert [e.details["status"] for e in audit_entries("case.created", case.id)] == ["eligible"]
    assert len(audit_entries("case.allocated", case.id)) == 1
    kinds = db.session.scalars(select(CaseEvent.kind).where(CaseEvent.case_id == case.id)).all()
    assert sorted(kinds) == ["case.allocated", "case.created"]

    result = keyworker_client.get(response.headers["Location"])
    assert result.status_code == 200
    page = text(result)
    assert "Case recorded" in page
    assert "The case is eligible" in page
    assert "CR/12345/26" in page


def test_a_supervisor_records_a_case_left_for_allocation(supervisor, supervisor_client):
    response = post_form(supervisor_client, "/cases/new", intake_form())
    case = only_case()
    assert_redirects(response, f"/cases/{case.id}/eligibility")
    assert case.status == "eligible"
    assert case.keyworker_id is None
    assert db.session.scalars(select(CaseAllocation)).all() == []
    page = text(supervisor_client.get(response.headers["Location"]))
    assert "A supervisor allocates the case to a keyworker" in page


def test_an_ineligible_case_is_kept_and_every_failed_rule_is_listed(keyworker_client):
    form = intake_form(
        offence_class="indictable",
        date_of_birth=date(2010, 1, 1),
        phone="",
        has_dvpn_or_dvpo="yes",
    )
    response = post_form(keyworker_client, "/cases/new", form)
    case = only_case()
    assert_redirects(response, f"/cases/{case.id}/eligibility")
    assert case.status == "ineligible"
    assert case.eligibility_failed == ["offence_class", "age", "means_of_contact", "dvpn_or_dvpo"]
    page = text(keyworker_client.get(response.headers["Location"]))
    assert "The case is not eligible" in page
    assert "The offence is indictable only" in page
    assert "The person was under 18 on the date of the offence" in page
    assert "The person has no means of contact" in page
    assert "domestic violence protection notice or order" in page
    assert "can go no further" in page


def test_victims_are_recorded_from_the_form(keyworker_client):
    form = intake_form(
        **{
            "victim_1-name": "Vic Tim",
            "victim_1-email": "vic@example.org",
            "victim_1-preferred_contact": "email",
            "victim_1-enhanced_rights": "y",
            "victim_3-name": "Second Victim",
            "victim_3-phone": "01632 960 001",
        }
    )
    response = post_form(keyworker_client, "/cases/new", form)
    case = only_case()
    assert_redirects(response, f"/cases/{case.id}/eligibility")
    victims = db.session.scalars(select(Victim).where(Victim.case_id == case.id)).all()
    assert sorted(
        (v.name, v.email, v.phone, v.preferred_contact, v.enhanced_rights) for v in victims
    ) == [
        ("Second Victim", None, "01632 960 001", None, False),
        ("Vic Tim", "vic@example.org", None, "email", True),
    ]
    assert len(audit_entries("victim.recorded")) == 2


PAGE_BAD_INPUT = [
    ({"crime_reference": ""}, "crime_reference", "Enter the crime reference"),
    ({"crime_reference": "CR 123"}, "crime_reference", "Crime reference must only include"),
    ({"crime_reference": "CR;DROP"}, "crime_reference", "Crime reference must only include"),
    ({"crime_reference": "A" * 51}, "crime_reference", "50 characters or fewer"),
    ({"offence_description": "  "}, "offence_description", "Enter a description of the offence"),
    ({"offence_class": DELETE}, "offence_class", "Select the class of offence"),
    ({"offence_class": "treason"}, "offence_class", "Select the class of offence"),
    ({"offence_committed_on": None}, "offence_committed_on", "Enter the date of the offence"),
    ({"offence_committed_on": TOMORROW}, "offence_committed_on", "must be today or in the past"),
    (
        {"offence_committed_on": ["31", "2", "2026"]},
        "offence_committed_on",
        "Date of the offence must be a real date",
    ),
    (
        {"offence_committed_on": ["1", "", "2026"]},
        "offence_committed_on",
        "Date of the offence must include a month",
    ),
    ({"offence_in_force_area": DELETE}, "offence_in_force_area", "Select yes if the offence"),
    ({"offence_in_force_area": "maybe"}, "offence_in_force_area", "Select yes if the offence"),
    ({"given_name": ""}, "given_name", "Enter the person's first name"),
    ({"family_name": ""}, "family_name", "Enter the person's last name"),
    ({"date_of_birth": None}, "date_of_birth", "Enter the person's date of birth"),
    ({"date_of_birth": TOMORROW}, "date_of_birth", "Date of birth must be in the past"),
    ({"date_of_birth": date(1899, 12, 31)}, "date_of_birth", "after 1 January 1900"),
    ({"date_of_birth": date(2026, 1, 16)}, "date_of_birth", "before the date of the offence"),
    ({"email": "not-an-email"}, "email", "Enter an email address in the correct format"),
    ({"phone": "call me"}, "phone", "Enter a phone number"),
    ({"postcode": "NOT A POSTCODE"}, "postcode", "Enter a real postcode"),
    ({"lives_in_force_area": DELETE}, "lives_in_force_area", "Select yes if the person lives"),
    ({"on_prison_licence": DELETE}, "on_prison_licence", "Select yes if the person is on prison"),
    ({"victim_2-email": "vic@example.org"}, "victim_2-name", "Enter the victim's name"),
    (
        {"victim_1-name": "Vic", "victim_1-email": "nope"},
        "victim_1-email",
        "Enter an email address in the correct format",
    ),
    (
        {"victim_1-name": "Vic", "victim_1-preferred_contact": "phone"},
        "victim_1-phone",
        "Enter the victim's phone number",
    ),
    (
        {"victim_1-name": "Vic", "victim_1-preferred_contact": "pigeon"},
        "victim_1-preferred_contact",
        "Select how the victim prefers to be contacted",
    ),
]


@pytest.mark.parametrize(("changes", "field", "message"), PAGE_BAD_INPUT)
def test_bad_input_on_the_page_gives_field_errors_and_stores_nothing(
    keyworker_client, changes, field, message
):
    changes = resolved(changes)
    form = intake_form(**{k: v for k, v in changes.items() if not isinstance(v, list)})
    form.update({k: v for k, v in changes.items() if isinstance(v, list)})
    response = post_form(keyworker_client, "/cases/new", form)
    assert response.status_code == 400
    page = text(response)
    assert "There is a problem" in page
    assert "<title>Error: Record a case" in page
    assert f'href="#{field}"' in page
    assert message in page
    assert case_count() == 0
    assert audit_entries("case.created") == []


def test_an_empty_form_lists_every_required_field_at_once(keyworker_client):
    response = post_form(keyworker_client, "/cases/new", {})
    assert response.status_code == 400
    page = text(response)
    for field in [
        "crime_reference",
        "offence_description",
        "offence_class",
        "offence_committed_on",
        "offence_in_force_area",
        "given_name",
        "family_name",
        "date_of_birth",
        "lives_in_force_area",
        "accepts_responsibility",
        "offended_in_last_two_years",
    ]:
        assert f'href="#{field}"' in page
    assert case_count() == 0


def test_typed_answers_are_kept_when_the_form_is_shown_again(keyworker_client):
    response = post_form(keyworker_client, "/cases/new", intake_form(email="nope", given_name="Jo"))
    page = text(response)
    assert 'value="Jo"' in page
    assert 'value="nope"' in page


# The API ------------------------------------------------------------------------------


def test_the_api_records_an_eligible_case_and_allocates_the_keyworker(client, keyworker):
    response = client.post("/api/v1/cases", json=intake_json(), headers=headers_for(keyworker))
    assert response.status_code == 201, response.json
    body = response.json
    assert body["status"] == "eligible"
    assert body["eligibility"]["eligible"] is True
    assert body["eligibility"]["failed"] == []
    assert body["keyworker_id"] == str(keyworker.id)
    assert body["crime_reference"] == "CR/12345/26"
    assert body["offence"]["committed_on"] == "2026-01-15"
    assert body["person"]["given_name"] == "Alex"
    case = only_case()
    assert str(case.id) == body["id"]
    assert case.keyworker_id == keyworker.id


def test_the_api_names_every_failed_rule(client, supervisor):
    body = intake_json(
        **{
            "offence.offence_class": "indictable",
            "person.date_of_birth": "2010-01-01",
            "person.address": None,
            "person.email": None,
            "eligibility.has_dvpn_or_dvpo": True,
            "eligibility.offended_in_last_two_years": True,
        }
    )
    response = client.post("/api/v1/cases", json=body, headers=headers_for(supervisor))
    assert response.status_code == 201
    assert response.json["status"] == "ineligible"
    assert response.json["eligibility"] == {
        "eligible": False,
        "failed": [
            "offence_class",
            "age",
            "means_of_contact",
            "dvpn_or_dvpo",
            "offended_in_last_two_years",
        ],
        "answers": response.json["eligibility"]["answers"],
    }
    assert response.json["keyworker_id"] is None
    assert only_case().status == "ineligible"


def test_the_api_records_victims(client, keyworker):
    body = intake_json(
        victims=[
            {"name": "Vic Tim", "email": "vic@example.org", "preferred_contact": "email"},
            {"name": "Other Victim", "enhanced_rights": True},
        ]
    )
    response = client.post("/api/v1/cases", json=body, headers=headers_for(keyworker))
    assert response.status_code == 201
    assert sorted(v["name"] for v in response.json["victims"]) == ["Other Victim", "Vic Tim"]


API_BAD_INPUT = [
    ({"crime_reference": DELETE}, ["crime_reference"]),
    ({"crime_reference": "CR 1"}, ["crime_reference"]),
    ({"crime_reference": "X" * 51}, ["crime_reference"]),
    ({"offence.offence_class": "treason"}, ["offence", "offence_class"]),
    ({"offence.committed_on": "2026-02-30"}, ["offence", "committed_on"]),
    ({"offence.committed_on": TOMORROW_ISO}, ["offence", "committed_on"]),
    ({"offence.committed_in_force_area": "yes"}, ["offence", "committed_in_force_area"]),
    ({"offence.description": ""}, ["offence", "description"]),
    ({"person.given_name": DELETE}, ["person", "given_name"]),
    ({"person.date_of_birth": "1850-01-01"}, ["person", "date_of_birth"]),
    ({"person.date_of_birth": TOMORROW_ISO}, ["person", "date_of_birth"]),
    ({"person.email": "not-an-email"}, ["person", "email"]),
    ({"person.phone": "phone me"}, ["person", "phone"]),
    ({"person.surname": "Unknown field"}, ["person", "surname"]),
    ({"eligibility.on_prison_licence": DELETE}, ["eligibility", "on_prison_licence"]),
    ({"eligibility.on_prison_licence": None}, ["eligibility", "on_prison_licence"]),
    ({"victims": [{"email": "vic@example.org"}]}, ["victims", "0", "name"]),
    ({"victims": [{"name": "Vic", "email": "bad"}]}, ["victims", "0", "email"]),
    (
        {"victims": [{"name": "Vic", "preferred_contact": "pigeon"}]},
        ["victims", "0", "preferred_contact"],
    ),
    ({"offence": "theft"}, ["offence", "_schema"]),
]


@pytest.mark.parametrize(("changes", "path"), API_BAD_INPUT)
def test_bad_input_to_the_api_gets_422_naming_the_field_and_stores_nothing(
    client, keyworker, changes, path
):
    changes = resolved(changes)
    response = client.post(
        "/api/v1/cases", json=intake_json(**changes), headers=headers_for(keyworker)
    )
    assert response.status_code == 422, response.json
    assert response.mimetype == "application/problem+json"
    node = response.json["errors"]
    for key in path:
        node = node[key] if key in node else node[int(key)]
    assert node and isinstance(node, list)
    assert case_count() == 0


@pytest.mark.parametrize("body", [None, [], "text", {"crime_reference": "CR/1"}])
def test_malformed_bodies_get_422_not_500(client, keyworker, body):
    response = client.post("/api/v1/cases", json=body, headers=headers_for(keyworker))
    assert response.status_code == 422
    assert case_count() == 0


@pytest.mark.parametrize("role", [Role.ADMIN, Role.PARTNER, Role.VICTIM_LIAISON])
def test_other_roles_may_not_record_cases(client, role):
    response = client.post(
        "/api/v1/cases", json=intake_json(), headers=headers_for(factories.user(role))
    )
    assert response.status_code == 403
    assert case_count() == 0


def test_the_page_and_the_api_give_the_same_message(client, keyworker, keyworker_client):
    api = client.post(
        "/api/v1/cases",
        json=intake_json(**{"person.postcode": "nonsense"}),
        headers=headers_for(keyworker),
    )
    page = post_form(keyworker_client, "/cases/new", intake_form(postcode="nonsense"))
    message = api.json["errors"]["person"]["postcode"][0]
    assert message in text(page)


def test_the_minimum_age_setting_is_used(app, client, keyworker):
    app.config["MINIMUM_AGE"] = 40
    response = client.post("/api/v1/cases", json=intake_json(), headers=headers_for(keyworker))
    assert response.json["eligibility"]["failed"] == ["age"]
