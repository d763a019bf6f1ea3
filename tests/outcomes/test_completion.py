"""Completing a case before the contract's end date, or without the exit needs assessment
and the person's ending survey: the page warns and asks for confirmation, the reason is
recorded, and the API holds the same rule (422 confirmation_required)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.cases.models import CaseStatus
from app.dates import today_in_london
from app.evidence.models import ComplianceConcern, ComplianceDecision, ConditionEvidence
from app.extensions import db
from app.outcomes import services
from app.outcomes.completion import ConfirmationRequired
from app.outcomes.followup import person_survey
from app.text import long_date
from tests.dom import parse
from tests.helpers import assert_redirects, post_form, sign_in
from tests.outcomes import support


def early_world(**fields):
    """Week 15 of 16: the contract ends in 14 days; nothing of the exit done yet."""
    return support.active_case(started_days_ago=98, conditions=[], **fields)


def warning_texts(world) -> list[str]:
    return [
        f"The contract does not end until {long_date(world.contract.end_date)}",
        "The exit needs assessment has not been recorded",
        "The person's ending survey has not been recorded",
    ]


def audit_details(action: str) -> dict:
    db.session.expire_all()
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)).one()
    return entry.details


@pytest.mark.parametrize("who", ["keyworker", "supervisor"])
def test_an_early_completion_is_refused_until_confirmed_with_a_reason(app, who):
    world = early_world()
    with pytest.raises(ConfirmationRequired) as refused:
        services.submit_outcome(getattr(world, who), world.case.id, "completed")
    assert refused.value.code == "confirmation_required"
    assert refused.value.errors == {
        "confirmed": "Confirm that the case should be completed now: the contract does not end "
        f"until {long_date(world.contract.end_date)}; the exit needs assessment has not been "
        "recorded; the person's ending survey has not been recorded",
        "reason": "Enter the reason for completing the case now",
    }
    with pytest.raises(ConfirmationRequired) as no_reason:
        services.submit_outcome(getattr(world, who), world.case.id, "completed", confirmed=True)
    assert set(no_reason.value.errors) == {"reason"}

    done = services.submit_outcome(
        getattr(world, who), world.case.id, "completed", "Moving away", confirmed=True
    )
    assert done.proposal.reason == "Moving away"
    action = "outcome.proposed" if who == "keyworker" else "outcome.decided"
    assert audit_details(action)["confirmed_warnings"] == [
        "before_end_date",
        "no_exit_assessment",
        "no_ending_survey",
    ]


def test_a_completion_after_the_end_with_the_exit_steps_needs_no_confirmation(app):
    world = support.active_case(started_days_ago=112, conditions=[], exit_steps_done=True)
    services.submit_outcome(world.keyworker, world.case.id, "completed")
    assert services.pending_proposal(world.case.id) is not None


def test_the_supervisor_approves_a_confirmed_proposal_without_confirming_again(app):
    world = early_world()
    services.submit_outcome(
        world.keyworker, world.case.id, "completed", "Moving away", confirmed=True
    )
    services.submit_outcome(world.supervisor, world.case.id, "completed")
    assert world.case.status == CaseStatus.COMPLETED


def test_breach_and_opt_out_need_no_confirmation(app):
    world = early_world()
    services.submit_outcome(world.keyworker, world.case.id, "breached", "Missed sessions")
    assert services.pending_proposal(world.case.id).result == "breached"


# The page --------------------------------------------------------------------------------


def test_the_page_warns_and_asks_for_confirmation(app):
    world = early_world()
    client = app.test_client()
    sign_in(client, world.keyworker)
    path = f"/cases/{world.case.id}/outcome/new"
    doc = parse(client.get(path))
    warnings = doc.by_test_id("completion-warnings")
    assert [li.text for li in warnings.find_all("li")] == warning_texts(world)
    assert doc.label_for("confirmed") == "Complete the case now, despite the warnings above"

    refused = parse(post_form(client, path, {"result": "completed", "reason": ""}))
    assert refused.field_error("confirmed").startswith(
        "Confirm that the case should be completed now: the contract does not end until"
    )
    assert refused.field_error("reason") == "Enter the reason for completing the case now"
    assert services.pending_proposal(world.case.id) is None

    done = post_form(
        client, path, {"result": "completed", "reason": "Moving away", "confirmed": "y"}
    )
    assert_redirects(done, f"/cases/{world.case.id}")
    assert services.pending_proposal(world.case.id).reason == "Moving away"


def test_no_warning_when_there_is_nothing_to_warn_about(app):
    world = support.active_case(started_days_ago=112, conditions=[], exit_steps_done=True)
    client = app.test_client()
    sign_in(client, world.keyworker)
    doc = parse(client.get(f"/cases/{world.case.id}/outcome/new"))
    assert doc.find(data_testid="completion-warnings") is None


# The API ---------------------------------------------------------------------------------


def test_the_api_holds_the_same_rule(client, app):
    world = early_world()
    path = f"/api/v1/cases/{world.case.id}/outcome"
    headers = support.headers_for(world.keyworker)
    refused = client.post(path, json={"result": "completed"}, headers=headers)
    assert refused.status_code == 422
    assert refused.json["code"] == "confirmation_required"
    assert set(refused.json["errors"]) == {"confirmed", "reason"}
    accepted = client.post(
        path,
        json={"result": "completed", "reason": "Moving away", "confirmed": True},
        headers=headers,
    )
    assert accepted.status_code == 200
    assert accepted.json["proposal"]["reason"] == "Moving away"


# The ending survey can be taken at the exit meeting ---------------------------------------


def test_the_ending_survey_is_taken_from_week_14(app):
    world = early_world()  # week 15, active
    client = app.test_client()
    sign_in(client, world.keyworker)
    path = f"/cases/{world.case.id}/ending-survey"
    answer = post_form(client, path, {"satisfaction": "4", "police_legitimacy": "4"})
    assert_redirects(answer, f"/cases/{world.case.id}")
    assert person_survey(world.case.id) is not None
    assert world.contract.start_date + timedelta(weeks=13) <= today_in_london()


# The supervisor decides with the evidence in front of them ---------------------------------


def test_the_decision_page_shows_the_evidence(app):
    world = support.active_case(started_days_ago=98)  # week 15 of 16
    rehab, apology = world.contract.current_conditions
    db.session.add(
        ConditionEvidence(
            condition_id=apology.id,
            note="Letter of apology received",
            marks_met=True,
            recorded_by_id=world.keyworker.id,
        )
    )
    concern = ComplianceConcern(case_id=world.case.id, summary="Missed a session on 3 March")
    db.session.add(concern)
    db.session.flush()
    db.session.add(
        ComplianceDecision(
            concern_id=concern.id,
            decision="warning",
            reason="Warned by phone",
            decided_by_id=world.keyworker.id,
        )
    )
    db.session.commit()
    proposal = services.submit_outcome(
        world.keyworker, world.case.id, "completed", "Moving away", confirmed=True
    ).proposal

    client = app.test_client()
    sign_in(client, world.supervisor)
    doc = parse(client.get(f"/cases/{world.case.id}/outcome/proposals/{proposal.id}"))

    assert doc.by_test_id("contract-week").summary_value("Contract").text == "In week 15 of 16"
    rows = doc.table_rows(doc.by_test_id("decision-conditions"))
    assert [row[:2] for row in rows] == [
        ["Rehabilitative: Attend 4 sessions with a substance misuse service", "Not started"],
        ["Restorative: Write a letter of apology to the victim", "Met"],
    ]
    assert rows[0][2].startswith("0 of 4 sessions attended. No evidence recorded.")
    assert rows[1][2].startswith("No sessions required. 1 piece of evidence; the latest on ")
    assert "Keyworker, marked as met: Letter of apology received" in rows[1][2]
    concerns = doc.by_test_id("decision-concerns")
    assert "Missed a session on 3 March" in concerns.text
    assert "Warning given by Kim Keyworker" in concerns.text
    assert "Warned by phone" in concerns.text
    assert [li.text for li in doc.by_test_id("missing-exit-steps").find_all("li")] == [
        "The exit needs assessment has not been recorded",
        "The person's ending survey has not been recorded",
    ]
