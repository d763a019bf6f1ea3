"""The contract API as shared/API.md fixes it: POST /cases/{id}/contract and
GET /cases/{id}/conditions."""

from __future__ import annotations

import uuid
from datetime import UTC, date, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from app.auth.roles import Role
from app.auth.tokens import issue_token
from app.cases.models import CaseStatus
from app.contracts import variations
from app.contracts.models import Condition, Contract
from app.database import utcnow
from app.extensions import db
from tests import factories
from tests.helpers import api_headers

CONDITIONS = [
    {
        "type": "rehabilitative",
        "description": "Attend 4 sessions with a substance misuse service",
        "required_sessions": 4,
    },
    {
        "type": "restorative",
        "description": "Write a letter of apology to the victim",
        "due_date": "2026-11-30",
        "victim_relevant": True,
    },
]


def post_contract(client, case, headers, **body):
    payload = {"start_date": "2026-11-02", "conditions": CONDITIONS}
    payload.update(body)
    return client.post(f"/api/v1/cases/{case.id}/contract", json=payload, headers=headers)


def stored() -> tuple[int, int]:
    db.session.expire_all()
    return (
        db.session.scalar(select(func.count()).select_from(Contract)),
        db.session.scalar(select(func.count()).select_from(Condition)),
    )


@pytest.fixture(autouse=True)
def fixed_today(today):
    return today(date(2026, 11, 9))


def test_agreeing_a_contract(client, eligible_case, headers):
    response = post_contract(
        client, eligible_case, headers, agreed_on="2026-11-01", agreement_method="electronic"
    )
    assert response.status_code == 201, response.json
    body = response.json
    assert body["case_id"] == str(eligible_case.id)
    assert body["start_date"] == "2026-11-02"
    assert body["end_date"] == "2027-02-22"
    assert body["agreed_on"] == "2026-11-01"
    assert body["agreement_method"] == "electronic"
    assert body["case_status"] == "active"
    by_type = {c["type"]: c for c in body["conditions"]}
    assert set(by_type) == {"rehabilitative", "restorative"}
    rehab, apology = by_type["rehabilitative"], by_type["restorative"]
    assert rehab["id"] and apology["id"] and rehab["id"] != apology["id"]
    assert rehab["required_sessions"] == 4 and rehab["due_date"] is None
    assert rehab["victim_relevant"] is False
    assert apology["due_date"] == "2026-11-30" and apology["victim_relevant"] is True
    assert rehab["revision"] == 1
    assert rehab["status"] == "not_started"
    assert rehab["evidence"] == {"sessions_attended": 0, "required_sessions": 4, "items": []}

    db.session.expire_all()
    assert eligible_case.status == "active"
    listed = client.get(f"/api/v1/cases/{eligible_case.id}/conditions", headers=headers).json
    assert {c["id"] for c in listed["items"]} == {rehab["id"], apology["id"]}


def test_defaults_for_the_agreement(client, eligible_case, headers):
    body = post_contract(client, eligible_case, headers).json
    assert body["agreed_on"] == "2026-11-02"
    assert body["agreement_method"] == "signed"


@pytest.mark.parametrize(
    ("start", "end"),
    [("2026-10-01", "2027-01-21"), ("2028-01-15", "2028-05-06")],
    ids=["across-the-clock-change", "across-29-february"],
)
def test_end_date_across_the_clock_change_and_a_leap_day(
    client, keyworker, headers, today, start, end
):
    today(date.fromisoformat(start))
    case = factories.case(keyworker, offence_committed_on=date(2026, 9, 1))
    response = post_contract(client, case, headers, start_date=start, conditions=CONDITIONS[:1])
    assert response.status_code == 201, response.json
    assert response.json["end_date"] == end


@pytest.mark.parametrize(
    "status", ["ineligible", "active", "completed", "breached", "opted_out", "withdrawn"]
)
def test_only_an_eligible_or_allocated_case_gets_a_contract(client, keyworker, headers, status):
    case = factories.case(keyworker, status=status)
    response = post_contract(client, case, headers)
    assert response.status_code == 409
    assert response.mimetype == "application/problem+json"
    assert response.json["code"] == "invalid_state"
    assert stored() == (0, 0)


def test_a_second_contract_is_refused(client, eligible_case, headers):
    assert post_contract(client, eligible_case, headers).status_code == 201
    response = post_contract(client, eligible_case, headers)
    assert response.status_code == 409
    assert response.json["code"] == "contract_exists"
    assert stored() == (1, 2)


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"start_date": None}, {"start_date"}),
        ({"start_date": "2026-02-30"}, {"start_date"}),
        ({"start_date": "2026-09-01"}, {"start_date"}),
        ({"conditions": []}, {"conditions"}),
        ({"conditions": "none"}, {"conditions"}),
        ({"agreement_method": "telepathy"}, {"agreement_method"}),
        ({"agreed_on": "2026-12-25"}, {"agreed_on"}),
        ({"surprise": 1}, {"surprise"}),
        (
            {"conditions": [{"type": "punitive", "description": "x" * 2001}]},
            {"conditions.0.type", "conditions.0.description"},
        ),
        (
            {"conditions": [CONDITIONS[0], {"type": "restrictive"}]},
            {"conditions.1.description"},
        ),
        (
            {"conditions": [{**CONDITIONS[0], "required_sessions": 0}]},
            {"conditions.0.required_sessions"},
        ),
        (
            {"conditions": [{**CONDITIONS[0], "required_sessions": "4"}]},
            {"conditions.0.required_sessions"},
        ),
        (
            {"conditions": [{**CONDITIONS[0], "due_date": "2027-03-01"}]},
            {"conditions.0.due_date"},
        ),
        (
            {"conditions": [{**CONDITIONS[0], "description": "   "}]},
            {"conditions.0.description"},
        ),
        ({"conditions": [{**CONDITIONS[0], "extra": True}]}, {"conditions.0.extra"}),
    ],
)
def test_bad_input_gets_422_with_field_errors_and_nothing_is_written(
    client, eligible_case, headers, body, fields
):
    response = post_contract(client, eligible_case, headers, **body)
    assert response.status_code == 422, response.json
    assert response.mimetype == "application/problem+json"
    assert set(response.json["errors"]) == fields
    assert all(isinstance(m, list) and m for m in response.json["errors"].values())
    assert stored() == (0, 0)
    db.session.expire_all()
    assert eligible_case.status == CaseStatus.ELIGIBLE.value


def test_a_body_that_is_not_json_is_refused_without_a_500(client, eligible_case, headers):
    response = client.post(
        f"/api/v1/cases/{eligible_case.id}/contract",
        data="not json",
        headers={**headers, "Content-Type": "application/json"},
    )
    assert 400 <= response.status_code < 500


def test_another_keyworkers_case_and_a_missing_case_are_not_found(client, eligible_case):
    other = api_headers(issue_token(factories.user(Role.KEYWORKER), days=1).secret)
    assert post_contract(client, eligible_case, other).status_code == 404
    assert (
        client.get(f"/api/v1/cases/{eligible_case.id}/conditions", headers=other).status_code == 404
    )
    mine = api_headers(issue_token(eligible_case.keyworker, days=1).secret)
    assert post_contract(client, SimpleNamespace(id=uuid.uuid4()), mine).status_code == 404
    assert stored() == (0, 0)


def _vary(keyworker, condition_id, **changes):
    db.session.expire_all()  # the API changed the case in its own session
    return variations.vary_condition(
        keyworker, uuid.UUID(str(condition_id)), "Agreed at review", changes
    )


def test_the_conditions_list_shows_current_conditions_and_history_on_request(
    client, keyworker, eligible_case, headers
):
    body = post_contract(client, eligible_case, headers).json
    rehab = next(c for c in body["conditions"] if c["type"] == "rehabilitative")
    varied = _vary(keyworker, rehab["id"], required_sessions=6)

    current = client.get(f"/api/v1/cases/{eligible_case.id}/conditions", headers=headers)
    assert current.status_code == 200
    assert current.json["total"] == 2
    items = {c["id"]: c for c in current.json["items"]}
    assert rehab["id"] not in items
    assert items[str(varied.id)]["revision"] == 2
    assert items[str(varied.id)]["supersedes_id"] == rehab["id"]
    assert items[str(varied.id)]["evidence"] == {
        "sessions_attended": 0,
        "required_sessions": 6,
        "items": [],
    }

    everything = client.get(
        f"/api/v1/cases/{eligible_case.id}/conditions?include_superseded=true", headers=headers
    ).json
    assert everything["total"] == 3
    old = next(c for c in everything["items"] if c["id"] == rehab["id"])
    assert old["superseded_at"] is not None
    assert old["required_sessions"] == 4


def test_condition_statuses_in_the_list(client, keyworker, headers, today):
    case = factories.case(keyworker)
    factories.contract(
        case,
        start_date=date(2026, 7, 1),
        conditions=[
            {"type": "restorative", "description": "Letter", "due_date": date(2026, 8, 1)},
            {"type": "rehabilitative", "description": "Sessions", "required_sessions": 3},
        ],
    )
    today(date(2026, 8, 2))
    items = client.get(f"/api/v1/cases/{case.id}/conditions", headers=headers).json["items"]
    assert {c["type"]: c["status"] for c in items} == {
        "restorative": "not_met",
        "rehabilitative": "not_started",
    }


def test_a_case_without_a_contract_has_no_conditions(client, eligible_case, headers):
    response = client.get(f"/api/v1/cases/{eligible_case.id}/conditions", headers=headers)
    assert response.status_code == 200
    assert response.json["items"] == [] and response.json["total"] == 0


def test_the_list_is_paginated_and_filtered_by_update_time(client, keyworker, headers):
    case = factories.case(keyworker)
    contract = factories.contract(
        case,
        conditions=[{"type": "restrictive", "description": f"Rule {n}"} for n in range(5)],
    )
    url = f"/api/v1/cases/{case.id}/conditions"
    page = client.get(f"{url}?per_page=2&page=3", headers=headers).json
    assert page["total"] == 5 and len(page["items"]) == 1
    assert (page["page"], page["per_page"]) == (3, 2)

    since = utcnow()
    later = _vary(keyworker, contract.conditions[0].id, description="Rule changed")
    stamp = since.astimezone(UTC).isoformat().replace("+00:00", "Z")
    recent = client.get(url, query_string={"updated_since": stamp}, headers=headers).json
    assert [c["id"] for c in recent["items"]] == [str(later.id)]
    old = (since - timedelta(days=1)).isoformat()
    assert client.get(url, query_string={"updated_since": old}, headers=headers).json["total"] == 5


@pytest.mark.parametrize(
    "query", ["per_page=0", "per_page=201", "page=0", "page=x", "include_superseded=maybe"]
)
def test_bad_list_queries_get_422(client, eligible_case, headers, query):
    response = client.get(f"/api/v1/cases/{eligible_case.id}/conditions?{query}", headers=headers)
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"


def test_reading_conditions_is_audited(client, eligible_case, headers, keyworker):
    from app.audit.models import AuditEntry

    client.get(f"/api/v1/cases/{eligible_case.id}/conditions", headers=headers)
    db.session.expire_all()
    entry = db.session.scalar(
        select(AuditEntry).where(
            AuditEntry.action == "case.viewed", AuditEntry.object_id == str(eligible_case.id)
        )
    )
    assert entry.actor_id == keyworker.id
    assert entry.details == {"purpose": "condition_list"}


def test_the_openapi_document_describes_the_contract_endpoints(client):
    spec = client.get("/api/v1/openapi.json").json
    assert "post" in spec["paths"]["/api/v1/cases/{case_id}/contract"]
    assert "get" in spec["paths"]["/api/v1/cases/{case_id}/conditions"]
