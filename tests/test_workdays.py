"""Working days in England and Wales, from the holidays package's bank holiday data."""

from datetime import date

import pytest

from app.workdays import add_working_days, is_working_day, working_days_between


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        (date(2026, 11, 23), 2, date(2026, 11, 25)),  # Monday + 2 = Wednesday
        (date(2026, 11, 26), 2, date(2026, 11, 30)),  # Thursday + 2 skips the weekend
        (date(2026, 11, 28), 1, date(2026, 11, 30)),  # from a Saturday
        (date(2026, 12, 24), 2, date(2026, 12, 30)),  # Christmas, and Boxing Day observed on 28th
        (date(2027, 3, 25), 1, date(2027, 3, 30)),  # Good Friday and Easter Monday
        (date(2026, 8, 28), 1, date(2026, 9, 1)),  # late summer bank holiday, 31 August
        (date(2026, 11, 23), 0, date(2026, 11, 23)),
    ],
)
def test_add_working_days(start, days, expected):
    assert add_working_days(start, days) == expected


def test_bank_holidays_and_weekends_are_not_working_days():
    assert not is_working_day(date(2026, 12, 28))  # Boxing Day (substitute day)
    assert not is_working_day(date(2026, 5, 4))  # early May bank holiday
    assert not is_working_day(date(2026, 11, 22))  # a Sunday
    assert is_working_day(date(2026, 11, 23))


def test_working_days_between():
    assert working_days_between(date(2026, 12, 24), date(2026, 12, 31)) == 3  # 29, 30, 31
    assert working_days_between(date(2026, 12, 31), date(2026, 12, 24)) == 0
