"""The caseload's "Next action" agrees with the work queue: a case with a task waiting
never says "Nothing due", and says what the task is. The caseload and the queue are
worked out by the same rules (app.tasks.rules), for the keyworker and the team view."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.assessments.models import AssessmentStage
from app.auth.roles import Role
from app.database import utcnow
from app.dates import today_in_london
from app.evidence import services as evidence
from app.extensions import db
from app.outcomes import services as outcomes
from app.referrals.models import Referral
from app.referrals.services import post_update
from tests import factories
from tests.cases.test_caseload import row_for
from tests.evidence.support import past
from tests.referrals import support as referrals
from tests.tasks.support import CONFIRMED_REASON, api_queue, browser_for
from tests.victims.support import victim


def ready_case(keyworker, *, started_days_ago: int = 35, **fields):
    """Assessed, consented, with a contract: nothing due from the case's own steps."""
    case = factories.case(keyworker, **fields)
    factories.assessment(case)
    factories.consent(case)
    factories.contract(case, start_date=today_in_london() - timedelta(days=started_days_ago))
    db.session.refresh(case)
    return case


def referred(case, org):
    referrals.consent(case, org)
    db.session.refresh(case)
    return referrals.send(case, org, case.keyworker)


@pytest.fixture
def cases(app):
    """One case of the keyworker's for each kind of task the caseload names."""
    keyworker = factories.user(Role.KEYWORKER)
    supervisor = factories.user(Role.SUPERVISOR)
    org = referrals.organisation()
    partner = referrals.partner(org)
    made = {}

    made["concern_to_decide"] = case = ready_case(keyworker)
    referral = referred(case, org)
    missed = evidence.book_appointment(partner, referral.id, starts_at=past(), mode="phone")
    from app.evidence.attendance import AttendanceAnswer, record_attendance

    record_attendance(partner, missed.id, AttendanceAnswer(status="did_not_attend"))

    made["outcome_to_decide"] = case = ready_case(keyworker, started_days_ago=120)
    outcomes.submit_outcome(keyworker, case.id, "completed", CONFIRMED_REASON, confirmed=True)

    made["outcome_sent_back"] = case = ready_case(keyworker, started_days_ago=120)
    proposal = outcomes.submit_outcome(
        keyworker, case.id, "completed", CONFIRMED_REASON, confirmed=True
    ).proposal
    outcomes.send_back(supervisor, case.id, proposal.id, "The exit survey is missing")

    made["contract_ending"] = case = ready_case(keyworker, started_days_ago=102)
    factories.assessment(case, AssessmentStage.EXIT)

    made["acknowledgement_overdue"] = case = ready_case(keyworker)
    late = db.session.get(Referral, referred(case, org).id)
    late.acknowledge_by = today_in_london() - timedelta(days=2)
    db.session.commit()

    made["attendance_to_record"] = case = ready_case(keyworker)
    evidence.record_one_to_one(keyworker, case.id, starts_at=past(hours=1), mode="phone")

    made["partner_update_unread"] = case = ready_case(keyworker)
    post_update(partner, referred(case, org).id, "First session booked")

    made["victim_consultation_missing"] = case = ready_case(keyworker)
    victim(case)

    made["consent_expiring"] = case = ready_case(keyworker)
    factories.consent(case, expires_at=utcnow() + timedelta(days=20))
    return keyworker, supervisor, made


NEXT_ACTIONS = {
    "concern_to_decide": "Decide on the compliance concern",
    "outcome_to_decide": "Outcome proposed: awaiting a supervisor's decision",
    "outcome_sent_back": "Outcome sent back: propose it again",
    "contract_ending": "Propose the outcome: the contract ends soon",
    "acknowledgement_overdue": "Chase the partner: a referral is not acknowledged in time",
    "attendance_to_record": "Record attendance at a one-to-one",
    "partner_update_unread": "Read the partner's update",
    "victim_consultation_missing": "Record the victim's consultation",
    "consent_expiring": "Renew consent: it expires within 30 days",
}


@pytest.mark.parametrize("view", ["caseload", "team"])
def test_each_case_with_a_task_names_it_as_the_next_action(app, client, cases, view):
    keyworker, supervisor, made = cases
    browser = browser_for(app, keyworker if view == "caseload" else supervisor)
    page = browser.get("/cases/" if view == "caseload" else "/cases/team")
    for kind, case in made.items():
        row = row_for(page, case)
        assert "Nothing due" not in row, kind
        assert NEXT_ACTIONS[kind] in row, (kind, row)


def test_every_case_in_the_keyworkers_queue_has_a_next_action(app, client, cases):
    keyworker, supervisor, made = cases
    queue = api_queue(client, keyworker)
    informational = {"appointment_today", "appointment_this_week"}
    with_tasks = {item["case_id"] for item in queue["items"] if item["kind"] not in informational}
    page = browser_for(app, keyworker).get("/cases/")
    by_id = {str(case.id): case for case in made.values()}
    assert with_tasks <= set(by_id)
    for case_id in with_tasks:
        assert "Nothing due" not in row_for(page, by_id[case_id])
    # ... and the outcome awaiting approval is the supervisor's task.
    supervisors = api_queue(client, supervisor)["items"]
    [waiting] = [i for i in supervisors if i["kind"] == "outcome_to_decide"]
    assert waiting["case_id"] == str(made["outcome_to_decide"].id)


def test_once_done_the_next_action_moves_on(app, cases):
    from app.evidence import compliance
    from app.evidence.models import ComplianceConcern

    keyworker, _supervisor, made = cases
    case = made["concern_to_decide"]
    concern = db.session.scalar(
        db.select(ComplianceConcern).where(ComplianceConcern.case_id == case.id)
    )
    compliance.decide_concern(keyworker, concern.id, decision="no_action", reason="Was ill")
    row = row_for(browser_for(app, keyworker).get("/cases/"), case)
    assert "Decide on the compliance concern" not in row
    assert "Nothing due" in row
