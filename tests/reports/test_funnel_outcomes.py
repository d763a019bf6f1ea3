"""The funnel and the outcomes, over small known worlds."""

from __future__ import annotations

from datetime import date, timedelta

from app.cases.models import CaseStatus
from app.reports.filters import AgeBand, DateBasis, ReportFilters
from app.reports.funnel import funnel
from app.reports.outcomes import outcomes
from tests.reports import world


def test_funnel_counts_each_stage_and_the_rules_that_failed(app):
    kw = world.keyworker()
    world.case(CaseStatus.INELIGIBLE, eligibility_failed=["age", "offence_class"])
    world.case(CaseStatus.INELIGIBLE, eligibility_failed=["age"])
    world.case(CaseStatus.ELIGIBLE, keyworker_user=False)
    world.case(
        CaseStatus.OPTED_OUT,
        keyworker_user=kw,
        allocated_on=world.days_ago(98),
        outcome_on=world.days_ago(90),
    )
    for status in (
        CaseStatus.ACTIVE,
        CaseStatus.COMPLETED,
        CaseStatus.BREACHED,
        CaseStatus.OPTED_OUT,
    ):
        world.case(
            status,
            keyworker_user=kw,
            referred_on=world.days_ago(100),
            allocated_on=world.days_ago(96),
            contract_on=world.days_ago(90),
        )
    result = funnel(ReportFilters())
    assert (result.referred, result.eligible, result.ineligible) == (8, 6, 2)
    assert result.ineligible_by_rule == {"age": 2, "offence_class": 1}
    assert (result.allocated, result.contracts) == (5, 4)
    assert (
        result.opted_out,
        result.opted_out_before_contract,
        result.opted_out_after_contract,
    ) == (2, 1, 1)
    assert (result.breached, result.completed, result.active) == (1, 1, 1)
    # Allocation: 2 days (the opt-out) and 4 days (four cases): median 4.
    assert result.median_days_to_allocation == 4
    assert result.median_days_to_contract == 10
    [load] = result.keyworkers
    assert (load.name, load.active_now, load.allocations) == (kw.name, 1, 5)


def test_filters_select_the_cohort(app):
    young = date(2005, 6, 1)  # 20 at the offence in January 2026
    world.case(CaseStatus.ELIGIBLE, date_of_birth=young, sex="female", postcode="EX2 4QQ")
    world.case(CaseStatus.ELIGIBLE, date_of_birth=date(2008, 6, 1))  # 17
    world.case(CaseStatus.ELIGIBLE, referred_on=world.days_ago(500))
    assert funnel(ReportFilters(age_band=AgeBand.AGE_18_25)).referred == 1
    assert funnel(ReportFilters(age_band=AgeBand.UNDER_18)).referred == 1
    assert funnel(ReportFilters(age_band=AgeBand.AGE_26_PLUS)).referred == 1
    assert funnel(ReportFilters(sex="female")).referred == 1
    assert funnel(ReportFilters(area="EX2")).referred == 1
    last_year = ReportFilters(date_from=world.days_ago(364), date_to=world.days_ago(0))
    assert funnel(last_year).referred == 2
    by_end = ReportFilters(
        date_from=world.days_ago(364), date_to=world.days_ago(0), by=DateBasis.CONTRACT_END
    )
    assert funnel(by_end).referred == 0


def test_birthday_on_the_offence_date_counts_the_new_age(app):
    world.case(CaseStatus.ELIGIBLE, date_of_birth=date(2000, 1, 10), offence_on=date(2026, 1, 10))
    world.case(CaseStatus.ELIGIBLE, date_of_birth=date(2000, 1, 11), offence_on=date(2026, 1, 10))
    assert funnel(ReportFilters(age_band=AgeBand.AGE_26_PLUS)).referred == 1
    assert funnel(ReportFilters(age_band=AgeBand.AGE_18_25)).referred == 1


def test_outcomes_codes_rates_and_outcome_plus(app):
    before_april = date(2026, 3, 20)
    world.ended("completed", outcome_on=before_april)  # counts as outcome 22
    after = max(date(2026, 4, 10), world.days_ago(30))
    for _ in range(3):
        world.ended("completed", outcome_on=after)
    world.ended("completed", outcome_on=after, outcome_code="23")
    world.ended("breached", outcome_on=after)
    world.ended("opted_out", outcome_on=after)  # before any contract
    world.case(CaseStatus.ACTIVE, contract_on=world.days_ago(20))
    result = outcomes(ReportFilters())
    assert (result.outcome_22, result.outcome_24, result.outcome_23) == (1, 3, 1)
    assert (result.charge, result.charged_after_breach, result.charged_after_opt_out) == (
        1 + 1,
        1,
        1,
    )
    assert result.ended == 7 and result.completed == 5
    assert result.completion_rate == 5 / 7
    # Six ended after agreeing a contract, one of them breached.
    assert result.contracts_ended == 6
    assert result.never_breached_rate == 5 / 6
    assert result.outcome_plus_hub_part == 5 + 2


def test_outcome_date_basis(app):
    world.ended("completed", outcome_on=world.days_ago(10), referred_on=world.days_ago(600))
    world.ended("completed", outcome_on=world.days_ago(500), referred_on=world.days_ago(700))
    window = {"date_from": world.days_ago(30), "date_to": world.days_ago(0)}
    assert outcomes(ReportFilters(**window, by=DateBasis.OUTCOME)).completed == 1
    assert outcomes(ReportFilters(**window)).completed == 0
    assert (
        outcomes(
            ReportFilters(date_to=world.days_ago(0) - timedelta(days=11), by=DateBasis.OUTCOME)
        ).completed
        == 1
    )
