"""Partners: acknowledgement in working days, acceptance, attendance, small numbers."""

from __future__ import annotations

from datetime import date

import pytest

from app.cases.models import CaseStatus
from app.reports.filters import ReportFilters
from app.reports.partners import FEWER_THAN_5, partners
from tests import factories
from tests.reports import world


@pytest.fixture
def two_partners(app):
    housing = factories.organisation(name="Hillside Housing", service_types=["housing"])
    other = factories.organisation(
        name="Riverside Minds", service_types=["housing", "mental_health"]
    )
    case = world.case(CaseStatus.ACTIVE, contract_on=date(2026, 4, 20))
    # Sent on Friday 1 May 2026; acknowledged on Tuesday 5 May (Monday was a bank
    # holiday): 1 working day, within the 2 allowed.
    world.referral(
        case,
        housing,
        sent_on=date(2026, 5, 1),
        acknowledged_on=date(2026, 5, 5),
        acknowledge_by=date(2026, 5, 6),
        status="completed",
        accepted=True,
        outcome="achieved",
    )
    # Monday to Thursday: 3 working days, a day late.
    world.referral(
        case,
        housing,
        sent_on=date(2026, 6, 1),
        acknowledged_on=date(2026, 6, 4),
        acknowledge_by=date(2026, 6, 3),
        status="acknowledged",
    )
    attended = world.referral(
        case,
        housing,
        sent_on=date(2026, 6, 8),
        acknowledged_on=date(2026, 6, 9),
        acknowledge_by=date(2026, 6, 10),
        status="in_progress",
        accepted=True,
    )
    world.session(attended, on=date(2026, 6, 12), rescheduled=True)
    world.session(attended, on=date(2026, 6, 15), status="attended")
    world.session(attended, on=date(2026, 6, 16), status="late")
    world.session(attended, on=date(2026, 6, 17), status="did_not_attend")
    world.session(attended, on=date(2026, 6, 18), status="did_not_attend", corrected_to="attended")
    world.session(attended, on=date(2026, 6, 19), status="did_not_attend", happened=False)
    world.session(attended, on=date(2026, 6, 22), status=None)  # not recorded yet
    world.referral(
        case,
        housing,
        sent_on=date(2026, 6, 10),
        acknowledged_on=date(2026, 6, 10),
        acknowledge_by=date(2026, 6, 12),
        status="declined",
        decline_reason="no_capacity",
    )
    world.referral(case, housing, sent_on=date(2026, 7, 1), acknowledge_by=date(2026, 7, 3))
    world.referral(
        case,
        other,
        sent_on=date(2026, 6, 1),
        acknowledged_on=date(2026, 6, 1),
        acknowledge_by=date(2026, 6, 3),
        status="acknowledged",
    )
    return housing, other


def test_each_organisations_figures(two_partners):
    housing, other = two_partners
    result = partners(ReportFilters())
    rows = {row.name: row for row in result.organisations}
    row = rows["Hillside Housing"]
    assert row.organisation_id == housing.id
    assert (row.sent, row.acknowledged, row.acknowledged_within_sla) == (5, 4, 3)
    # Working days 1, 3, 1 and 0: median 1, 90th percentile 1 + 0.7 x (3 - 1).
    assert row.median_working_days_to_acknowledge == 1
    assert row.p90_working_days_to_acknowledge == pytest.approx(2.4)
    assert (row.accepted, row.declined, row.acceptance_rate) == (2, 1, pytest.approx(2 / 3))
    assert row.decline_reasons == (("no_capacity", 1),)
    assert (row.sessions, row.attended, row.attendance_rate) == (4, 3, 0.75)
    assert row.median_days_to_first_appointment == 7
    assert (row.achieved, row.partially_achieved, row.not_achieved) == (1, 0, 0)
    assert row.open_past_sla == 1
    assert rows["Riverside Minds"].sent == 1
    types = {row.key: row for row in result.service_types}
    assert (types["housing"].sent, types["mental_health"].sent) == (6, 1)
    assert types["housing"].median_working_days_to_acknowledge == 1
    assert types["mental_health"].median_working_days_to_acknowledge == 0


def test_a_partner_sees_its_own_row_with_small_numbers_protected(two_partners):
    housing, _ = two_partners
    result = partners(ReportFilters(), housing.id, protect=True)
    [row] = result.organisations
    assert result.service_types == ()
    assert row.sent == 5
    assert row.acknowledged == FEWER_THAN_5
    assert row.accepted == FEWER_THAN_5 and row.acceptance_rate is None
    assert row.sessions == FEWER_THAN_5 and row.attendance_rate is None
    assert row.median_working_days_to_acknowledge is None
    assert row.achieved == FEWER_THAN_5 and row.not_achieved == 0
    assert row.decline_reasons == (("no_capacity", FEWER_THAN_5),)


def test_an_organisation_with_no_referrals_has_a_row_of_zeros(app):
    quiet = factories.organisation(name="Quiet Trust")
    [row] = partners(ReportFilters(), quiet.id, protect=True).organisations
    assert (row.name, row.sent, row.acceptance_rate) == ("Quiet Trust", 0, None)


def test_an_answer_straight_from_sent_counts_as_acknowledged_in_time(app):
    from app.referrals import lifecycle
    from tests.referrals import support

    accepted = support.World.build()
    declined = support.send(accepted.case, accepted.org, accepted.keyworker)
    lifecycle.transition(accepted.partner, accepted.referral.id, "accepted")
    lifecycle.transition(accepted.partner, declined.id, "declined", reason="no_capacity")

    [row] = partners(ReportFilters(), accepted.org.id).organisations

    assert (row.sent, row.acknowledged, row.acknowledged_within_sla) == (2, 2, 2)
    assert (row.accepted, row.declined) == (1, 1)
    assert row.median_working_days_to_acknowledge == 0
    assert row.open_past_sla == 0
