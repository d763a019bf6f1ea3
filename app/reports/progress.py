"""Client progress: distance travelled per need domain, from the start to the exit
assessment (levels 0 no need, 1 low, 2 medium, 3 high).

- Per domain, over the people with both assessments: the mean level at the start and at
  exit, the distance travelled (start minus exit: positive is better), and the share who
  improved, of those who had a need in that domain at the start.
- Exits: cases that agreed a contract and ended (completed, breached or opted out); how
  many have no exit assessment.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, func, select
from sqlalchemy.orm import aliased

from app.assessments.models import AssessmentStage, NeedDomain, NeedsAssessment, NeedScore
from app.cases.models import DECIDED_STATUSES, Case
from app.contracts.models import Contract
from app.extensions import db
from app.reports.filters import DateBasis, ReportFilters
from app.reports.sql import count_where

DEFAULT_BASIS = DateBasis.REFERRAL


@dataclass(frozen=True)
class DomainProgress:
    domain: str
    label: str
    people: int
    mean_start: float | None
    mean_exit: float | None
    distance_travelled: float | None
    with_need: int
    improved: int
    worse: int

    @property
    def improved_rate(self) -> float | None:
        return self.improved / self.with_need if self.with_need else None


@dataclass(frozen=True)
class Progress:
    domains: tuple[DomainProgress, ...]
    exits: int
    exits_with_exit_assessment: int

    @property
    def exits_lacking_exit_assessment(self) -> int:
        return self.exits - self.exits_with_exit_assessment


def progress(filters: ReportFilters) -> Progress:
    cohort = filters.cohort()
    start_assessment, exit_assessment = aliased(NeedsAssessment), aliased(NeedsAssessment)
    start, end = aliased(NeedScore), aliased(NeedScore)
    rows = db.session.execute(
        select(
            start.domain,
            func.count().label("people"),
            func.avg(start.level).label("mean_start"),
            func.avg(end.level).label("mean_exit"),
            func.avg(start.level - end.level).label("distance"),
            count_where(start.level > 0).label("with_need"),
            count_where(and_(start.level > 0, end.level < start.level)).label("improved"),
            count_where(end.level > start.level).label("worse"),
        )
        .select_from(start_assessment)
        .join(start, start.assessment_id == start_assessment.id)
        .join(
            exit_assessment,
            and_(
                exit_assessment.case_id == start_assessment.case_id,
                exit_assessment.stage == AssessmentStage.EXIT.value,
            ),
        )
        .join(end, and_(end.assessment_id == exit_assessment.id, end.domain == start.domain))
        .where(
            start_assessment.stage == AssessmentStage.INITIAL.value,
            start_assessment.case_id.in_(cohort),
        )
        .group_by(start.domain)
    ).all()
    found = {row.domain: row for row in rows}
    domains = []
    for domain in NeedDomain:
        row = found.get(domain.value)
        domains.append(
            DomainProgress(
                domain=domain.value,
                label=domain.label,
                people=int(row.people) if row else 0,
                mean_start=_float(row.mean_start) if row else None,
                mean_exit=_float(row.mean_exit) if row else None,
                distance_travelled=_float(row.distance) if row else None,
                with_need=int(row.with_need) if row else 0,
                improved=int(row.improved) if row else 0,
                worse=int(row.worse) if row else 0,
            )
        )
    exits = db.session.execute(
        select(
            func.count(Case.id).label("exits"),
            count_where(NeedsAssessment.id.is_not(None)).label("assessed"),
        )
        .select_from(Case)
        .join(Contract, Contract.case_id == Case.id)
        .outerjoin(
            NeedsAssessment,
            and_(
                NeedsAssessment.case_id == Case.id,
                NeedsAssessment.stage == AssessmentStage.EXIT.value,
            ),
        )
        .where(Case.id.in_(cohort), Case.status.in_(DECIDED_STATUSES))
    ).one()
    return Progress(
        domains=tuple(domains),
        exits=int(exits.exits),
        exits_with_exit_assessment=int(exits.assessed),
    )


def _float(value) -> float | None:
    return None if value is None else float(value)
