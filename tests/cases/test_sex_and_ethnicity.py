"""A person's sex and self-defined ethnic group: optional at intake (page and API), "not
stated" when not given, shown on the case page, and named in the OpenAPI document."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.cases.models import Case, Person
from app.extensions import db
from tests.cases.support import case_count, headers_for, intake_form, intake_json, text
from tests.helpers import assert_redirects, post_form


def summary_value(page: str, key: str) -> str:
    """The value beside ``key`` in a summary list, as a reader sees it."""
    match = re.search(rf">\s*{key}\s*</dt>\s*<dd[^>]*>(.*?)</dd>", page, re.S)
    assert match, key
    return " ".join(match.group(1).split())


def only_person() -> Person:
    db.session.expire_all()
    return db.session.scalars(select(Person)).one()


def test_the_page_records_sex_and_ethnic_group_and_the_case_page_shows_them(keyworker_client):
    response = post_form(
        keyworker_client, "/cases/new", intake_form(sex="female", ethnicity="black")
    )
    person = only_person()
    case_path = f"/cases/{db.session.scalars(select(Case.id)).one()}"
    assert_redirects(response, f"{case_path}/eligibility")
    assert (person.sex, person.ethnicity) == ("female", "black")
    page = text(keyworker_client.get(case_path))
    assert summary_value(page, "Sex") == "Female"
    assert summary_value(page, "Ethnic group") == (
        "Black, Black British, Black Welsh, Caribbean or African"
    )


def test_nothing_chosen_on_the_page_is_recorded_as_not_stated(keyworker_client):
    response = post_form(keyworker_client, "/cases/new", intake_form())
    person = only_person()
    case_path = f"/cases/{db.session.scalars(select(Case.id)).one()}"
    assert_redirects(response, f"{case_path}/eligibility")
    assert (person.sex, person.ethnicity) == ("not_stated", "not_stated")
    page = text(keyworker_client.get(case_path))
    assert summary_value(page, "Sex") == "Not stated"
    assert summary_value(page, "Ethnic group") == "Not stated"


def test_the_form_offers_the_census_groups_as_radios(keyworker_client):
    page = text(keyworker_client.get("/cases/new"))
    for label in ("Female", "Male", "Asian, Asian British or Asian Welsh", "White"):
        assert label in page
    assert 'name="sex" type="radio" value="not_stated"' in page
    assert 'name="ethnicity" type="radio" value="mixed"' in page


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("sex", "unknown", "Select the person&#39;s sex, or not stated"),
        ("ethnicity", "british", "Select the person&#39;s ethnic group, or not stated"),
    ],
)
def test_a_value_outside_the_list_is_refused_on_the_page(keyworker_client, field, value, message):
    response = post_form(keyworker_client, "/cases/new", intake_form(**{field: value}))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert f'href="#{field}"' in page
    assert message in page
    assert case_count() == 0


def test_the_api_records_sex_and_ethnic_group(client, keyworker):
    body = intake_json(**{"person.sex": "male", "person.ethnicity": "asian"})
    response = client.post("/api/v1/cases", json=body, headers=headers_for(keyworker))
    assert response.status_code == 201, response.json
    assert response.json["person"]["sex"] == "male"
    assert response.json["person"]["ethnicity"] == "asian"
    read = client.get(f"/api/v1/cases/{response.json['id']}", headers=headers_for(keyworker))
    assert (read.json["person"]["sex"], read.json["person"]["ethnicity"]) == ("male", "asian")


def test_the_api_defaults_to_not_stated(client, keyworker):
    response = client.post("/api/v1/cases", json=intake_json(), headers=headers_for(keyworker))
    assert response.status_code == 201
    assert response.json["person"]["sex"] == "not_stated"
    assert response.json["person"]["ethnicity"] == "not_stated"


@pytest.mark.parametrize(
    "changes", [{"person.sex": "M"}, {"person.ethnicity": "White"}, {"person.sex": None}]
)
def test_the_api_refuses_values_outside_the_list(client, keyworker, changes):
    response = client.post(
        "/api/v1/cases", json=intake_json(**changes), headers=headers_for(keyworker)
    )
    assert response.status_code == 422
    field = next(iter(changes)).split(".")[1]
    assert response.json["errors"]["person"][field]
    assert case_count() == 0


def test_the_openapi_document_names_the_values(client):
    schemas = client.get("/api/v1/openapi.json").json["components"]["schemas"]
    for name in ("PersonIn", "Person"):
        properties = schemas[name]["properties"]
        assert properties["sex"]["enum"] == ["female", "male", "not_stated"]
        assert properties["ethnicity"]["enum"] == [
            "asian",
            "black",
            "mixed",
            "white",
            "other",
            "not_stated",
        ]
