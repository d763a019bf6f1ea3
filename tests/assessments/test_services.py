"""Recording needs assessments and the distance travelled between them."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.assessments import services
from app.assessments.models import NeedDomain, NeedLevel, NeedsAssessment, NeedScore
from app.audit.models import AuditEntry
from app.auth.roles import Role
from app.cases.models import CaseEvent, CaseStatus
from app.errors import Conflict, InvalidInput, NotFound
from app.extensions import db
from tests import factories


def all_scores(level=NeedLevel.LOW, **overrides) -> dict:
    scores = {d.value: (level, f"Notes on {d.label}") for d in NeedDomain}
    scores.update(overrides)
    return scores


def stored() -> tuple[int, int]:
    db.session.expire_all()
    return (
        db.session.scalar(select(func.count()).select_from(NeedsAssessment)),
        db.session.scalar(select(func.count()).select_from(NeedScore)),
    )


def record(actor, case, stage="initial", scores=None, **narrative):
    return services.record_assessment(
        actor, case.id, stage, all_scores() if scores is None else scores, **narrative
    )


def test_an_initial_assessment_scores_every_domain(keyworker, eligible_case):
    assessment = record(
        keyworker,
        eligible_case,
        scores=all_scores(accommodation=(NeedLevel.HIGH, "  Sofa surfing  "), drugs=(0, "")),
        previous_offending="None known",
        offence_context=" Lost job ",
        goals="Steady work",
        strengths="",
    )
    db.session.expire_all()
    scores = {s.domain: (s.level, s.notes) for s in assessment.scores}
    assert set(scores) == {d.value for d in NeedDomain}
    assert scores["accommodation"] == (3, "Sofa surfing")
    assert scores["drugs"] == (0, None)
    assert assessment.offence_context == "Lost job"
    assert assessment.strengths is None
    assert assessment.assessed_by_id == keyworker.id

    (entry,) = db.session.scalars(
        select(AuditEntry).where(AuditEntry.object_id == str(assessment.id))
    ).all()
    assert entry.action == "assessment.recorded"
    assert entry.details == {"case_id": str(eligible_case.id), "stage": "initial"}
    (event,) = db.session.scalars(
        select(CaseEvent).where(CaseEvent.case_id == eligible_case.id)
    ).all()
    assert (event.kind, event.summary) == (
        "assessment.recorded",
        "Initial needs assessment recorded",
    )


def test_levels_may_be_given_by_number_or_name(keyworker, eligible_case):
    scores = all_scores()
    scores["alcohol"] = ("high", None)
    scores["attitudes"] = ("2", None)
    assessment = record(keyworker, eligible_case, scores=scores)
    levels = {s.domain: s.level for s in assessment.scores}
    assert (levels["alcohol"], levels["attitudes"]) == (3, 2)


def test_every_domain_must_be_scored(keyworker, eligible_case):
    scores = all_scores()
    del scores["drugs"]
    del scores["finance_debt"]
    scores["alcohol"] = (7, None)
    scores["mental_health_wellbeing"] = (True, None)
    scores["astrology"] = (1, None)
    with pytest.raises(InvalidInput) as raised:
        record(keyworker, eligible_case, scores=scores)
    assert raised.value.errors == {
        "scores.astrology": "This is not a need domain",
        "scores.finance_debt": "Select the level of need for finance and debt",
        "scores.drugs": "Select the level of need for drugs",
        "scores.alcohol": "Select the level of need for alcohol",
        "scores.mental_health_wellbeing": (
            "Select the level of need for mental health and emotional wellbeing"
        ),
    }
    assert stored() == (0, 0)


def test_notes_and_narrative_have_limits(keyworker, eligible_case):
    with pytest.raises(InvalidInput) as raised:
        record(
            keyworker,
            eligible_case,
            scores=all_scores(relationships=(1, "x" * 2001)),
            goals="y" * 5001,
        )
    assert raised.value.errors == {
        "scores.relationships.notes": "Notes on relationships must be 2000 characters or fewer",
        "goals": "Goals must be 5000 characters or fewer",
    }
    assert stored() == (0, 0)


def test_one_assessment_per_stage(keyworker, eligible_case):
    record(keyworker, eligible_case)
    with pytest.raises(Conflict):
        record(keyworker, eligible_case)
    record(keyworker, eligible_case, "exit")
    with pytest.raises(Conflict):
        record(keyworker, eligible_case, "exit")
    assert stored() == (2, 20)


def test_the_exit_assessment_needs_the_initial_one(keyworker, eligible_case):
    with pytest.raises(Conflict) as raised:
        record(keyworker, eligible_case, "exit")
    assert "initial assessment" in raised.value.message
    assert stored() == (0, 0)


def test_an_ineligible_case_gets_no_assessment(keyworker):
    case = factories.case(keyworker, status=CaseStatus.INELIGIBLE)
    with pytest.raises(Conflict):
        record(keyworker, case)
    assert stored() == (0, 0)


def test_an_unknown_stage_is_refused(keyworker, eligible_case):
    with pytest.raises(InvalidInput) as raised:
        record(keyworker, eligible_case, "midway")
    assert set(raised.value.errors) == {"stage"}


def test_another_keyworker_gets_not_found(eligible_case):
    with pytest.raises(NotFound):
        record(factories.user(Role.KEYWORKER), eligible_case)
    assert stored() == (0, 0)


def test_a_supervisor_may_record_an_assessment(eligible_case):
    supervisor = factories.user(Role.SUPERVISOR)
    assert record(supervisor, eligible_case).assessed_by_id == supervisor.id


def test_distance_travelled_per_domain_and_in_total(keyworker, eligible_case):
    factories.assessment(
        eligible_case,
        "initial",
        {NeedDomain.ACCOMMODATION: NeedLevel.HIGH, NeedDomain.ALCOHOL: NeedLevel.NO_NEED},
    )
    before = services.distance_travelled(eligible_case)
    assert before.domains[0].initial == NeedLevel.HIGH
    assert before.domains[0].exit is None and before.domains[0].change is None
    assert before.total_change is None
    assert before.initial_total == 3 + 0 + 8 * 1

    factories.assessment(
        eligible_case,
        "exit",
        {
            NeedDomain.ACCOMMODATION: NeedLevel.LOW,
            NeedDomain.ALCOHOL: NeedLevel.LOW,
            NeedDomain.DRUGS: NeedLevel.LOW,
        },
    )
    after = {row.domain: row for row in services.distance_travelled(eligible_case).domains}
    assert after[NeedDomain.ACCOMMODATION].change == -2
    assert after[NeedDomain.ACCOMMODATION].change_text == "Reduced by 2"
    assert after[NeedDomain.ALCOHOL].change == 1
    assert after[NeedDomain.ALCOHOL].change_text == "Increased by 1"
    assert after[NeedDomain.DRUGS].change == 0
    assert after[NeedDomain.DRUGS].change_text == "No change"
    total = services.distance_travelled(eligible_case)
    assert (total.initial_total, total.exit_total, total.total_change) == (11, 10, -1)
    assert total.total_change_text == "Reduced by 1"
