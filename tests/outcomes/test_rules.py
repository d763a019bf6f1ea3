"""The outcome rules: who proposes and who decides, the reasons needed, the states an
outcome is open to, and the crime outcome code by age."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app.auth.roles import Role
from app.cases.models import CaseEvent, CaseStatus
from app.dates import today_in_london
from app.errors import Forbidden, InvalidInput, InvalidState, NotFound, StaleVersion
from app.extensions import db
from app.notifications.models import Notification
from app.outcomes import services
from app.outcomes.codes import crime_outcome
from app.outcomes.models import ReoffendingCheck
from app.victims.due import is_key_decision
from tests import factories
from tests.outcomes import support


def events(case) -> list[str]:
    return list(
        db.session.scalars(
            select(CaseEvent.kind).where(CaseEvent.case_id == case.id).order_by(CaseEvent.id)
        )
    )


def notifications_to(user) -> list[Notification]:
    return list(
        db.session.scalars(select(Notification).where(Notification.recipient_id == user.id))
    )


def test_a_keyworker_proposes_and_the_case_waits(app):
    world = support.active_case()
    submission = services.submit_outcome(world.keyworker, world.case.id, "breached", "Missed 3")
    assert submission.decided is False
    assert submission.proposal.decision is None
    assert world.case.status == CaseStatus.ACTIVE
    assert world.case.outcome_code is None
    assert "case.outcome_proposed" in events(world.case)
    assert [n.kind for n in notifications_to(world.supervisor)] == ["outcome.proposed"]
    assert world.case.person.family_name not in notifications_to(world.supervisor)[0].body


def test_a_second_proposal_waits_for_the_first(app):
    world = support.active_case()
    services.submit_outcome(world.keyworker, world.case.id, "breached", "Missed sessions")
    with pytest.raises(services.ProposalPending):
        services.submit_outcome(world.keyworker, world.case.id, "opted_out", "Chose court")


def test_a_supervisor_approves_another_users_proposal(app):
    world = support.active_case()
    proposal = services.submit_outcome(
        world.keyworker, world.case.id, "breached", "Missed sessions"
    ).proposal
    decided = services.submit_outcome(world.supervisor, world.case.id, "breached")
    assert decided.decided and decided.proposal.id == proposal.id
    assert world.case.status == CaseStatus.BREACHED
    assert world.case.outcome_code == "charge"
    assert world.case.outcome_decided_at is not None
    assert proposal.decided_by_id == world.supervisor.id
    assert "case.outcome_decided" in events(world.case)
    kinds = [n.kind for n in notifications_to(world.keyworker)]
    assert kinds == ["outcome.decided"]


def test_nobody_approves_their_own_proposal(app):
    world = support.active_case()
    services.submit_outcome(world.keyworker, world.case.id, "breached", "Missed sessions")
    # The keyworker is promoted to supervisor while their proposal waits.
    world.keyworker.role = Role.SUPERVISOR.value
    db.session.commit()
    with pytest.raises(Forbidden):
        services.submit_outcome(world.keyworker, world.case.id, "breached", "Approving")
    assert world.case.status == CaseStatus.ACTIVE


def test_the_decision_must_match_the_proposal(app):
    world = support.active_case()
    services.submit_outcome(world.keyworker, world.case.id, "breached", "Missed sessions")
    with pytest.raises(services.ProposalDiffers):
        services.submit_outcome(world.supervisor, world.case.id, "opted_out", "Chose court")


def test_a_supervisor_decides_directly_when_nothing_waits(app):
    world = support.active_case()
    decided = services.submit_outcome(world.supervisor, world.case.id, "opted_out", "Court")
    assert decided.decided
    assert decided.proposal.proposed_by_id == world.supervisor.id
    assert decided.proposal.decided_by_id == world.supervisor.id
    assert world.case.status == CaseStatus.OPTED_OUT


@pytest.mark.parametrize("result", ["breached", "opted_out"])
@pytest.mark.parametrize("who", ["keyworker", "supervisor"])
def test_breach_and_opt_out_need_the_proposers_reason(app, result, who):
    world = support.active_case()
    with pytest.raises(services.ReasonRequired) as refused:
        services.submit_outcome(getattr(world, who), world.case.id, result, "   ")
    assert set(refused.value.errors) == {"reason"}
    assert refused.value.code == "reason_required"


def test_completion_with_unmet_conditions_needs_the_supervisors_reason(app):
    world = support.active_case(exit_steps_done=True)
    # The keyworker may propose it without a reason ...
    services.submit_outcome(world.keyworker, world.case.id, "completed")
    # ... but the supervisor must give one to approve it.
    with pytest.raises(services.ReasonRequired):
        services.submit_outcome(world.supervisor, world.case.id, "completed")
    assert world.case.status == CaseStatus.ACTIVE
    decided = services.submit_outcome(
        world.supervisor, world.case.id, "completed", "Engaged well; the service closed"
    )
    assert decided.proposal.decision_reason == "Engaged well; the service closed"
    assert world.case.status == CaseStatus.COMPLETED


def test_completion_with_every_condition_met_needs_no_reason(app):
    world = support.active_case(started_days_ago=112, exit_steps_done=True)  # ends today
    support.mark_all_met(world)
    services.submit_outcome(world.supervisor, world.case.id, "completed")
    assert world.case.status == CaseStatus.COMPLETED


def test_conditions_are_checked_on_the_end_date_not_after_it(app):
    world = support.active_case(started_days_ago=120, exit_steps_done=True)  # ended 8 days ago
    support.mark_all_met(world)  # evidence recorded today, after the end
    with pytest.raises(services.ReasonRequired):
        services.submit_outcome(world.supervisor, world.case.id, "completed")


@pytest.mark.parametrize(
    ("date_of_birth", "code"),
    [
        (date(1990, 5, 17), "24"),
        (date(2008, 10, 1), "24"),  # 18 on the offence date (1 October 2026)
        (date(2008, 10, 2), "23"),  # 18 the day after the offence
        (date(2012, 1, 1), "23"),
    ],
)
def test_a_completion_is_outcome_24_for_an_adult_and_23_for_a_child(app, date_of_birth, code):
    world = support.active_case(conditions=[], date_of_birth=date_of_birth, exit_steps_done=True)
    services.submit_outcome(world.supervisor, world.case.id, "completed")
    assert world.case.outcome_code == code


@pytest.mark.parametrize("result", ["breached", "opted_out"])
def test_breach_and_opt_out_are_charge_for_a_child_too(app, result):
    world = support.active_case(date_of_birth=date(2012, 1, 1))
    services.submit_outcome(world.supervisor, world.case.id, result, "Reason")
    assert world.case.outcome_code == "charge"


@pytest.mark.parametrize(
    ("status", "result", "allowed"),
    [
        ("allocated", "opted_out", True),
        ("allocated", "completed", False),
        ("allocated", "breached", False),
        ("eligible", "opted_out", True),
        ("eligible", "completed", False),
        ("completed", "breached", False),
        ("withdrawn", "opted_out", False),
    ],
)
def test_the_states_an_outcome_is_open_to(app, status, result, allowed):
    keyworker = factories.user(Role.KEYWORKER)
    supervisor = factories.user(Role.SUPERVISOR)
    case = factories.case(keyworker, status=status)
    if allowed:
        services.submit_outcome(supervisor, case.id, result, "Reason")
        assert case.status == result
    else:
        with pytest.raises(InvalidState):
            services.submit_outcome(supervisor, case.id, result, "Reason")


def test_other_keyworkers_and_other_roles_are_refused(app):
    world = support.active_case()
    with pytest.raises(NotFound):
        services.submit_outcome(factories.user(Role.KEYWORKER), world.case.id, "breached", "R")
    for role in (Role.ADMIN, Role.PARTNER, Role.VICTIM_LIAISON):
        with pytest.raises(Forbidden):
            services.submit_outcome(factories.user(role), world.case.id, "breached", "R")


def test_an_unknown_result_is_invalid(app):
    world = support.active_case()
    with pytest.raises(InvalidInput) as refused:
        services.submit_outcome(world.supervisor, world.case.id, "acquitted", "R")
    assert set(refused.value.errors) == {"result"}


def test_sending_back_needs_a_reason_and_tells_the_keyworker(app):
    world = support.active_case()
    proposal = services.submit_outcome(world.keyworker, world.case.id, "breached", "R").proposal
    with pytest.raises(InvalidInput):
        services.send_back(world.supervisor, world.case.id, proposal.id, "")
    services.send_back(world.supervisor, world.case.id, proposal.id, "Talk to them first")
    assert proposal.decision == "sent_back"
    assert world.case.status == CaseStatus.ACTIVE
    assert "case.outcome_sent_back" in events(world.case)
    assert [n.kind for n in notifications_to(world.keyworker)] == ["outcome.sent_back"]
    with pytest.raises(services.ProposalNotPending):
        services.send_back(world.supervisor, world.case.id, proposal.id, "Again")
    # The keyworker may propose again.
    services.submit_outcome(world.keyworker, world.case.id, "breached", "After the talk")


def test_only_supervisors_send_back(app):
    world = support.active_case()
    proposal = services.submit_outcome(world.keyworker, world.case.id, "breached", "R").proposal
    with pytest.raises(Forbidden):
        services.send_back(world.keyworker, world.case.id, proposal.id, "No")


def test_the_reoffending_check_is_due_a_year_after_the_contract_ended(app):
    completed = support.active_case(conditions=[], exit_steps_done=True)
    services.submit_outcome(completed.supervisor, completed.case.id, "completed")
    breached = support.active_case(started_days_ago=30)
    services.submit_outcome(breached.supervisor, breached.case.id, "breached", "Missed")

    def due_on(case):
        return db.session.scalar(
            select(ReoffendingCheck.due_on).where(ReoffendingCheck.case_id == case.id)
        )

    assert due_on(completed.case) == completed.contract.end_date + timedelta(days=365)
    assert due_on(breached.case) == today_in_london() + timedelta(days=365)


def test_the_decision_is_a_key_decision_for_the_victim_and_the_proposal_is_not(app):
    world = support.active_case(victims=1)
    services.submit_outcome(world.keyworker, world.case.id, "breached", "Missed")
    services.submit_outcome(world.supervisor, world.case.id, "breached")
    kinds = events(world.case)
    assert is_key_decision("case.outcome_decided")
    assert not is_key_decision("case.outcome_proposed")
    assert not is_key_decision("case.outcome_sent_back")
    assert "case.outcome_decided" in kinds


def test_a_stale_version_is_refused(app):
    world = support.active_case()
    with pytest.raises(StaleVersion):
        services.submit_outcome(
            world.supervisor, world.case.id, "breached", "R", version=world.case.version - 1
        )


@pytest.mark.parametrize(
    ("result", "born", "decided_on", "code"),
    [
        ("completed", date(1999, 5, 1), date(2026, 4, 1), "24"),
        ("completed", date(2007, 5, 2), date(2026, 4, 1), "23"),  # 17 on the offence date
        ("completed", date(2007, 5, 1), date(2026, 4, 1), "24"),  # 18 that very day
        ("completed", date(1999, 5, 1), date(2026, 3, 31), "22"),  # before outcome 24 began
        ("breached", date(1999, 5, 1), date(2026, 6, 1), "charge"),
        ("opted_out", date(1999, 5, 1), date(2025, 6, 1), "charge"),
    ],
)
def test_one_crime_outcome_rule_by_result_age_and_decision_date(result, born, decided_on, code):
    offence = date(2025, 5, 1)
    assert crime_outcome(result, born=born, committed_on=offence, decided_on=decided_on) == code
