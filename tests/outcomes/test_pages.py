"""The outcome pages as keyworkers, supervisors and administrators use them."""

from __future__ import annotations

import html
from datetime import UTC, date, datetime, timedelta

import pytest
from flask import render_template
from flask_login import login_user
from sqlalchemy import select

from app.assessments.models import AssessmentStage, NeedDomain, NeedLevel
from app.audit.models import AuditEntry
from app.auth.roles import Role
from app.cases.models import CaseStatus
from app.contracts.variations import vary_condition
from app.dates import today_in_london
from app.errors import AlreadyRecorded
from app.evidence.models import (
    Appointment,
    AttendanceRecord,
    ComplianceConcern,
    ComplianceDecision,
    ConditionEvidence,
)
from app.extensions import db
from app.outcomes import reads, services
from app.outcomes.models import ReoffendingCheck
from tests import factories
from tests.helpers import assert_redirects, post_form, sign_in
from tests.outcomes import support


def page(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def signed_in(app, user):
    client = app.test_client()
    sign_in(client, user)
    return client


def test_propose_then_approve_through_the_pages(app):
    world = support.active_case()
    keyworker = signed_in(app, world.keyworker)
    path = f"/cases/{world.case.id}/outcome/new"

    refused = post_form(keyworker, path, {"result": "breached", "reason": ""})
    assert refused.status_code == 400
    assert "Enter the reason for the breach" in page(refused)

    proposed = post_form(keyworker, path, {"result": "breached", "reason": "Missed three sessions"})
    assert_redirects(proposed, f"/cases/{world.case.id}")
    assert "Outcome proposed" in page(keyworker.get(proposed.headers["Location"]))

    supervisor = signed_in(app, world.supervisor)
    listing = page(supervisor.get("/outcomes/proposals"))
    assert world.case.crime_reference in listing
    assert world.case.person.full_name in listing
    proposal = services.pending_proposal(world.case.id)
    decide = f"/cases/{world.case.id}/outcome/proposals/{proposal.id}"
    shown = page(supervisor.get(decide))
    assert "Missed three sessions" in shown
    assert "Charge: the prosecution resumes" in shown

    approved = post_form(supervisor, decide, {"decision": "approve", "reason": ""})
    assert_redirects(approved, f"/cases/{world.case.id}")
    assert "Outcome recorded: breached" in page(supervisor.get(approved.headers["Location"]))
    assert "No outcome proposals are waiting" in page(supervisor.get("/outcomes/proposals"))
    assert "was approved by Sam Supervisor" in page(supervisor.get(decide))


def test_sending_back_needs_a_reason(app):
    world = support.active_case()
    proposal = services.submit_outcome(world.keyworker, world.case.id, "breached", "R").proposal
    supervisor = signed_in(app, world.supervisor)
    decide = f"/cases/{world.case.id}/outcome/proposals/{proposal.id}"
    refused = post_form(supervisor, decide, {"decision": "send_back", "reason": ""})
    assert refused.status_code == 400
    assert "Enter the reason for sending the proposal back" in page(refused)
    sent = post_form(supervisor, decide, {"decision": "send_back", "reason": "Talk first"})
    assert_redirects(sent, f"/cases/{world.case.id}")
    assert "sent back" in page(supervisor.get(decide))


def test_a_supervisor_completing_with_unmet_conditions_gives_a_reason(app):
    world = support.active_case(exit_steps_done=True)
    supervisor = signed_in(app, world.supervisor)
    path = f"/cases/{world.case.id}/outcome/new"
    form = page(supervisor.get(path))
    assert "2 conditions are not met" in form
    refused = post_form(supervisor, path, {"result": "completed", "reason": ""})
    assert refused.status_code == 400
    assert "some conditions are not met" in page(refused)
    done = post_form(supervisor, path, {"result": "completed", "reason": "Service closed"})
    assert_redirects(done, f"/cases/{world.case.id}")
    banner = page(supervisor.get(done.headers["Location"]))
    assert "Crime outcome 24" in banner


def test_the_outcome_form_is_not_offered_for_a_closed_case(app):
    keyworker = factories.user(Role.KEYWORKER)
    case = factories.case(keyworker, status=CaseStatus.COMPLETED)
    client = signed_in(app, keyworker)
    answer = client.get(f"/cases/{case.id}/outcome/new")
    assert_redirects(answer, f"/cases/{case.id}")


def test_the_case_panel_shows_the_outcome_and_its_date(app):
    world = support.active_case(date_of_birth=date(2010, 1, 1))
    services.submit_outcome(
        world.supervisor, world.case.id, "completed", "Closed early", confirmed=True
    )
    with app.test_request_context():
        login_user(world.keyworker)
        rendered = html.unescape(
            render_template(
                "outcomes/_case_panel.html",
                outcome_panel=reads.case_panel(world.keyworker, world.case),
            )
        )
    assert "Crime outcome 23 (deferred prosecution, child)" in rendered
    assert f"{today_in_london().day} {today_in_london():%B %Y}" in rendered
    assert "Record the person's ending survey" in rendered
    assert "Reoffending check due on" in rendered


def test_the_case_panel_offers_the_keyworker_a_proposal(app):
    world = support.active_case()
    with app.test_request_context():
        login_user(world.keyworker)
        rendered = render_template(
            "outcomes/_case_panel.html",
            outcome_panel=reads.case_panel(world.keyworker, world.case),
        )
    assert "Propose the outcome" in rendered
    assert "2 conditions are not met yet" in rendered


def _plant_evidence(world):
    condition = world.contract.current_conditions[0]
    varied = vary_condition(
        world.keyworker, condition.id, "Fewer sessions agreed", {"required_sessions": 3}
    )
    partner = factories.user(Role.PARTNER, name="Pat Partner")
    appointment = Appointment(
        case_id=world.case.id,
        starts_at=datetime.now(UTC) - timedelta(days=20),
        mode="in_person",
        location="PLANTED-VENUE",
        created_by_id=partner.id,
    )
    db.session.add(appointment)
    db.session.flush()
    first = AttendanceRecord(
        appointment_id=appointment.id,
        status="attended",
        recorded_by_id=partner.id,
        notes="PLANTED-FIRST-RECORD",
    )
    db.session.add(first)
    db.session.flush()
    correction = AttendanceRecord(
        appointment_id=appointment.id,
        status="did_not_attend",
        absence_reason="no_reason",
        acceptable_absence=False,
        recorded_by_id=partner.id,
        corrects_id=first.id,
        correction_reason="PLANTED-WRONG-PERSON",
        recorded_at=datetime.now(UTC) + timedelta(seconds=1),
    )
    db.session.add(correction)
    db.session.flush()
    concern = ComplianceConcern(
        case_id=world.case.id, attendance_id=correction.id, summary="PLANTED-MISSED"
    )
    db.session.add(concern)
    db.session.flush()
    db.session.add(
        ComplianceDecision(
            concern_id=concern.id,
            decision="proposed_breach",
            reason="PLANTED-THIRD-MISS",
            decided_by_id=world.keyworker.id,
        )
    )
    db.session.add(
        ConditionEvidence(
            condition_id=varied.id,
            note="PLANTED-KEYWORKER-NOTE",
            recorded_by_id=world.keyworker.id,
        )
    )
    db.session.commit()


@pytest.mark.parametrize("who", ["keyworker", "supervisor"])
def test_the_evidence_pack_holds_everything_recorded(app, who):
    world = support.active_case(started_days_ago=60)
    _plant_evidence(world)
    services.submit_outcome(world.keyworker, world.case.id, "breached", "PLANTED-PROPOSAL")
    reader = getattr(world, who)
    client = signed_in(app, reader)
    answer = client.get(f"/cases/{world.case.id}/evidence-pack")
    assert answer.status_code == 200
    text = page(answer)
    for planted in [
        "PLANTED-VENUE",
        "PLANTED-FIRST-RECORD",
        "PLANTED-WRONG-PERSON",
        "PLANTED-MISSED",
        "PLANTED-THIRD-MISS",
        "PLANTED-KEYWORKER-NOTE",
        "PLANTED-PROPOSAL",
        "Fewer sessions agreed",
        "Attend 4 sessions with a substance misuse service",
        "Pat Partner",
        "Kim Keyworker",
        world.case.crime_reference,
    ]:
        assert planted in text, planted
    assert "Correction" in text
    # Printed, the pack has no navigation.
    assert '<div class="govuk-!-display-none-print">' in answer.get_data(as_text=True)
    reads_audited = db.session.scalars(
        select(AuditEntry).where(
            AuditEntry.action == "case.viewed", AuditEntry.object_id == str(world.case.id)
        )
    ).all()
    assert any(e.details.get("purpose") == "breach_evidence_pack" for e in reads_audited)


def test_exit_planning_from_week_14(app):
    early = support.active_case(started_days_ago=20)
    client = signed_in(app, early.keyworker)
    text = page(client.get(f"/cases/{early.case.id}/exit-planning"))
    assert "Exit planning starts in week 14" in text

    due = support.active_case(started_days_ago=7 * 13 + 1)  # week 14
    factories.assessment(due.case, AssessmentStage.INITIAL)
    client = signed_in(app, due.keyworker)
    text = page(client.get(f"/cases/{due.case.id}/exit-planning"))
    assert "Record the exit assessment" in text
    assert f"/cases/{due.case.id}/assessments/exit/new" in text

    factories.assessment(
        due.case,
        AssessmentStage.EXIT,
        {NeedDomain.ACCOMMODATION: NeedLevel.NO_NEED},
    )
    text = page(client.get(f"/cases/{due.case.id}/exit-planning"))
    assert "Distance travelled" in text
    assert "Reduced by 1" in text
    assert "Record the exit assessment" not in text


def test_the_ending_survey_at_the_exit_meeting_or_once_completed(app):
    early = support.active_case(conditions=[], started_days_ago=40)  # week 6
    client = signed_in(app, early.keyworker)
    assert "from week 14 of the contract" in page(
        client.get(f"/cases/{early.case.id}/ending-survey")
    )
    world = support.active_case(conditions=[])
    client = signed_in(app, world.keyworker)
    path = f"/cases/{world.case.id}/ending-survey"
    services.submit_outcome(world.supervisor, world.case.id, "completed", "Closed", confirmed=True)
    refused = post_form(client, path, {"satisfaction": "4"})
    assert refused.status_code == 400
    assert "police act fairly" in page(refused)
    done = post_form(client, path, {"satisfaction": "4", "police_legitimacy": "5"})
    assert_redirects(done, f"/cases/{world.case.id}")
    text = page(client.get(path))
    assert "4: Satisfied" in text
    assert "5: Strongly agree" in text


def _check(case_status=CaseStatus.COMPLETED, days_overdue=1, checked=False):
    case = factories.case(status=case_status)
    check = ReoffendingCheck(
        case_id=case.id, due_on=today_in_london() - timedelta(days=days_overdue)
    )
    if checked:
        check.checked_at = datetime.now(UTC)
        check.reoffended = False
    db.session.add(check)
    db.session.commit()
    return check


def test_the_administrators_task_list(app):
    due = _check()
    not_yet = _check(days_overdue=-10)
    done = _check(checked=True)
    admin = signed_in(app, factories.user(Role.ADMIN))
    text = page(admin.get("/reoffending-checks"))
    assert due.case.crime_reference in text
    assert not_yet.case.crime_reference not in text
    assert done.case.crime_reference not in text

    path = f"/reoffending-checks/{due.id}"
    refused = post_form(admin, path, {"reoffended": "yes"})
    assert refused.status_code == 400
    assert "Enter the date of the offence" in page(refused)
    assert "Enter the offence" in page(refused)
    offence_day = today_in_london() - timedelta(days=30)
    recorded = post_form(
        admin,
        path,
        {
            "reoffended": "yes",
            "reoffence_date": [str(offence_day.day), str(offence_day.month), str(offence_day.year)],
            "reoffence": "Shoplifting, CR/123/27",
        },
    )
    assert_redirects(recorded, "/reoffending-checks")
    assert due.case.crime_reference not in page(admin.get("/reoffending-checks"))
    assert "Shoplifting, CR/123/27" in page(admin.get(path))

    early = post_form(admin, f"/reoffending-checks/{not_yet.id}", {"reoffended": "no"})
    assert_redirects(early, "/reoffending-checks")
    db.session.refresh(not_yet)
    assert not_yet.checked_at is None


def test_list_pages_keep_a_flat_query_count(app, count_queries):
    supervisor = factories.user(Role.SUPERVISOR)
    admin = factories.user(Role.ADMIN)
    sup_client, admin_client = signed_in(app, supervisor), signed_in(app, admin)

    def counts():
        with count_queries() as proposals:
            assert sup_client.get("/outcomes/proposals").status_code == 200
        with count_queries() as checks:
            assert admin_client.get("/reoffending-checks").status_code == 200
        return proposals.count, checks.count

    def add_rows(n):
        for _ in range(n):
            world = support.active_case()
            services.submit_outcome(world.keyworker, world.case.id, "breached", "R")
            _check()

    add_rows(1)
    few = counts()
    add_rows(4)
    assert counts() == few


def test_a_pending_proposal_is_decided_by_another_supervisor_only(app):
    world = support.active_case()
    services.submit_outcome(world.keyworker, world.case.id, "breached", "Missed sessions")
    proposal = services.pending_proposal(world.case.id)
    decide = f"/cases/{world.case.id}/outcome/proposals/{proposal.id}"
    new = f"/cases/{world.case.id}/outcome/new"

    other = signed_in(app, world.supervisor)
    assert other.get(new).headers["Location"] == decide
    assert 'data-testid="own-proposal"' not in page(other.get(decide))

    world.keyworker.role = Role.SUPERVISOR.value  # promoted while the proposal waits
    db.session.commit()
    own = signed_in(app, world.keyworker)
    answer = own.get(new)
    assert answer.headers["Location"] == f"/cases/{world.case.id}"
    assert "An outcome proposal is already waiting for a supervisor" in page(
        own.get(answer.headers["Location"])
    )
    assert 'data-testid="own-proposal"' in page(own.get(decide))
    assert services.may_decide(world.supervisor, proposal)
    assert not services.may_decide(world.keyworker, proposal)


def test_the_ending_survey_is_refused_before_the_exit_meeting_and_after_it_is_recorded(app):
    from app.outcomes import followup

    answer = {"satisfaction": "4", "police_legitimacy": "5"}
    week_6 = support.active_case(conditions=[], started_days_ago=40)
    client = signed_in(app, week_6.keyworker)
    early = post_form(client, f"/cases/{week_6.case.id}/ending-survey", answer)
    assert_redirects(early, f"/cases/{week_6.case.id}")
    assert "from week 14 of the contract, or once the case has been completed" in page(
        client.get(early.headers["Location"])
    )
    with pytest.raises(followup.InvalidState):
        followup.record_person_survey(
            week_6.keyworker, week_6.case.id, satisfaction=4, police_legitimacy=5
        )

    world = support.active_case(conditions=[])
    client = signed_in(app, world.keyworker)
    path = f"/cases/{world.case.id}/ending-survey"
    services.submit_outcome(world.supervisor, world.case.id, "completed", "Closed", confirmed=True)
    assert_redirects(post_form(client, path, answer), f"/cases/{world.case.id}")
    again = post_form(client, path, answer)
    assert_redirects(again, f"/cases/{world.case.id}")
    assert "The person's ending survey has already been recorded" in page(
        client.get(again.headers["Location"])
    )
    with pytest.raises(AlreadyRecorded):
        followup.record_person_survey(
            world.keyworker, world.case.id, satisfaction=4, police_legitimacy=5
        )


def test_a_check_not_yet_due_shows_when_it_is_due_and_cannot_be_recorded(app):
    from app.errors import InvalidState
    from app.outcomes import checks

    admin = factories.user(Role.ADMIN)
    not_yet, due = _check(days_overdue=-10), _check(days_overdue=0)

    client = signed_in(app, admin)
    assert 'data-testid="check-not-due"' in page(client.get(f"/reoffending-checks/{not_yet.id}"))
    assert 'data-testid="check-not-due"' not in page(client.get(f"/reoffending-checks/{due.id}"))
    with pytest.raises(InvalidState, match="not due until"):
        checks.record_check(admin, not_yet.id, checks.Result(reoffended=False))
    done = checks.record_check(admin, due.id, checks.Result(reoffended=False))
    assert done.checked_at is not None
