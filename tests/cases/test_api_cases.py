"""GET /cases and GET /cases/{id}: scoped like the pages; victim liaison sees only the
id, crime reference and status of cases that have victims."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from app.auth.roles import Role
from app.cases.models import CaseStatus
from app.database import utcnow
from app.extensions import db
from tests import factories
from tests.cases.support import audit_entries, headers_for


def ids(response) -> set[str]:
    assert response.status_code == 200, response.json
    return {item["id"] for item in response.json["items"]}


def test_a_keyworker_lists_only_their_cases(client, keyworker):
    mine = factories.case(keyworker)
    factories.case(factories.user(Role.KEYWORKER))
    response = client.get("/api/v1/cases", headers=headers_for(keyworker))
    assert ids(response) == {str(mine.id)}
    assert response.json["total"] == 1
    item = response.json["items"][0]
    assert item["crime_reference"] == mine.crime_reference
    assert item["status"] == "eligible"
    assert item["person"]["family_name"] == mine.person.family_name
    assert item["eligibility"]["eligible"] is True
    assert "email" not in item["person"]  # the list carries names, not contact details


def test_a_supervisor_lists_every_case(client, supervisor):
    cases = [factories.case(), factories.case(), factories.case(keyworker=False)]
    response = client.get("/api/v1/cases", headers=headers_for(supervisor))
    assert ids(response) == {str(c.id) for c in cases}


def test_the_list_is_paginated_and_filtered(client, supervisor):
    keyworker = factories.user(Role.KEYWORKER)
    for _ in range(3):
        factories.case(keyworker)
    ineligible = factories.case(status=CaseStatus.INELIGIBLE)
    headers = headers_for(supervisor)
    first = client.get("/api/v1/cases?per_page=2", headers=headers).json
    second = client.get("/api/v1/cases?per_page=2&page=2", headers=headers).json
    assert (first["total"], len(first["items"]), len(second["items"])) == (4, 2, 2)
    assert {i["id"] for i in first["items"]}.isdisjoint(i["id"] for i in second["items"])
    assert ids(client.get("/api/v1/cases?status=ineligible", headers=headers)) == {
        str(ineligible.id)
    }
    assert len(ids(client.get(f"/api/v1/cases?keyworker_id={keyworker.id}", headers=headers))) == 3


def test_updated_since_returns_changed_cases(client, supervisor):
    old = factories.case()
    old.updated_at = utcnow() - timedelta(days=2)
    db.session.commit()
    recent = factories.case()
    since = (utcnow() - timedelta(days=1)).isoformat()
    response = client.get(
        "/api/v1/cases", query_string={"updated_since": since}, headers=headers_for(supervisor)
    )
    assert ids(response) == {str(recent.id)}
    assert str(old.id) not in ids(response)


@pytest.mark.parametrize(
    "query",
    [
        "per_page=201",
        "per_page=0",
        "page=0",
        "page=x",
        "status=unknown",
        "updated_since=yesterday",
        "updated_since=2026-01-01T00:00:00",  # no time zone
        "keyworker_id=nope",
    ],
)
def test_bad_list_queries_get_422(client, supervisor, query):
    response = client.get(f"/api/v1/cases?{query}", headers=headers_for(supervisor))
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"


def test_victim_liaison_lists_only_cases_with_victims_and_only_three_fields(client):
    with_victims = factories.case(victims=2)
    factories.case()
    liaison = factories.user(Role.VICTIM_LIAISON)
    response = client.get("/api/v1/cases", headers=headers_for(liaison))
    assert response.status_code == 200
    assert response.json["total"] == 1
    assert response.json["items"] == [
        {
            "id": str(with_victims.id),
            "crime_reference": with_victims.crime_reference,
            "status": "eligible",
        }
    ]
    body = response.get_data(as_text=True)
    assert with_victims.person.family_name not in body
    assert "Victim" not in body


def test_get_one_case(client, keyworker):
    case = factories.case(keyworker, victims=1)
    response = client.get(f"/api/v1/cases/{case.id}", headers=headers_for(keyworker))
    assert response.status_code == 200
    body = response.json
    assert body["id"] == str(case.id)
    assert body["offence"] == {
        "description": case.offence_description,
        "offence_class": "summary",
        "committed_on": case.offence_committed_on.isoformat(),
        "committed_in_force_area": True,
    }
    assert body["person"]["email"] == case.person.email
    assert body["eligibility"]["answers"]["accepts_responsibility"] is True
    assert [v["name"] for v in body["victims"]] == [case.victims[0].name]
    assert isinstance(body["version"], int)
    [entry] = audit_entries("case.viewed", case.id)
    assert entry.details == {"purpose": "api_case"}


def test_one_case_is_not_found_outside_the_callers_scope(client, keyworker):
    theirs = factories.case(factories.user(Role.KEYWORKER), victims=1)
    headers = headers_for(keyworker)
    assert client.get(f"/api/v1/cases/{theirs.id}", headers=headers).status_code == 404
    assert client.get(f"/api/v1/cases/{uuid.uuid4()}", headers=headers).status_code == 404
    liaison = headers_for(factories.user(Role.VICTIM_LIAISON))
    assert client.get(f"/api/v1/cases/{theirs.id}", headers=liaison).status_code == 403
    assert audit_entries("case.viewed") == []


@pytest.mark.parametrize("role", [Role.ADMIN, Role.PARTNER])
def test_admin_and_partner_users_see_no_cases(client, role):
    case = factories.case(victims=1)
    headers = headers_for(factories.user(role))
    assert client.get("/api/v1/cases", headers=headers).status_code == 403
    assert client.get(f"/api/v1/cases/{case.id}", headers=headers).status_code == 403


def test_the_openapi_document_describes_the_case_endpoints(client):
    spec = client.get("/api/v1/openapi.json").json
    paths = spec["paths"]
    assert {"post", "get"} <= set(paths["/api/v1/cases"])
    assert "get" in paths["/api/v1/cases/{case_id}"]
    assert "post" in paths["/api/v1/cases/{case_id}/allocation"]
    create = paths["/api/v1/cases"]["post"]
    assert create["summary"].startswith("Record a case")
    assert {"201", "403", "422"} <= set(create["responses"])
    schemas = spec["components"]["schemas"]
    assert {"NewCase", "Case", "CaseList", "Allocation"} <= set(schemas)
    assert set(schemas["CaseReference"]["properties"]) == {"id", "crime_reference", "status"}
