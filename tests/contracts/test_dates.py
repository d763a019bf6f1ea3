"""The 16-week contract's dates: 112 days from the start, and the week it is in."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from app.contracts import progress
from app.contracts.models import Contract
from app.dates import contract_end, contract_week


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (date(2026, 11, 23), date(2027, 3, 15)),  # an ordinary start
        (date(2026, 10, 1), date(2027, 1, 21)),  # across the clock change (BST to GMT)
        (date(2027, 3, 1), date(2027, 6, 21)),  # across the clock change (GMT to BST)
        (date(2028, 1, 15), date(2028, 5, 6)),  # across 29 February 2028
        (date(2027, 1, 15), date(2027, 5, 7)),  # the same start in a year without one
        (date(2026, 12, 20), date(2027, 4, 11)),  # across the new year
    ],
)
def test_the_contract_ends_112_calendar_days_after_it_starts(start, end):
    assert contract_end(start) == end
    assert (end - start).days == 112


@pytest.mark.parametrize(
    ("day", "week"),
    [(0, 1), (6, 1), (7, 2), (13, 2), (14, 3), (105, 16), (111, 16)],
)
def test_contract_week_counts_from_day_0_as_week_1(day, week):
    start = date(2026, 10, 1)
    assert contract_week(start, start + timedelta(days=day)) == week


def test_there_is_no_contract_week_before_the_start():
    assert contract_week(date(2026, 10, 1), date(2026, 9, 30)) is None


def test_the_week_does_not_slip_across_the_clock_change():
    # 25 October 2026 is when the clocks go back: week boundaries are calendar days.
    start = date(2026, 10, 22)
    assert contract_week(start, date(2026, 10, 28)) == 1
    assert contract_week(start, date(2026, 10, 29)) == 2


def _contract(start: date) -> Contract:
    return Contract(start_date=start, end_date=contract_end(start))


@pytest.mark.parametrize(
    ("on", "text"),
    [
        (date(2026, 9, 30), "Not started yet: starts on 1 October 2026"),
        (date(2026, 10, 1), "In week 1 of 16"),
        (date(2026, 10, 8), "In week 2 of 16"),
        (date(2027, 1, 20), "In week 16 of 16"),
        (date(2027, 1, 21), "In week 16 of 16: ends today"),
        (date(2027, 1, 22), "Finished: ended on 21 January 2027"),
    ],
)
def test_the_page_says_where_the_contract_is(on, text):
    assert progress.contract_timing(_contract(date(2026, 10, 1)), on).text == text
