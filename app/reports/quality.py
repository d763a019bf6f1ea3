"""Data quality: records the reports need that are missing, counted per keyworker (the
administrator's view; the figures are counts, never a person).

- exits without an exit assessment (a contract agreed, then an outcome);
- people whose sex, or ethnic group, is not stated;
- ended cases without a reoffending check (every case that ends needs one);
- reoffending checks due and not recorded;
- active cases without a start assessment.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import and_, func, select

from app.assessments.models import AssessmentStage, NeedsAssessment
from app.auth.models import User
from app.cases.models import DECIDED_STATUSES, Case, CaseStatus, Ethnicity, Person, Sex
from app.contracts.models import Contract
from app.dates import today_in_london
from app.extensions import db
from app.outcomes.checks import CheckStatus, status_clause
from app.outcomes.models import ReoffendingCheck
from app.reports.sql import count_where

ISSUES = (
    ("exits_without_exit_assessment", "Exits without an exit assessment"),
    ("sex_not_stated", "Sex not stated"),
    ("ethnicity_not_stated", "Ethnic group not stated"),
    ("ended_without_check", "Ended cases without a reoffending check"),
    ("checks_overdue", "Reoffending checks due and not recorded"),
    ("active_without_start_assessment", "Active cases without a start assessment"),
)


@dataclass(frozen=True)
class KeyworkerQuality:
    keyworker_id: uuid.UUID | None
    name: str
    counts: dict[str, int]


@dataclass(frozen=True)
class Quality:
    cases: int
    totals: dict[str, int]
    keyworkers: tuple[KeyworkerQuality, ...]


def _stage(stage: AssessmentStage):
    return (
        select(NeedsAssessment.case_id)
        .where(NeedsAssessment.stage == stage.value)
        .distinct()
        .subquery(f"{stage.value}_assessed")
    )


def quality() -> Quality:
    today = today_in_london()
    exit_done, start_done = _stage(AssessmentStage.EXIT), _stage(AssessmentStage.INITIAL)
    ended = Case.status.in_(DECIDED_STATUSES)
    check = ReoffendingCheck
    rows = db.session.execute(
        select(
            Case.keyworker_id,
            func.count(Case.id).label("cases"),
            count_where(and_(ended, Contract.id.is_not(None), exit_done.c.case_id.is_(None))).label(
                "exits_without_exit_assessment"
            ),
            count_where(Person.sex == Sex.NOT_STATED.value).label("sex_not_stated"),
            count_where(Person.ethnicity == Ethnicity.NOT_STATED.value).label(
                "ethnicity_not_stated"
            ),
            count_where(and_(ended, check.id.is_(None))).label("ended_without_check"),
            count_where(status_clause(CheckStatus.DUE, today)).label("checks_overdue"),
            count_where(
                and_(Case.status == CaseStatus.ACTIVE.value, start_done.c.case_id.is_(None))
            ).label("active_without_start_assessment"),
        )
        .select_from(Case)
        .join(Person, Person.id == Case.person_id)
        .outerjoin(Contract, Contract.case_id == Case.id)
        .outerjoin(check, check.case_id == Case.id)
        .outerjoin(exit_done, exit_done.c.case_id == Case.id)
        .outerjoin(start_done, start_done.c.case_id == Case.id)
        .group_by(Case.keyworker_id)
    ).all()
    names = dict(
        db.session.execute(
            select(User.id, User.name).where(User.id.in_([r.keyworker_id for r in rows]))
        ).all()
    )
    keyworkers = tuple(
        sorted(
            (
                KeyworkerQuality(
                    row.keyworker_id,
                    names.get(row.keyworker_id, "No keyworker"),
                    {key: int(getattr(row, key)) for key, _ in ISSUES},
                )
                for row in rows
            ),
            key=lambda k: (k.keyworker_id is None, k.name),
        )
    )
    totals = {key: sum(k.counts[key] for k in keyworkers) for key, _ in ISSUES}
    return Quality(cases=sum(int(r.cases) for r in rows), totals=totals, keyworkers=keyworkers)
