"""Reoffending and evaluation: the practice note's table, from the hub's records.

Per group of ended cases (completed, opted out, breached) in the cohort (by default the
cases whose outcome was decided in the date range):

- cases; checks due (a result recorded, or due by today) and done (a result recorded);
  checks not yet due and checks due but not recorded are excluded from the rates and
  counted (``checks_pending``), never read as "did not reoffend";
- reoffended within 365 days, as a count and a rate of the checks done, with its 95%
  Wilson interval; the completers' rate minus the opt-outs' with Newcombe's interval
  (``stats``);
- crime harm of the reoffences (Cambridge Crime Harm Index, days): the total and the
  mean over the reoffences with a score.

One query (grouped by result, age band and sex) gives every figure, including the
breakdown of the completers' and opt-outs' rates by age band and by sex.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, case, func, select

from app.cases.models import Case, CaseStatus, Person, Sex
from app.dates import today_in_london
from app.extensions import db
from app.outcomes.checks import CheckStatus, status_clause
from app.outcomes.models import ReoffendingCheck
from app.reports.filters import AgeBand, DateBasis, ReportFilters, age_band_of
from app.reports.sql import count_where
from app.reports.stats import Difference, Proportion, newcombe, wilson

DEFAULT_BASIS = DateBasis.OUTCOME
MINIMUM_CHECKS = 30
GROUPS = {
    CaseStatus.COMPLETED.value: "Completed",
    CaseStatus.OPTED_OUT.value: "Opted out",
    CaseStatus.BREACHED.value: "Breached",
}
CAVEAT = (
    "The people who opt out are not a like-for-like comparison group. People who choose "
    "to take part and complete the scheme may already have been more motivated to stop "
    "offending than those who opted out and were charged, so the difference between the "
    "two groups cannot be read as the effect of the scheme alone."
)
COUNTED = (
    "cases",
    "checked",
    "reoffended",
    "not_yet_due",
    "due_unrecorded",
    "without_check",
    "harm_total",
    "harm_scored",
)


@dataclass(frozen=True)
class EvaluationGroup:
    result: str
    label: str
    cases: int
    checked: int
    not_yet_due: int
    due_unrecorded: int
    without_check: int
    reoffended: int
    proportion: Proportion
    harm_total: int
    harm_mean: float | None

    @property
    def checks_due(self) -> int:
        return self.checked + self.due_unrecorded


@dataclass(frozen=True)
class CohortRow:
    dimension: str  # "Age at offence" or "Sex"
    label: str
    completed: Proportion
    opted_out: Proportion


@dataclass(frozen=True)
class Evaluation:
    referred: int
    groups: tuple[EvaluationGroup, ...]
    difference: Difference
    checks_pending: int
    caveat: str
    small_groups: tuple[str, ...]  # labels of groups with fewer than 30 checks done
    cohorts: tuple[CohortRow, ...]

    def group(self, result: str) -> EvaluationGroup:
        return next(g for g in self.groups if g.result == result)


def evaluation(filters: ReportFilters) -> Evaluation:
    today = today_in_london()
    check = ReoffendingCheck
    # Done, due and not yet due as the checkers' work list says (app.outcomes.checks).
    has_result = status_clause(CheckStatus.DONE, today)
    reoffended = and_(has_result, check.reoffended.is_(True))
    band = age_band_of()
    rows = db.session.execute(
        select(
            Case.status.label("status"),
            band.label("age_band"),
            Person.sex.label("sex"),
            func.count(Case.id).label("cases"),
            count_where(has_result).label("checked"),
            count_where(reoffended).label("reoffended"),
            count_where(status_clause(CheckStatus.NOT_YET_DUE, today)).label("not_yet_due"),
            count_where(status_clause(CheckStatus.DUE, today)).label("due_unrecorded"),
            count_where(check.id.is_(None)).label("without_check"),
            func.coalesce(func.sum(case((reoffended, check.harm_days))), 0).label("harm_total"),
            count_where(and_(reoffended, check.harm_days.is_not(None))).label("harm_scored"),
        )
        .select_from(Case)
        .join(Person, Person.id == Case.person_id)
        .outerjoin(check, check.case_id == Case.id)
        .where(Case.id.in_(filters.cohort()))
        .group_by(Case.status, band, Person.sex)
    ).all()
    return _build(rows)


def _sum(rows, **match) -> dict[str, int]:
    totals = dict.fromkeys(COUNTED, 0)
    for row in rows:
        if all(getattr(row, key) == value for key, value in match.items()):
            for name in COUNTED:
                totals[name] += int(getattr(row, name))
    return totals


def _group(result: str, totals: dict[str, int]) -> EvaluationGroup:
    return EvaluationGroup(
        result=result,
        label=GROUPS[result],
        cases=totals["cases"],
        checked=totals["checked"],
        not_yet_due=totals["not_yet_due"],
        due_unrecorded=totals["due_unrecorded"],
        without_check=totals["without_check"],
        reoffended=totals["reoffended"],
        proportion=wilson(totals["reoffended"], totals["checked"]),
        harm_total=totals["harm_total"],
        harm_mean=totals["harm_total"] / totals["harm_scored"] if totals["harm_scored"] else None,
    )


def _build(rows) -> Evaluation:
    groups = tuple(_group(result, _sum(rows, status=result)) for result in GROUPS)
    completed, opted_out = groups[0], groups[1]
    cohorts = []
    for dimension, key, values in (
        ("Age at offence", "age_band", [(b.value, b.label) for b in AgeBand]),
        ("Sex", "sex", [(s.value, s.label) for s in Sex]),
    ):
        for value, label in values:
            done = {
                result: _sum(rows, status=result, **{key: value})
                for result in (CaseStatus.COMPLETED.value, CaseStatus.OPTED_OUT.value)
            }
            cohorts.append(
                CohortRow(
                    dimension=dimension,
                    label=label,
                    completed=wilson(done["completed"]["reoffended"], done["completed"]["checked"]),
                    opted_out=wilson(done["opted_out"]["reoffended"], done["opted_out"]["checked"]),
                )
            )
    return Evaluation(
        referred=sum(int(row.cases) for row in rows),
        groups=groups,
        difference=newcombe(
            completed.reoffended, completed.checked, opted_out.reoffended, opted_out.checked
        ),
        checks_pending=sum(g.not_yet_due + g.due_unrecorded for g in groups),
        caveat=CAVEAT,
        small_groups=tuple(g.label for g in groups if g.cases and g.checked < MINIMUM_CHECKS),
        cohorts=tuple(cohorts),
    )
