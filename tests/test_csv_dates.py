"""A CSV upload's dates are in the hub's years, like every other date it takes (the end
of a contract or a check 365 days on from 9999-12-31 cannot be worked out)."""

from __future__ import annotations

from datetime import date

import pytest

from app.csv_files import parse_date


@pytest.mark.parametrize("text", ["9999-12-31", "31/12/9999", "0001-01-01", "01/01/0999"])
def test_dates_outside_the_hubs_years_are_not_dates(text):
    assert parse_date(text) is None


@pytest.mark.parametrize(
    ("text", "expected"), [("2026-01-02", date(2026, 1, 2)), ("02/01/2026", date(2026, 1, 2))]
)
def test_dates_inside_them_are_read(text, expected):
    assert parse_date(text) == expected
