"""Working days in England and Wales: Monday to Friday, bank holidays excluded.

Bank holidays come from the maintained ``holidays`` package (GB, subdivision England,
whose bank holidays are also Wales's), including substitute days such as a Boxing Day
that falls on a Saturday.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import holidays


@lru_cache(maxsize=64)
def _bank_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year))


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _bank_holidays(day.year)


def add_working_days(start: date, days: int) -> date:
    """The date ``days`` working days after ``start`` (``start`` itself does not count)."""
    if days < 0:
        raise ValueError("days must not be negative")
    day = start
    remaining = days
    while remaining:
        day += timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return day


def working_days_between(start: date, end: date) -> int:
    """Working days after ``start`` up to and including ``end`` (0 if end <= start)."""
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        if is_working_day(day):
            count += 1
    return count


def bank_holidays_between(first: date, last: date) -> list[date]:
    """England and Wales bank holidays from ``first`` to ``last`` inclusive, in order."""
    days: set[date] = set()
    for year in range(first.year, last.year + 1):
        days |= _bank_holidays(year)
    return sorted(day for day in days if first <= day <= last)
