"""Reoffending and evaluation: counts, rates and 95% intervals over known worlds."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.reports.evaluation import CAVEAT, evaluation
from app.reports.filters import DateBasis, ReportFilters
from tests.reports import world


def approx(value):
    return pytest.approx(value, abs=5e-5)


@pytest.fixture
def ten_and_five(app):
    """10 completers of whom 2 reoffended, 5 opt-outs of whom 2 reoffended; and the
    checks that must not count: one not yet due, one due but not recorded."""
    for n in range(10):
        world.ended("completed", reoffended=n < 2, harm_days=30 if n == 0 else None)
    for n in range(5):
        world.ended("opted_out", reoffended=n < 2, harm_days=[10, 50][n] if n < 2 else None)
    world.ended("completed", outcome_on=world.days_ago(20))  # due in 345 days
    world.ended("breached", due_on=world.days_ago(3))  # due, not recorded
    world.ended("completed", check=False)  # no check at all


def test_the_table_for_ten_completers_and_five_opt_outs(ten_and_five):
    result = evaluation(ReportFilters())
    completed = result.group("completed")
    assert (completed.cases, completed.checked, completed.reoffended) == (12, 10, 2)
    assert (completed.not_yet_due, completed.due_unrecorded, completed.without_check) == (1, 0, 1)
    assert completed.checks_due == 10
    assert completed.proportion.rate == 0.2
    assert (completed.proportion.ci_low, completed.proportion.ci_high) == (
        approx(0.0567),
        approx(0.5098),
    )
    assert (completed.harm_total, completed.harm_mean) == (30, 30)
    opted = result.group("opted_out")
    assert (opted.cases, opted.checked, opted.reoffended) == (5, 5, 2)
    assert opted.proportion.rate == 0.4
    assert (opted.proportion.ci_low, opted.proportion.ci_high) == (approx(0.1176), approx(0.7693))
    assert (opted.harm_total, opted.harm_mean) == (60, 30)
    breached = result.group("breached")
    assert (breached.cases, breached.checked, breached.due_unrecorded) == (1, 0, 1)
    assert breached.proportion.rate is None and breached.proportion.ci_low is None
    assert result.difference.difference == approx(-0.2)
    assert (result.difference.ci_low, result.difference.ci_high) == (
        approx(-0.5961),
        approx(0.2192),
    )
    assert result.checks_pending == 2
    assert result.referred == 18
    assert result.caveat == CAVEAT
    assert result.small_groups == ("Completed", "Opted out", "Breached")


def test_cohort_rows_split_the_rates_by_age_band_and_sex(app):
    world.ended("completed", reoffended=True, sex="female")
    world.ended("completed", reoffended=False, sex="female")
    world.ended("completed", reoffended=False, sex="male")
    world.ended("opted_out", reoffended=True, sex="male")
    rows = {(r.dimension, r.label): r for r in evaluation(ReportFilters()).cohorts}
    female = rows["Sex", "Female"]
    assert (female.completed.count, female.completed.total, female.completed.rate) == (1, 2, 0.5)
    assert female.opted_out.total == 0 and female.opted_out.rate is None
    male = rows["Sex", "Male"]
    assert (male.opted_out.count, male.opted_out.total) == (1, 1)
    assert rows["Age at offence", "26 and over"].completed.total == 3


def test_by_default_the_range_selects_by_outcome_date(app):
    world.ended("completed", reoffended=False, outcome_on=world.days_ago(400))
    world.ended("completed", reoffended=False, outcome_on=world.days_ago(900))
    recent = ReportFilters(
        date_from=world.days_ago(500), date_to=world.days_ago(0), by=DateBasis.OUTCOME
    )
    assert evaluation(recent).group("completed").cases == 1
    assert evaluation(ReportFilters()).group("completed").cases == 2


def test_a_check_with_a_reoffence_recorded_early_counts(app):
    world.ended(
        "completed",
        reoffended=True,
        outcome_on=world.days_ago(100),
        due_on=world.days_ago(100) + timedelta(days=365),
    )
    completed = evaluation(ReportFilters()).group("completed")
    assert (completed.checked, completed.reoffended, completed.not_yet_due) == (1, 1, 0)
