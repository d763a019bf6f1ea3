"""The consent API (shared/API.md): record, list, withdraw."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app.consent import services
from app.consent.models import Consent
from app.consent.rules import can_share
from app.database import utcnow
from app.dates import add_months, contract_end, end_of_day_utc, today_in_london
from app.extensions import db
from tests import factories
from tests.consent.conftest import audit_actions, audit_count, headers_for


@pytest.fixture
def headers(keyworker):
    return headers_for(keyworker)


def body(org, **overrides) -> dict:
    data = {
        "organisation_id": str(org.id),
        "categories": ["contact_details", "needs_summary"],
        "method": "electronic",
        "notice_version": "2026-04",
    }
    data.update(overrides)
    return data


def stored(case) -> list[Consent]:
    db.session.expire_all()
    return list(db.session.scalars(select(Consent).where(Consent.case_id == case.id)))


def parse(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def test_recording_consent(client, headers, keyworker, case, org):
    response = client.post(f"/api/v1/cases/{case.id}/consents", json=body(org), headers=headers)
    assert response.status_code == 201, response.json
    data = response.json
    [consent] = stored(case)
    assert data["id"] == str(consent.id)
    assert data["status"] == "given"
    assert data["case_id"] == str(case.id)
    assert data["organisation_id"] == str(org.id)
    assert data["organisation_name"] == "Hillside Housing Trust"
    assert data["categories"] == ["contact_details", "needs_summary"]
    assert data["method"] == "electronic"
    assert data["notice_version"] == "2026-04"
    assert data["recorded_by_id"] == str(keyworker.id)
    assert data["version"] == 1
    assert data["withdrawn_at"] is None
    expected = add_months(contract_end(today_in_london()), 3)
    assert data["expires_on"] == expected.isoformat()
    assert parse(data["expires_at"]) == end_of_day_utc(expected)
    assert parse(data["given_at"]).tzinfo is not None
    assert audit_actions(consent.id) == ["consent.given"]


def test_recording_consent_with_an_expiry(client, headers, case, org):
    day = today_in_london() + timedelta(days=40)
    response = client.post(
        f"/api/v1/cases/{case.id}/consents",
        json=body(org, expires_on=day.isoformat()),
        headers=headers,
    )
    assert response.status_code == 201
    assert response.json["expires_on"] == day.isoformat()
    assert parse(response.json["expires_at"]) == end_of_day_utc(day)


def test_a_second_consent_replaces_the_first(client, headers, case, org):
    first = client.post(f"/api/v1/cases/{case.id}/consents", json=body(org), headers=headers)
    second = client.post(
        f"/api/v1/cases/{case.id}/consents",
        json=body(org, categories=["housing"]),
        headers=headers,
    )
    assert second.status_code == 201
    listed = client.get(f"/api/v1/cases/{case.id}/consents", headers=headers).json
    by_id = {item["id"]: item for item in listed["items"]}
    assert by_id[first.json["id"]]["status"] == "withdrawn"
    assert by_id[first.json["id"]]["withdrawal_reason"] == "Replaced by a new consent"
    assert by_id[second.json["id"]]["status"] == "given"


def problem(response, status: int) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    assert {"type", "title", "status", "detail"} <= set(response.json)
    return response.json


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"categories": ["everything"]}, "categories"),
        ({"categories": []}, "categories"),
        ({"categories": "contact_details"}, "categories"),
        ({"method": "telepathy"}, "method"),
        ({"notice_version": ""}, "notice_version"),
        ({"notice_version": "x" * 41}, "notice_version"),
        ({"organisation_id": "not-a-uuid"}, "organisation_id"),
        ({"expires_on": "31/12/2026"}, "expires_on"),
        ({"expires_on": "2026-02-30"}, "expires_on"),
        ({"colour": "blue"}, "colour"),
    ],
)
def test_malformed_input_gets_422_with_field_errors(client, headers, case, org, overrides, field):
    response = client.post(
        f"/api/v1/cases/{case.id}/consents", json=body(org, **overrides), headers=headers
    )
    assert field in problem(response, 422)["errors"]
    assert stored(case) == []


@pytest.mark.parametrize("missing", ["organisation_id", "categories", "method", "notice_version"])
def test_each_required_field(client, headers, case, org, missing):
    data = body(org)
    del data[missing]
    response = client.post(f"/api/v1/cases/{case.id}/consents", json=data, headers=headers)
    assert missing in problem(response, 422)["errors"]


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"organisation_id": str(uuid.uuid4())}, "organisation_id", "Select an organisation"),
        ({"notice_version": "   "}, "notice_version", "Enter the version"),
        ({"expires_on": "2020-01-01"}, "expires_on", "Expiry date must be in the future"),
        ({"expires_on": "2099-12-31"}, "expires_on", "no more than 2 years"),
    ],
)
def test_rule_breaking_input_gets_422_with_field_errors(
    client, headers, case, org, overrides, field, message
):
    response = client.post(
        f"/api/v1/cases/{case.id}/consents", json=body(org, **overrides), headers=headers
    )
    data = problem(response, 422)
    assert message in data["errors"][field][0]
    assert stored(case) == []


def test_not_json_at_all_is_not_a_500(client, headers, case):
    response = client.post(
        f"/api/v1/cases/{case.id}/consents",
        data="{not json",
        headers={**headers, "Content-Type": "application/json"},
    )
    assert response.status_code in {400, 422}
    assert response.mimetype == "application/problem+json"


def test_a_closed_case_gets_409(client, headers, keyworker, org):
    closed = factories.case(keyworker, status="opted_out")
    response = client.post(f"/api/v1/cases/{closed.id}/consents", json=body(org), headers=headers)
    assert problem(response, 409)["code"] == "case_closed"


def test_listing_consents(client, headers, keyworker, case, org):
    other = factories.organisation()
    first = services.give_consent(keyworker, case.id, org.id, ["housing"], "verbal", "2026-04")
    services.withdraw_consent(keyworker, first.id, "Stop")
    second = services.give_consent(keyworker, case.id, other.id, ["health"], "verbal", "2026-04")
    response = client.get(f"/api/v1/cases/{case.id}/consents", headers=headers)
    assert response.status_code == 200
    data = response.json
    assert data["total"] == 2
    assert [item["id"] for item in data["items"]] == [str(second.id), str(first.id)]
    assert [item["status"] for item in data["items"]] == ["given", "withdrawn"]
    assert data["page"] == 1 and data["per_page"] == 50


@pytest.mark.parametrize(
    ("status", "expected"),
    [("given", ["current"]), ("withdrawn", ["stopped"]), ("expired", ["old"])],
)
def test_listing_filters_by_status(client, headers, keyworker, case, status, expected):
    now = utcnow()
    made = {
        "current": factories.consent(case, factories.organisation()),
        "stopped": factories.consent(case, factories.organisation()),
        "old": factories.consent(
            case,
            factories.organisation(),
            given_at=now - timedelta(days=400),
            expires_at=now - timedelta(days=35),
        ),
    }
    services.withdraw_consent(keyworker, made["stopped"].id, "Stop")
    response = client.get(
        f"/api/v1/cases/{case.id}/consents", query_string={"status": status}, headers=headers
    )
    assert response.status_code == 200
    assert [item["id"] for item in response.json["items"]] == [str(made[n].id) for n in expected]
    assert [item["status"] for item in response.json["items"]] == [status]


def test_listing_is_paginated(client, headers, case):
    now = utcnow()
    for i in range(5):
        factories.consent(case, given_at=now - timedelta(minutes=i))
    page = client.get(f"/api/v1/cases/{case.id}/consents?per_page=2&page=3", headers=headers)
    assert page.json["total"] == 5
    assert len(page.json["items"]) == 1


@pytest.mark.parametrize(
    "query",
    ["per_page=0", "per_page=201", "page=0", "page=x", "updated_since=yesterday", "status=x"],
)
def test_bad_list_parameters_get_422(client, headers, case, query):
    response = client.get(f"/api/v1/cases/{case.id}/consents?{query}", headers=headers)
    problem(response, 422)


def test_updated_since_finds_new_and_withdrawn_consents(client, headers, keyworker, case, org):
    now = utcnow()
    old = factories.consent(case, given_at=now - timedelta(days=3))
    withdrawn_lately = factories.consent(
        case, factories.organisation(), given_at=now - timedelta(days=3)
    )
    services.withdraw_consent(keyworker, withdrawn_lately.id, "Stop")
    new = factories.consent(case, factories.organisation(), given_at=now)
    since = (now - timedelta(days=1)).astimezone(UTC).isoformat().replace("+00:00", "Z")
    response = client.get(
        f"/api/v1/cases/{case.id}/consents", query_string={"updated_since": since}, headers=headers
    )
    ids = {item["id"] for item in response.json["items"]}
    assert ids == {str(new.id), str(withdrawn_lately.id)}
    assert str(old.id) not in ids


def test_withdrawing_takes_effect_at_once(client, headers, keyworker, case, org):
    consent = services.give_consent(
        keyworker, case.id, org.id, ["contact_details"], "verbal", "2026-04"
    )
    assert can_share(case.id, org.id, "contact_details") is True
    response = client.post(
        f"/api/v1/consents/{consent.id}/withdrawal",
        json={"reason": "The person asked us to stop", "version": 1},
        headers=headers,
    )
    assert response.status_code == 200, response.json
    assert can_share(case.id, org.id, "contact_details") is False
    data = response.json
    assert data["status"] == "withdrawn"
    assert data["withdrawal_reason"] == "The person asked us to stop"
    assert data["withdrawn_by_id"] == str(keyworker.id)
    assert data["version"] == 2
    assert parse(data["withdrawn_at"]) <= utcnow()
    listed = client.get(f"/api/v1/cases/{case.id}/consents", headers=headers).json
    assert listed["items"][0]["status"] == "withdrawn"  # kept, never deleted
    assert listed["total"] == 1


def test_withdrawing_without_a_version(client, headers, keyworker, case, org):
    consent = factories.consent(case, org)
    response = client.post(
        f"/api/v1/consents/{consent.id}/withdrawal", json={"reason": "Stop"}, headers=headers
    )
    assert response.status_code == 200
    assert response.json["status"] == "withdrawn"


def test_a_stale_version_gets_409_and_nothing_is_written(client, headers, case, org):
    consent = factories.consent(case, org)
    before = audit_count()
    response = client.post(
        f"/api/v1/consents/{consent.id}/withdrawal",
        json={"reason": "Stop", "version": 5},
        headers=headers,
    )
    assert problem(response, 409)["code"] == "stale_version"
    [unchanged] = stored(case)
    assert unchanged.withdrawn_at is None and unchanged.version == 1
    assert audit_count() == before
    assert can_share(case.id, org.id, "contact_details") is True


def test_withdrawing_twice_gets_409_already_withdrawn(client, headers, case, org):
    consent = factories.consent(case, org)
    path = f"/api/v1/consents/{consent.id}/withdrawal"
    assert client.post(path, json={"reason": "Stop"}, headers=headers).status_code == 200
    again = client.post(path, json={"reason": "Stop again"}, headers=headers)
    assert problem(again, 409)["code"] == "already_withdrawn"
    assert stored(case)[0].withdrawal_reason == "Stop"


def test_withdrawing_with_the_version_read_before_someone_else_withdrew(
    client, headers, keyworker, case, org
):
    consent = factories.consent(case, org)
    services.withdraw_consent(factories.user("supervisor"), consent.id, "By phone")
    response = client.post(
        f"/api/v1/consents/{consent.id}/withdrawal",
        json={"reason": "Stop", "version": 1},
        headers=headers,
    )
    assert problem(response, 409)["code"] == "stale_version"


def test_an_expired_consent_gets_409(client, headers, case, org):
    now = utcnow()
    consent = factories.consent(case, org, given_at=now - timedelta(days=5), expires_at=now)
    response = client.post(
        f"/api/v1/consents/{consent.id}/withdrawal", json={"reason": "Stop"}, headers=headers
    )
    assert problem(response, 409)["code"] == "consent_expired"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({}, "reason"),
        ({"reason": ""}, "reason"),
        ({"reason": "   "}, "reason"),
        ({"reason": "x" * 1001}, "reason"),
        ({"reason": "Stop", "version": "one"}, "version"),
        ({"reason": "Stop", "extra": True}, "extra"),
    ],
)
def test_bad_withdrawal_input_gets_422(client, headers, case, org, payload, field):
    consent = factories.consent(case, org)
    response = client.post(
        f"/api/v1/consents/{consent.id}/withdrawal", json=payload, headers=headers
    )
    assert field in problem(response, 422)["errors"]
    assert stored(case)[0].withdrawn_at is None


def test_unknown_ids_are_404(client, headers):
    assert client.get(f"/api/v1/cases/{uuid.uuid4()}/consents", headers=headers).status_code == 404
    response = client.post(
        f"/api/v1/consents/{uuid.uuid4()}/withdrawal", json={"reason": "Stop"}, headers=headers
    )
    assert problem(response, 404)


def test_the_openapi_document_describes_the_consent_endpoints(client):
    spec = client.get("/api/v1/openapi.json").json
    assert "post" in spec["paths"]["/api/v1/cases/{case_id}/consents"]
    assert "get" in spec["paths"]["/api/v1/cases/{case_id}/consents"]
    assert "post" in spec["paths"]["/api/v1/consents/{consent_id}/withdrawal"]
