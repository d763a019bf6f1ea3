"""People's voice: the ending surveys (answers from 1, the worst, to 5, the best).

The person's survey asks how satisfied they are with the scheme and how far they agree
that the police act fairly (perceived police legitimacy); ``survey_summary`` also
summarises the victims' survey for the victims' report. Per question: how many
answered, how many gave each answer, the mean, and the share answering 4 or 5.
The response rate is surveys over the cohort's ended cases.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from app.cases.models import DECIDED_STATUSES, Case
from app.extensions import db
from app.outcomes.models import Survey
from app.reports.filters import DateBasis, ReportFilters
from app.reports.sql import count_where

DEFAULT_BASIS = DateBasis.REFERRAL
ANSWERS = (1, 2, 3, 4, 5)
PERSON_QUESTIONS = {
    "satisfaction": "Satisfied with the scheme",
    "police_legitimacy": "Agrees the police act fairly (police legitimacy)",
}
VICTIM_QUESTIONS = {
    "satisfaction": "Satisfied with the outcome",
    "kept_informed": "Satisfied with being kept informed",
}


@dataclass(frozen=True)
class QuestionSummary:
    question: str
    label: str
    answered: int
    answers: tuple[int, ...]  # how many answered 1, 2, 3, 4 and 5
    mean: float | None

    @property
    def positive(self) -> int:
        return self.answers[3] + self.answers[4]

    @property
    def positive_rate(self) -> float | None:
        return self.positive / self.answered if self.answered else None


@dataclass(frozen=True)
class SurveySummary:
    surveys: int
    questions: tuple[QuestionSummary, ...]


@dataclass(frozen=True)
class Voice:
    ended: int
    survey: SurveySummary

    @property
    def response_rate(self) -> float | None:
        return self.survey.surveys / self.ended if self.ended else None


def survey_summary(respondent: str, questions: dict[str, str], cohort) -> SurveySummary:
    columns = [func.count(Survey.id).label("surveys")]
    for name in questions:
        column = getattr(Survey, name)
        columns.append(func.count(column).label(f"{name}_answered"))
        columns.append(func.avg(column).label(f"{name}_mean"))
        columns.extend(count_where(column == n).label(f"{name}_{n}") for n in ANSWERS)
    row = db.session.execute(
        select(*columns).where(Survey.respondent == respondent, Survey.case_id.in_(cohort))
    ).one()
    summaries = []
    for name, label in questions.items():
        mean = getattr(row, f"{name}_mean")
        summaries.append(
            QuestionSummary(
                question=name,
                label=label,
                answered=int(getattr(row, f"{name}_answered")),
                answers=tuple(int(getattr(row, f"{name}_{n}")) for n in ANSWERS),
                mean=None if mean is None else float(mean),
            )
        )
    return SurveySummary(surveys=int(row.surveys), questions=tuple(summaries))


def voice(filters: ReportFilters) -> Voice:
    cohort = filters.cohort()
    ended = db.session.scalar(
        select(func.count(Case.id)).where(Case.id.in_(cohort), Case.status.in_(DECIDED_STATUSES))
    )
    return Voice(ended=int(ended or 0), survey=survey_summary("person", PERSON_QUESTIONS, cohort))
