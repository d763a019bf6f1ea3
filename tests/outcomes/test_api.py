"""POST /api/v1/cases/{id}/outcome and friends, as a partner or force system sees them."""

from __future__ import annotations

from datetime import date

import pytest

from app.auth.roles import Role
from app.extensions import db
from tests.outcomes import support


def post(client, case, user, **body):
    return client.post(
        f"/api/v1/cases/{case.id}/outcome", json=body, headers=support.headers_for(user)
    )


def test_a_keyworker_proposes_and_a_supervisor_approves(client, app):
    world = support.active_case()
    proposed = post(client, world.case, world.keyworker, result="breached", reason="Missed 3")
    assert proposed.status_code == 200
    body = proposed.json
    assert body["status"] == "active"
    assert body["outcome_code"] is None
    assert body["proposal"]["state"] == "pending"
    assert body["proposal"]["result"] == "breached"
    assert body["proposal"]["reason"] == "Missed 3"
    assert body["proposal"]["proposed_by"] == str(world.keyworker.id)
    assert body["proposal"]["proposed_at"].endswith("Z")

    again = post(client, world.case, world.keyworker, result="opted_out", reason="Court")
    assert (again.status_code, again.json["code"]) == (409, "proposal_pending")

    differs = post(client, world.case, world.supervisor, result="opted_out", reason="Court")
    assert (differs.status_code, differs.json["code"]) == (409, "proposal_differs")

    decided = post(client, world.case, world.supervisor, result="breached")
    assert decided.status_code == 200
    assert decided.json["status"] == "breached"
    assert decided.json["outcome_code"] == "charge"
    assert decided.json["proposal"]["state"] == "approved"
    assert decided.json["proposal"]["id"] == body["proposal"]["id"]

    closed = post(client, world.case, world.supervisor, result="opted_out", reason="Court")
    assert (closed.status_code, closed.json["code"]) == (409, "invalid_state")

    read = client.get(
        f"/api/v1/cases/{world.case.id}/outcome", headers=support.headers_for(world.keyworker)
    )
    assert read.json["outcome_code"] == "charge"
    assert read.json["outcome_decided_at"].endswith("Z")
    assert [p["state"] for p in read.json["proposals"]] == ["approved"]


@pytest.mark.parametrize(
    ("date_of_birth", "code"), [(date(1990, 5, 17), "24"), (date(2010, 3, 3), "23")]
)
def test_a_completed_case_gets_24_for_an_adult_and_23_for_a_child(client, app, date_of_birth, code):
    world = support.active_case(conditions=[], date_of_birth=date_of_birth, exit_steps_done=True)
    answer = post(client, world.case, world.supervisor, result="completed")
    assert answer.status_code == 200
    assert (answer.json["status"], answer.json["outcome_code"]) == ("completed", code)


def test_opt_out_is_charge(client, app):
    world = support.active_case()
    answer = post(client, world.case, world.supervisor, result="opted_out", reason="Court")
    assert (answer.json["status"], answer.json["outcome_code"]) == ("opted_out", "charge")


def test_completion_with_unmet_conditions_needs_a_reason(client, app):
    world = support.active_case(exit_steps_done=True)
    refused = post(client, world.case, world.supervisor, result="completed")
    assert refused.status_code == 422
    assert refused.json["code"] == "reason_required"
    assert list(refused.json["errors"]) == ["reason"]
    accepted = post(
        client, world.case, world.supervisor, result="completed", reason="Service closed early"
    )
    assert accepted.json["outcome_code"] == "24"


def test_nobody_approves_their_own_proposal(client, app):
    world = support.active_case()
    post(client, world.case, world.keyworker, result="breached", reason="Missed")
    world.keyworker.role = Role.SUPERVISOR.value
    db.session.commit()
    answer = post(client, world.case, world.keyworker, result="breached")
    assert answer.status_code == 403
    assert answer.mimetype == "application/problem+json"


def test_send_back(client, app):
    world = support.active_case()
    proposal = post(client, world.case, world.keyworker, result="breached", reason="Missed")
    pid = proposal.json["proposal"]["id"]
    path = f"/api/v1/cases/{world.case.id}/outcome/proposals/{pid}/send-back"
    headers = support.headers_for(world.supervisor)
    sent = client.post(path, json={"reason": "Speak to them first"}, headers=headers)
    assert sent.status_code == 200
    assert sent.json["proposal"]["state"] == "sent_back"
    assert sent.json["proposal"]["decision_reason"] == "Speak to them first"
    assert sent.json["status"] == "active"
    twice = client.post(path, json={"reason": "Again"}, headers=headers)
    assert (twice.status_code, twice.json["code"]) == (409, "proposal_not_pending")


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"result": "acquitted"},
        {"result": "breached", "reason": "R", "colour": "blue"},
        {"result": "breached", "reason": 7},
        {"result": "breached", "reason": "R", "version": "one"},
    ],
)
def test_bad_input_is_422(client, app, body):
    world = support.active_case()
    answer = post(client, world.case, world.supervisor, **body)
    assert answer.status_code == 422
    assert answer.mimetype == "application/problem+json"


def test_a_stale_version_is_409(client, app):
    world = support.active_case()
    version = world.case.version
    post(client, world.case, world.supervisor, result="opted_out", reason="Court")
    other = support.active_case()
    answer = post(
        client, other.case, other.supervisor, result="opted_out", reason="C", version=version - 1
    )
    assert (answer.status_code, answer.json["code"]) == (409, "stale_version")


def test_the_openapi_document_describes_the_outcome(client, app):
    spec = client.get("/api/v1/openapi.json").json
    operation = spec["paths"]["/api/v1/cases/{case_id}/outcome"]["post"]
    assert {"200", "403", "404", "409", "422"} <= set(operation["responses"])
