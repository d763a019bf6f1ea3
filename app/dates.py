"""Date rules of the scheme: ages, the 16-week contract, months, and UK local dates."""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from app.database import utcnow

LONDON = ZoneInfo("Europe/London")
CONTRACT_DAYS = 112
CONTRACT_WEEKS = 16


def today_in_london(now: datetime | None = None) -> date:
    return (now or utcnow()).astimezone(LONDON).date()


# The date-entry shortcuts offered beside a date input: key -> (link text, days ago).
DATE_SHORTCUTS = {"today": ("Today", 0), "yesterday": ("Yesterday", 1)}


def shortcut_date(key: str | None, today: date | None = None) -> date | None:
    """The date a shortcut stands for (None for anything else)."""
    if key not in DATE_SHORTCUTS:
        return None
    return (today or today_in_london()) - timedelta(days=DATE_SHORTCUTS[key][1])


def date_shortcuts(today: date | None = None) -> list[dict]:
    """Each shortcut's key, link text and date (for the page and its script)."""
    return [
        {"key": key, "text": text, "date": shortcut_date(key, today)}
        for key, (text, _days) in DATE_SHORTCUTS.items()
    ]


def age_on(date_of_birth: date, on: date) -> int:
    """Completed years on ``on``. Someone born on 29 February has a birthday on 1 March in
    years without one (the anniversary falls the day after 28 February)."""
    years = on.year - date_of_birth.year
    birthday_this_year = _anniversary(date_of_birth, on.year)
    return years - 1 if on < birthday_this_year else years


def _anniversary(born: date, year: int) -> date:
    if born.month == 2 and born.day == 29 and not calendar.isleap(year):
        return date(year, 3, 1)
    return born.replace(year=year)


def contract_end(start: date) -> date:
    return start + timedelta(days=CONTRACT_DAYS)


def contract_week(start: date, on: date) -> int | None:
    """Week 1 starts on the start date; None before it starts. After week 16, stays 16+."""
    if on < start:
        return None
    return (on - start).days // 7 + 1


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def end_of_day_utc(day: date) -> datetime:
    """The last moment of ``day`` in UK time, as a UTC timestamp (for expiries given as dates)."""
    local = datetime.combine(day + timedelta(days=1), time.min, tzinfo=LONDON)
    return local.astimezone(UTC) - timedelta(microseconds=1)
