"""Client progress, compliance, victims and people's voice over small known worlds."""

from __future__ import annotations

from datetime import date

import pytest

from app.assessments.models import NeedDomain, NeedLevel
from app.cases.models import CaseEvent, CaseStatus
from app.contracts.models import Condition
from app.evidence.models import ComplianceConcern, ComplianceDecision
from app.extensions import db
from app.outcomes.models import Survey
from app.reports.compliance import compliance
from app.reports.filters import ReportFilters
from app.reports.progress import progress
from app.reports.victims import victims
from app.reports.voice import voice
from app.victims.models import Victim, VictimConsultation, VictimUpdate
from tests import factories
from tests.reports import world
from tests.reports.world import at

H, M, L, N = NeedLevel.HIGH, NeedLevel.MEDIUM, NeedLevel.LOW, NeedLevel.NO_NEED


def test_distance_travelled_per_domain(app):
    first = world.ended("completed")
    factories.assessment(first, "initial", {NeedDomain.DRUGS: H, NeedDomain.ALCOHOL: N})
    factories.assessment(first, "exit", {NeedDomain.DRUGS: L, NeedDomain.ALCOHOL: L})
    second = world.ended("completed")
    factories.assessment(second, "initial", {NeedDomain.DRUGS: M})
    factories.assessment(second, "exit", {NeedDomain.DRUGS: M})
    third = world.ended("breached")
    factories.assessment(third, "initial", {NeedDomain.DRUGS: H})  # no exit assessment
    world.ended("opted_out")  # no contract: not an exit
    result = progress(ReportFilters())
    drugs = next(d for d in result.domains if d.domain == "drugs")
    assert (drugs.people, drugs.mean_start, drugs.mean_exit) == (2, 2.5, 1.5)
    assert drugs.distance_travelled == 1
    assert (drugs.with_need, drugs.improved, drugs.improved_rate) == (2, 1, 0.5)
    alcohol = next(d for d in result.domains if d.domain == "alcohol")
    assert (alcohol.with_need, alcohol.worse, alcohol.distance_travelled) == (1, 1, -0.5)
    assert (result.exits, result.exits_lacking_exit_assessment) == (3, 1)


def test_compliance_counts_concerns_decisions_and_variations(app):
    case = world.case(CaseStatus.ACTIVE, contract_on=world.days_ago(40))
    world.ended("breached")
    decider = factories.user("supervisor")
    concerns = [ComplianceConcern(case_id=case.id, summary="Missed a session") for _ in range(3)]
    db.session.add_all(concerns)
    db.session.flush()
    for concern, decision in zip(concerns[:2], ("warning", "proposed_breach"), strict=True):
        db.session.add(
            ComplianceDecision(
                concern_id=concern.id,
                decision=decision,
                reason="Decided",
                decided_by_id=decider.id,
            )
        )
    condition = Condition(
        contract_id=case.contract.id,
        type="rehabilitative",
        description="Four sessions",
        required_sessions=4,
        created_by_id=decider.id,
    )
    db.session.add(condition)
    db.session.flush()
    db.session.add(
        Condition(
            contract_id=case.contract.id,
            type="rehabilitative",
            description="Two sessions",
            required_sessions=2,
            revision=2,
            supersedes_id=condition.id,
            created_by_id=decider.id,
            variation_reason="Fewer sessions",
        )
    )
    db.session.commit()
    result = compliance(ReportFilters())
    assert (result.concerns, result.cases_with_concerns, result.undecided) == (3, 1, 1)
    assert result.decisions == {
        "no_action": 0,
        "warning": 1,
        "varied_condition": 0,
        "proposed_breach": 1,
    }
    assert (result.warnings, result.variations, result.breaches) == (1, 1, 1)


@pytest.fixture
def victims_world(app):
    # Contract agreed on Friday 1 May 2026 (Monday 4 May a bank holiday).
    case = world.case(CaseStatus.ACTIVE, contract_on=date(2026, 5, 1))
    staff = factories.user("victim_liaison")
    standard = Victim(case_id=case.id, name="Victim one")
    enhanced = Victim(case_id=case.id, name="Victim two", enhanced_rights=True)
    quiet = Victim(case_id=case.id, name="Victim three", wants_updates=False)
    db.session.add_all([standard, enhanced, quiet])
    db.session.flush()
    db.session.add(
        CaseEvent(
            case_id=case.id,
            kind="contract.agreed",
            summary="Agreed",
            occurred_at=at(date(2026, 5, 1), 11),
        )
    )
    db.session.add(
        VictimConsultation(
            case_id=case.id,
            victim_id=standard.id,
            consulted_on=date(2026, 4, 28),
            views="Wants an apology",
            recorded_by_id=staff.id,
        )
    )
    # Standard: 5 working days -> by Monday 11 May; told on Friday 8 May (on time).
    db.session.add(
        VictimUpdate(
            case_id=case.id,
            victim_id=standard.id,
            method="phone",
            summary="Contract agreed",
            given_at=at(date(2026, 5, 8)),
            given_by_id=staff.id,
        )
    )
    # Enhanced: 1 working day -> by Tuesday 5 May; told on Wednesday 6 May (late).
    db.session.add(
        VictimUpdate(
            case_id=case.id,
            victim_id=enhanced.id,
            method="phone",
            summary="Contract agreed",
            given_at=at(date(2026, 5, 6)),
            given_by_id=staff.id,
        )
    )
    db.session.add(
        Survey(
            case_id=case.id,
            respondent="victim",
            victim_id=standard.id,
            satisfaction=4,
            kept_informed=5,
            recorded_by_id=staff.id,
        )
    )
    db.session.commit()
    return case


def test_victims_consultation_updates_on_time_and_survey(victims_world):
    result = victims(ReportFilters())
    assert (result.victims, result.consulted, result.want_updates, result.enhanced_rights) == (
        3,
        1,
        2,
        1,
    )
    assert (result.updates_on_time, result.updates_late, result.updates_overdue) == (1, 1, 0)
    assert result.on_time_rate == 0.5
    assert result.survey.surveys == 1
    kept = next(q for q in result.survey.questions if q.question == "kept_informed")
    assert (kept.answered, kept.answers, kept.mean, kept.positive_rate) == (
        1,
        (0, 0, 0, 0, 1),
        5,
        1,
    )


def test_an_outcome_without_an_update_is_overdue(victims_world):
    victims_world.outcome_decided_at = at(date(2026, 9, 1))
    db.session.commit()
    result = victims(ReportFilters())
    assert (result.updates_on_time, result.updates_late, result.updates_overdue) == (1, 1, 2)


def test_peoples_voice(app):
    staff = factories.user("keyworker")
    for satisfaction, legitimacy in ((5, 4), (4, 2), (2, None)):
        case = world.ended("completed")
        db.session.add(
            Survey(
                case_id=case.id,
                respondent="person",
                satisfaction=satisfaction,
                police_legitimacy=legitimacy,
                recorded_by_id=staff.id,
            )
        )
    world.ended("opted_out")
    db.session.commit()
    result = voice(ReportFilters())
    assert (result.ended, result.survey.surveys, result.response_rate) == (4, 3, 0.75)
    satisfaction, legitimacy = result.survey.questions
    assert satisfaction.answers == (0, 1, 0, 1, 1) and satisfaction.positive_rate == 2 / 3
    assert (legitimacy.answered, legitimacy.mean, legitimacy.positive) == (2, 3, 1)
