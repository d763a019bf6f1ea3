"""Needs assessment use-cases: record the initial and exit assessments, and report the
distance travelled between them.

Every need domain is scored exactly once per assessment (no need, low, medium or high,
with notes). A case has at most one assessment per stage; the exit assessment needs the
initial one first; an ineligible case gets none.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.assessments.models import (
    AssessmentStage,
    NeedDomain,
    NeedLevel,
    NeedsAssessment,
    NeedScore,
)
from app.audit import services as audit
from app.cases.models import Case, CaseStatus
from app.cases.policy import get_case_for
from app.cases.timeline import add_event
from app.errors import Conflict, InvalidInput, InvalidState
from app.extensions import db

NOTES_MAX = 2000
NARRATIVE_MAX = 5000
NARRATIVE_FIELDS = {
    "previous_offending": "Previous offending",
    "offence_context": "Context of the offence",
    "goals": "Goals",
    "strengths": "Strengths",
}


class AssessmentExists(Conflict):
    code = "assessment_exists"


def domain_phrase(domain: NeedDomain) -> str:
    label = domain.label
    return label[0].lower() + label[1:]


def _level(value) -> NeedLevel | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, NeedLevel):
        return value
    if isinstance(value, int):
        try:
            return NeedLevel(value)
        except ValueError:
            return None
    if isinstance(value, str):
        if value.isdigit():
            return _level(int(value))
        try:
            return NeedLevel[value.upper()]
        except KeyError:
            return None
    return None


def _text(value) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise TypeError
    return value.strip() or None


def assessments_by_stage(case: Case) -> dict[str, NeedsAssessment]:
    """The case's assessments keyed by stage ("initial", "exit"), scores loaded."""
    records = db.session.scalars(select(NeedsAssessment).where(NeedsAssessment.case_id == case.id))
    return {record.stage: record for record in records}


def refusal(case: Case, existing: Mapping[str, NeedsAssessment], stage: str) -> Conflict | None:
    """Why the ``stage`` assessment cannot be recorded on ``case`` now (the error to raise,
    or to show on the page), or None when it is due. ``existing`` is
    ``assessments_by_stage(case)``."""
    if case.status == CaseStatus.INELIGIBLE.value:
        return InvalidState(
            "This case is not eligible, so it can go no further: it has no needs assessment"
        )
    if stage in existing:
        return AssessmentExists(f"The {stage} assessment has already been recorded")
    if stage == AssessmentStage.EXIT.value and AssessmentStage.INITIAL.value not in existing:
        return InvalidState("Record the initial assessment before the exit assessment")
    return None


def record_assessment(
    actor,
    case_id: uuid.UUID,
    stage: str,
    scores: Mapping,
    previous_offending: str | None = None,
    offence_context: str | None = None,
    goals: str | None = None,
    strengths: str | None = None,
) -> NeedsAssessment:
    """Record the initial or exit assessment of the case.

    ``scores`` maps each NeedDomain (or its value) to ``(level, notes)``, where level is a
    NeedLevel or its number (0 no need ... 3 high) and notes may be None. Field errors are
    keyed ``scores.<domain>`` (the level), ``scores.<domain>.notes`` and the narrative
    field names.
    """
    case = get_case_for(actor, case_id, for_update=True)
    try:
        stage = AssessmentStage(stage).value
    except ValueError:
        raise InvalidInput({"stage": "Choose the initial or the exit assessment"}) from None
    refused = refusal(case, assessments_by_stage(case), stage)
    if refused is not None:
        raise refused

    errors: dict[str, str] = {}
    given = {}
    for key, value in (scores or {}).items():
        try:
            domain = NeedDomain(key)
        except ValueError:
            errors[f"scores.{key}"] = "This is not a need domain"
            continue
        given[domain] = value
    clean_scores = []
    for domain in NeedDomain:
        value = given.get(domain)
        level, notes = (
            value if isinstance(value, tuple | list) and len(value) == 2 else (value, None)
        )
        level = _level(level)
        if level is None:
            errors[f"scores.{domain.value}"] = (
                f"Select the level of need for {domain_phrase(domain)}"
            )
        try:
            notes = _text(notes)
        except TypeError:
            notes = None
            errors[f"scores.{domain.value}.notes"] = "Enter the notes as text"
        if notes and len(notes) > NOTES_MAX:
            errors[f"scores.{domain.value}.notes"] = (
                f"Notes on {domain_phrase(domain)} must be {NOTES_MAX} characters or fewer"
            )
        clean_scores.append((domain, level, notes))

    given_narrative = {
        "previous_offending": previous_offending,
        "offence_context": offence_context,
        "goals": goals,
        "strengths": strengths,
    }
    narrative = {}
    for name, label in NARRATIVE_FIELDS.items():
        try:
            text = _text(given_narrative[name])
        except TypeError:
            errors[name] = f"Enter the {label.lower()} as text"
            continue
        if text and len(text) > NARRATIVE_MAX:
            errors[name] = f"{label} must be {NARRATIVE_MAX} characters or fewer"
        narrative[name] = text
    if errors:
        db.session.rollback()
        raise InvalidInput(errors, "The assessment is not complete")

    record = NeedsAssessment(case_id=case.id, stage=stage, assessed_by_id=actor.id, **narrative)
    db.session.add(record)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise AssessmentExists(f"The {stage} assessment has already been recorded") from None
    db.session.add_all(
        NeedScore(assessment_id=record.id, domain=domain.value, level=int(level), notes=notes)
        for domain, level, notes in clean_scores
    )
    audit.record(
        "assessment.recorded",
        "needs_assessment",
        record.id,
        actor=actor,
        details={"case_id": str(case.id), "stage": stage},
    )
    add_event(
        case,
        "assessment.recorded",
        f"{stage.capitalize()} needs assessment recorded",
        actor=actor,
    )
    db.session.commit()
    return record


@dataclass(frozen=True)
class DomainChange:
    domain: NeedDomain
    initial: NeedLevel | None
    exit: NeedLevel | None
    initial_notes: str | None = None
    exit_notes: str | None = None

    @property
    def change(self) -> int | None:
        """Exit level minus initial level: negative means the need went down."""
        if self.initial is None or self.exit is None:
            return None
        return int(self.exit) - int(self.initial)

    @property
    def change_text(self) -> str:
        return change_text(self.change)


def change_text(change: int | None) -> str:
    if change is None:
        return "Not yet known"
    if change == 0:
        return "No change"
    return f"{'Reduced' if change < 0 else 'Increased'} by {abs(change)}"


@dataclass(frozen=True)
class DistanceTravelled:
    domains: list[DomainChange]

    @property
    def initial_total(self) -> int | None:
        levels = [d.initial for d in self.domains]
        return None if None in levels else sum(int(level) for level in levels)

    @property
    def exit_total(self) -> int | None:
        levels = [d.exit for d in self.domains]
        return None if None in levels else sum(int(level) for level in levels)

    @property
    def total_change(self) -> int | None:
        if self.initial_total is None or self.exit_total is None:
            return None
        return self.exit_total - self.initial_total

    @property
    def total_change_text(self) -> str:
        return change_text(self.total_change)


def distance_travelled(case: Case) -> DistanceTravelled:
    """Per need domain: the initial level, the exit level and the change (exit minus
    initial, so negative = reduced need), plus totals over all domains."""
    by_stage = assessments_by_stage(case)

    def scores_of(stage: AssessmentStage) -> dict[str, NeedScore]:
        record = by_stage.get(stage.value)
        return {s.domain: s for s in record.scores} if record else {}

    initial, exit_ = scores_of(AssessmentStage.INITIAL), scores_of(AssessmentStage.EXIT)
    rows = []
    for domain in NeedDomain:
        first, last = initial.get(domain.value), exit_.get(domain.value)
        rows.append(
            DomainChange(
                domain,
                NeedLevel(first.level) if first else None,
                NeedLevel(last.level) if last else None,
                first.notes if first else None,
                last.notes if last else None,
            )
        )
    return DistanceTravelled(rows)
