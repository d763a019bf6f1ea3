"""Administrators add and change partner organisations, on the pages and through the API."""

from __future__ import annotations

import re
import uuid
from datetime import date

import pytest
import sqlalchemy as sa

from app.auth.roles import Role
from app.errors import StaleVersion
from app.extensions import db
from app.partners import services
from app.partners.models import Organisation
from tests import factories
from tests.auth.support import location
from tests.helpers import assert_redirects, post_form
from tests.partners.support import (
    ERROR_SUMMARY,
    audit_entries,
    headers_for,
    organisation_count,
    organisation_named,
    reload,
    text,
)


def form_data(**fields) -> dict:
    data = {
        "name": "Hillside Housing Trust",
        "service_types": ["housing", "debt_advice"],
        "areas": "North\n  leeds   central ,North, ",
        "capacity": "waiting_list",
        "acknowledge_within_days": "3",
        "contact_name": "Sam Contact",
        "contact_phone": "0113 496 0000",
        "contact_email": "sam@hillside.example",
        "isa_reference": "ISA-2026-014",
        "isa_expires_on": ["31", "3", "2027"],
        "description": "Tenancy support and emergency housing",
        "active": "yes",
    }
    data.update(fields)
    return data


def api_body(**fields) -> dict:
    body = {"name": "Riverside Minds", "service_types": ["mental_health"], "areas": ["South"]}
    body.update(fields)
    return body


# Adding an organisation on the pages --------------------------------------------------------


def test_admin_adds_an_organisation_with_clean_details(admin, admin_client):
    response = post_form(admin_client, "/organisations/new", form_data())

    created = organisation_named("Hillside Housing Trust")
    assert response.status_code == 302, text(response)
    assert location(response) == f"/organisations/{created.id}"
    assert created.service_types == ["housing", "debt_advice"]
    assert created.areas == ["North", "leeds central"]
    assert created.capacity == "waiting_list"
    assert created.acknowledge_within_days == 3
    assert created.contact_email == "sam@hillside.example"
    assert created.isa_expires_on == date(2027, 3, 31)
    assert created.active is True

    page = text(admin_client.get(location(response)))
    assert "Hillside Housing Trust added" in page
    assert "Sam Contact" in page
    assert "ISA-2026-014, in force until 31 March 2027" in page

    (entry,) = audit_entries("organisation.created", created.id)
    assert entry.actor_id == admin.id
    assert "contact_email" in entry.details["fields"]
    assert "sam@hillside.example" not in str(entry.details)  # field names, never values


def test_the_defaults_are_two_working_days_accepting_and_active(admin, admin_client):
    response = post_form(
        admin_client,
        "/organisations/new",
        {"name": "Plain Org", "service_types": ["other"], "areas": "Central"},
    )
    created = organisation_named("Plain Org")
    assert_redirects(response, f"/organisations/{created.id}")
    assert (created.acknowledge_within_days, created.capacity, created.active) == (
        2,
        "accepting",
        True,
    )
    assert created.isa_reference is None and created.contact_name is None


INVALID = [
    pytest.param({"name": "  "}, "name", "Enter the organisation's name", id="no-name"),
    pytest.param(
        {"service_types": []}, "service_types", "Select at least one service type", id="no-type"
    ),
    pytest.param(
        {"service_types": ["astrology"]},
        "service_types",
        "Select service types from the list",
        id="unknown-type",
    ),
    pytest.param(
        {"areas": " , \n "},
        "areas",
        "Enter at least one area the organisation covers",
        id="no-area",
    ),
    pytest.param(
        {"contact_email": "sam at hillside"},
        "contact_email",
        "Enter an email address in the correct format, like name@example.com",
        id="bad-email",
    ),
    pytest.param(
        {"contact_phone": "call reception"},
        "contact_phone",
        services.PHONE_MESSAGE,
        id="bad-phone",
    ),
    pytest.param({"contact_phone": "12345"}, "contact_phone", services.PHONE_MESSAGE, id="short"),
    pytest.param(
        {"acknowledge_within_days": "0"},
        "acknowledge_within_days",
        "Number of working days must be between 1 and 30",
        id="days-0",
    ),
    pytest.param(
        {"acknowledge_within_days": "31"},
        "acknowledge_within_days",
        "Number of working days must be between 1 and 30",
        id="days-31",
    ),
    pytest.param(
        {"acknowledge_within_days": "two"},
        "acknowledge_within_days",
        "Number of working days must be a whole number, like 2",
        id="days-words",
    ),
    pytest.param(
        {"acknowledge_within_days": ""},
        "acknowledge_within_days",
        "Enter the number of working days in which the organisation acknowledges a referral",
        id="days-blank",
    ),
    pytest.param(
        {"isa_expires_on": ["31", "2", "2027"]},
        "isa_expires_on",
        "Agreement expiry date must be a real date",
        id="unreal-date",
    ),
    pytest.param(
        {"isa_expires_on": ["", "", ""]},
        "isa_expires_on",
        "Enter the date the information-sharing agreement expires",
        id="isa-without-expiry",
    ),
    pytest.param(
        {"isa_reference": ""},
        "isa_reference",
        "Enter the information-sharing agreement reference",
        id="expiry-without-isa",
    ),
    pytest.param(
        {"capacity": "full"},
        "capacity",
        "Select whether the organisation is accepting referrals",
        id="unknown-capacity",
    ),
    pytest.param({"name": "x" * 201}, "name", "Name must be 200 characters or fewer", id="long"),
]


@pytest.mark.parametrize(("fields", "field", "message"), INVALID)
def test_invalid_details_are_refused_with_gov_uk_messages(admin_client, fields, field, message):
    before = organisation_count()
    response = post_form(admin_client, "/organisations/new", form_data(**fields))
    page = text(response)

    assert response.status_code == 400
    assert ERROR_SUMMARY in page
    assert "<title>Error: " in page
    assert page.count(message) >= 2, page  # in the summary and by the field
    assert f'id="{field}-error"' in page
    assert organisation_count() == before
    # What was typed is kept.
    assert 'value="Sam Contact"' in page


def test_a_name_already_used_in_any_case_is_refused(admin_client):
    factories.organisation(name="Hillside Housing Trust")
    before = organisation_count()
    response = post_form(
        admin_client, "/organisations/new", form_data(name="HILLSIDE housing trust")
    )
    assert response.status_code == 400
    assert "An organisation with this name already exists" in text(response)
    assert organisation_count() == before


# Changing an organisation on the pages ------------------------------------------------------


def edit_form(org: Organisation, **fields) -> dict:
    data = form_data(
        name=org.name,
        service_types=list(org.service_types),
        areas="\n".join(org.areas),
        isa_reference="",
        isa_expires_on=["", "", ""],
        version=str(org.version),
    )
    data.update(fields)
    return data


def test_admin_changes_an_organisation_and_the_audit_names_the_fields(admin, admin_client):
    org = factories.organisation(name="Talking Space", areas=["South"])
    read_version = org.version
    response = post_form(
        admin_client,
        f"/organisations/{org.id}/edit",
        edit_form(org, capacity="not_accepting", contact_phone="07700 900982"),
    )
    assert response.status_code == 302, text(response)
    assert location(response) == f"/organisations/{org.id}"
    assert "Organisation details saved" in text(admin_client.get(location(response)))

    changed = reload(org)
    assert changed.capacity == "not_accepting"
    assert changed.contact_phone == "07700 900982"
    assert changed.version == read_version + 1
    (entry,) = audit_entries("organisation.updated", org.id)
    assert entry.actor_id == admin.id
    assert set(entry.details["fields"]) >= {"capacity", "contact_phone"}
    assert "07700" not in str(entry.details)


def test_the_edit_form_carries_the_version_it_was_read_at(admin_client):
    org = factories.organisation(name="Versioned Org")
    page = text(admin_client.get(f"/organisations/{org.id}/edit"))
    assert re.search(rf'name="version" type="hidden" value="{org.version}"', page)
    assert 'value="Versioned Org"' in page


def test_a_stale_edit_is_refused_and_shows_the_current_details(admin, admin_client):
    org = factories.organisation(name="Open Door", capacity="accepting")
    read_version = org.version
    # Someone else saves a change after the form was read.
    services.update_organisation(admin, org.id, {"name": "Open Door Trust"}, version=read_version)

    response = post_form(
        admin_client,
        f"/organisations/{org.id}/edit",
        edit_form(org, name="Open Door", capacity="not_accepting", version=str(read_version)),
    )
    page = text(response)

    assert response.status_code == 409
    assert "Someone else changed this organisation. Check the details below and try again" in page
    assert 'value="Open Door Trust"' in page  # the current details, to check against
    assert f'name="version" type="hidden" value="{read_version + 1}"' in page
    now = reload(org)
    assert (now.name, now.capacity) == ("Open Door Trust", "accepting")
    assert len(audit_entries("organisation.updated", org.id)) == 1


def test_a_missing_version_counts_as_stale(admin_client):
    org = factories.organisation()
    response = post_form(
        admin_client, f"/organisations/{org.id}/edit", edit_form(org, version="", name="New")
    )
    assert response.status_code == 409
    assert reload(org).name == org.name


def test_a_stale_edit_with_errors_is_reported_as_stale(admin, admin_client):
    org = factories.organisation(name="Open Door")
    read_version = org.version
    services.update_organisation(admin, org.id, {"name": "Open Door Trust"}, version=read_version)

    response = post_form(
        admin_client, f"/organisations/{org.id}/edit", edit_form(org, name="", version="1")
    )

    assert response.status_code == 409
    assert "Someone else changed this organisation" in text(response)
    assert 'value="Open Door Trust"' in text(response)


def test_the_service_refuses_a_version_that_is_not_the_current_one(admin):
    org = factories.organisation(name="Open Door")
    services.update_organisation(admin, org.id, {"name": "Open Door Trust"}, version=org.version)

    with pytest.raises(services.StaleVersion) as refused:
        services.update_organisation(admin, org.id, {"capacity": "not_accepting"}, version=1)
    assert refused.value.field == "version"
    services.check_version(reload(org), 2)
    services.check_version(reload(org), None)
    with pytest.raises(services.StaleVersion):
        services.check_version(reload(org), 1)


@pytest.mark.committed
def test_a_concurrent_write_between_read_and_save_is_stale(admin):
    """Two saves racing: the row's version guards the write itself."""
    org = factories.organisation(name="Race Org")
    services.get_organisation(admin, org.id)  # held in this session at version 1
    with db.engine.begin() as connection:  # another request commits meanwhile
        connection.execute(
            sa.text("UPDATE organisations SET version = version + 1 WHERE id = :id"),
            {"id": org.id.hex if db.engine.dialect.name == "sqlite" else org.id},
        )
    with pytest.raises(StaleVersion):
        services.update_organisation(admin, org.id, {"capacity": "not_accepting"}, version=None)
    assert reload(org).capacity == "accepting"


def test_invalid_changes_are_refused_and_nothing_is_written(admin_client):
    org = factories.organisation(name="Lantern Volunteers")
    response = post_form(
        admin_client, f"/organisations/{org.id}/edit", edit_form(org, service_types=[])
    )
    assert response.status_code == 400
    assert "Select at least one service type" in text(response)
    assert reload(org).service_types == org.service_types
    assert audit_entries("organisation.updated", org.id) == []


def test_an_unknown_organisation_is_not_found(admin_client):
    assert admin_client.get(f"/organisations/{uuid.uuid4()}").status_code == 404
    assert admin_client.get(f"/organisations/{uuid.uuid4()}/edit").status_code == 404


def test_an_inactive_organisation_leaves_the_directory(admin, admin_client):
    org = factories.organisation(name="Closing Org")
    response = post_form(admin_client, f"/organisations/{org.id}/edit", edit_form(org, active="no"))
    assert_redirects(response, f"/organisations/{org.id}")
    assert reload(org).active is False
    assert "Closing Org" not in text(admin_client.get("/organisations/directory"))
    assert "Closing Org" in text(admin_client.get("/organisations/?status=inactive"))


# The API ------------------------------------------------------------------------------------


def test_api_creates_an_organisation(client, admin):
    response = client.post(
        "/api/v1/organisations",
        json=api_body(
            areas=["South", " south ", "Central  East"],
            contact_email="Intake@Riverside.example",
            isa_reference="ISA-7",
            isa_expires_on="2027-01-31",
        ),
        headers=headers_for(admin),
    )
    assert response.status_code == 201, response.json
    body = response.json
    assert body["name"] == "Riverside Minds"
    assert body["areas"] == ["South", "Central East"]
    assert body["acknowledge_within_days"] == 2
    assert body["capacity"] == "accepting"
    assert body["isa_expires_on"] == "2027-01-31"
    assert body["version"] == 1
    uuid.UUID(body["id"])
    assert audit_entries("organisation.created", body["id"])


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": None}, "name"),
        ({"service_types": []}, "service_types"),
        ({"service_types": ["astrology"]}, "service_types"),
        ({"areas": []}, "areas"),
        ({"areas": "North"}, "areas"),
        ({"acknowledge_within_days": 0}, "acknowledge_within_days"),
        ({"acknowledge_within_days": 31}, "acknowledge_within_days"),
        ({"acknowledge_within_days": "2"}, "acknowledge_within_days"),
        ({"contact_email": "nobody"}, "contact_email"),
        ({"contact_phone": "phone me"}, "contact_phone"),
        ({"capacity": "full"}, "capacity"),
        ({"isa_expires_on": "2027-02-30", "isa_reference": "X"}, "isa_expires_on"),
        ({"isa_reference": "ISA-1"}, "isa_expires_on"),
        ({"colour": "blue"}, "colour"),
    ],
)
def test_api_refuses_invalid_organisations_with_field_errors(client, admin, body, field):
    before = organisation_count()
    response = client.post(
        "/api/v1/organisations", json=api_body(**body), headers=headers_for(admin)
    )
    assert response.status_code == 422, response.json
    assert response.mimetype == "application/problem+json"
    assert field in response.json["errors"]
    assert organisation_count() == before


def test_api_refuses_a_duplicate_name(client, admin):
    factories.organisation(name="Riverside Minds")
    response = client.post(
        "/api/v1/organisations",
        json=api_body(name="riverside minds"),
        headers=headers_for(admin),
    )
    assert response.status_code == 422
    assert response.json["errors"] == {"name": ["An organisation with this name already exists"]}


def test_api_changes_an_organisation_with_the_version_it_read(client, admin):
    org = factories.organisation(name="Patch Org")
    headers = headers_for(admin)
    read = client.get(f"/api/v1/organisations/{org.id}", headers=headers).json

    response = client.patch(
        f"/api/v1/organisations/{org.id}",
        json={"capacity": "waiting_list", "version": read["version"]},
        headers=headers,
    )
    assert response.status_code == 200, response.json
    assert response.json["capacity"] == "waiting_list"
    assert response.json["version"] == read["version"] + 1

    stale = client.patch(
        f"/api/v1/organisations/{org.id}",
        json={"capacity": "not_accepting", "version": read["version"]},
        headers=headers,
    )
    assert stale.status_code == 409
    assert stale.json["code"] == "stale_version"
    assert reload(org).capacity == "waiting_list"
    (entry,) = audit_entries("organisation.updated", org.id)
    assert entry.details == {"fields": ["capacity"]}


def test_api_patch_validates_and_answers_404_for_unknown_ids(client, admin):
    org = factories.organisation()
    headers = headers_for(admin)
    bad = client.patch(f"/api/v1/organisations/{org.id}", json={"areas": []}, headers=headers)
    assert bad.status_code == 422 and "areas" in bad.json["errors"]
    missing = client.patch(f"/api/v1/organisations/{uuid.uuid4()}", json={}, headers=headers)
    assert missing.status_code == 404


def test_api_reads_one_organisation(client):
    org = factories.organisation(name="Readable Org", isa_reference="R", isa_expires_on=None)
    keyworker = factories.user(Role.KEYWORKER)
    response = client.get(f"/api/v1/organisations/{org.id}", headers=headers_for(keyworker))
    assert response.status_code == 200
    assert response.json["name"] == "Readable Org"
    assert response.json["isa_current"] is True
    assert (
        client.get(
            f"/api/v1/organisations/{uuid.uuid4()}", headers=headers_for(keyworker)
        ).status_code
        == 404
    )
