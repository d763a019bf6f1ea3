"""Supervisors allocate and reallocate cases: history kept, reasons audited."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from app.auth.roles import Role
from app.cases import services
from app.cases.models import CaseAllocation, CaseEvent, CaseStatus
from app.errors import Conflict
from app.extensions import db
from tests import factories
from tests.cases.support import audit_entries, browser_for, headers_for, text
from tests.helpers import assert_redirects, post_form


def history(case) -> list[tuple]:
    db.session.expire_all()
    return [
        (a.keyworker_id, a.reason)
        for a in db.session.scalars(
            select(CaseAllocation)
            .where(CaseAllocation.case_id == case.id)
            .order_by(CaseAllocation.allocated_at, CaseAllocation.id)
        )
    ]


def reload(case):
    db.session.expire_all()
    db.session.refresh(case)
    return case


def events(case) -> list[str]:
    return list(
        db.session.scalars(
            select(CaseEvent.kind).where(CaseEvent.case_id == case.id).order_by(CaseEvent.id)
        )
    )


def test_a_supervisor_allocates_an_eligible_case(supervisor, supervisor_client, keyworker):
    case = factories.case(keyworker=False)
    path = f"/cases/{case.id}/allocation"
    page = text(supervisor_client.get(path))
    assert "Allocate the case of" in page
    assert "Kim Keyworker" in page
    response = post_form(supervisor_client, path, {"keyworker_id": str(keyworker.id), "reason": ""})
    assert_redirects(response, f"/cases/{case.id}")
    case = reload(case)
    assert case.keyworker_id == keyworker.id
    assert case.status == CaseStatus.ALLOCATED
    assert history(case) == [(keyworker.id, None)]
    [entry] = audit_entries("case.allocated", case.id)
    assert entry.actor_id == supervisor.id
    assert entry.details == {"keyworker_id": str(keyworker.id), "previous_keyworker_id": None}
    assert events(case) == ["case.allocated"]
    assert "Case allocated" in text(supervisor_client.get(response.headers["Location"]))


def test_reallocation_needs_a_reason_keeps_history_and_moves_the_case(app, supervisor_client):
    first = factories.user(Role.KEYWORKER, name="First Keyworker")
    second = factories.user(Role.KEYWORKER, name="Second Keyworker")
    case = factories.case(keyworker=False)
    path = f"/cases/{case.id}/allocation"
    allocated = post_form(supervisor_client, path, {"keyworker_id": str(first.id)})
    assert_redirects(allocated, f"/cases/{case.id}")

    refused = post_form(supervisor_client, path, {"keyworker_id": str(second.id), "reason": " "})
    assert refused.status_code == 400
    assert "Enter the reason for reallocating the case" in text(refused)
    assert reload(case).keyworker_id == first.id

    moved = post_form(
        supervisor_client, path, {"keyworker_id": str(second.id), "reason": "First is on leave"}
    )
    assert_redirects(moved, f"/cases/{case.id}")
    case = reload(case)
    assert case.keyworker_id == second.id
    assert case.status == CaseStatus.ALLOCATED
    assert history(case) == [(first.id, None), (second.id, "First is on leave")]
    [entry] = audit_entries("case.reallocated", case.id)
    assert entry.reason == "First is on leave"
    assert entry.details["previous_keyworker_id"] == str(first.id)
    page = text(supervisor_client.get(f"/cases/{case.id}"))
    assert "Reallocated from First Keyworker to Second Keyworker" in page
    assert "First is on leave" in page  # the allocation history

    assert browser_for(app, first).get(f"/cases/{case.id}").status_code == 404
    assert browser_for(app, second).get(f"/cases/{case.id}").status_code == 200


def test_an_active_case_stays_active_when_reallocated(app, supervisor):
    owner = factories.user(Role.KEYWORKER)
    case = factories.case(owner)
    factories.contract(case)
    other = factories.user(Role.KEYWORKER)
    response = app.test_client().post(
        f"/api/v1/cases/{case.id}/allocation",
        json={"keyworker_id": str(other.id), "reason": "Caseload balance"},
        headers=headers_for(supervisor),
    )
    assert response.status_code == 200
    assert response.json["status"] == "active"
    assert response.json["keyworker_id"] == str(other.id)


@pytest.mark.parametrize("target", ["supervisor", "inactive", "unknown", "partner", "same"])
def test_only_an_active_other_keyworker_can_be_chosen(app, supervisor, supervisor_client, target):
    owner = factories.user(Role.KEYWORKER)
    case = factories.case(owner)
    keyworker_id = {
        "supervisor": lambda: supervisor.id,
        "inactive": lambda: factories.user(Role.KEYWORKER, active=False).id,
        "unknown": uuid.uuid4,
        "partner": lambda: factories.user(Role.PARTNER).id,
        "same": lambda: owner.id,
    }[target]()
    body = {"keyworker_id": str(keyworker_id), "reason": "Balance the caseloads"}
    page = post_form(supervisor_client, f"/cases/{case.id}/allocation", body)
    assert page.status_code == 400
    api = app.test_client().post(
        f"/api/v1/cases/{case.id}/allocation", json=body, headers=headers_for(supervisor)
    )
    assert api.status_code == 422
    assert list(api.json["errors"]) == ["keyworker_id"]
    assert reload(case).keyworker_id == owner.id
    assert audit_entries("case.reallocated") == []


def test_an_ineligible_case_cannot_be_allocated(app, supervisor, supervisor_client, keyworker):
    case = factories.case(keyworker=False, status=CaseStatus.INELIGIBLE)
    path = f"/cases/{case.id}/allocation"
    assert "it cannot be allocated" in text(supervisor_client.get(path))
    page = post_form(supervisor_client, path, {"keyworker_id": str(keyworker.id)})
    assert page.status_code == 409
    api = app.test_client().post(
        f"/api/v1/cases/{case.id}/allocation",
        json={"keyworker_id": str(keyworker.id)},
        headers=headers_for(supervisor),
    )
    assert api.status_code == 409
    assert api.json["code"] == "conflict"
    assert reload(case).keyworker_id is None
    assert history(case) == []


@pytest.mark.parametrize("status", ["completed", "breached", "opted_out", "withdrawn"])
def test_a_closed_case_cannot_be_allocated(supervisor, supervisor_client, keyworker, status):
    case = factories.case(keyworker=False, status=status)
    path = f"/cases/{case.id}/allocation"
    assert "This case is closed, so it cannot be allocated" in text(supervisor_client.get(path))
    with pytest.raises(Conflict, match="This case is closed, so it cannot be allocated"):
        services.allocate(supervisor, case.id, keyworker.id)
    assert reload(case).keyworker_id is None


def test_the_api_allocates_with_the_version_read(app, supervisor, keyworker):
    case = factories.case(keyworker=False)
    client = app.test_client()
    headers = headers_for(supervisor)
    read = client.get(f"/api/v1/cases/{case.id}", headers=headers).json
    stale = client.post(
        f"/api/v1/cases/{case.id}/allocation",
        json={"keyworker_id": str(keyworker.id), "version": read["version"] + 1},
        headers=headers,
    )
    assert stale.status_code == 409
    assert stale.json["code"] == "stale_version"
    assert reload(case).keyworker_id is None
    done = client.post(
        f"/api/v1/cases/{case.id}/allocation",
        json={"keyworker_id": str(keyworker.id), "version": read["version"]},
        headers=headers,
    )
    assert done.status_code == 200
    assert done.json["status"] == "allocated"
    assert done.json["version"] > read["version"]


@pytest.mark.parametrize("body", [{}, {"keyworker_id": "not-a-uuid"}, {"keyworker_id": None}])
def test_bad_allocation_bodies_get_422(app, supervisor, body):
    case = factories.case(keyworker=False)
    response = app.test_client().post(
        f"/api/v1/cases/{case.id}/allocation", json=body, headers=headers_for(supervisor)
    )
    assert response.status_code == 422
    assert "keyworker_id" in response.json["errors"]


def test_keyworkers_cannot_allocate(app, keyworker, keyworker_client):
    case = factories.case(keyworker)
    other = factories.user(Role.KEYWORKER)
    assert keyworker_client.get(f"/cases/{case.id}/allocation").status_code == 403
    response = app.test_client().post(
        f"/api/v1/cases/{case.id}/allocation",
        json={"keyworker_id": str(other.id), "reason": "Mine now"},
        headers=headers_for(keyworker),
    )
    assert response.status_code == 403
    assert reload(case).keyworker_id == keyworker.id


def test_allocating_an_unknown_case_is_not_found(app, supervisor, keyworker):
    response = app.test_client().post(
        f"/api/v1/cases/{uuid.uuid4()}/allocation",
        json={"keyworker_id": str(keyworker.id)},
        headers=headers_for(supervisor),
    )
    assert response.status_code == 404
