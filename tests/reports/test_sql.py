"""The portable SQL building blocks agree with the Python rules they stand for."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import literal, select, union_all

from app.dates import today_in_london
from app.extensions import db
from app.reports.sql import (
    MEDIAN,
    P90,
    HolidaySpan,
    day_number,
    interpolate,
    london_date,
    month_of,
    percentile_columns,
    working_days_between,
)
from app.workdays import working_days_between as python_working_days

MOMENTS = [
    datetime(2026, 3, 29, 0, 59, tzinfo=UTC),  # the last minute of GMT
    datetime(2026, 3, 29, 1, 0, tzinfo=UTC),  # BST begins
    datetime(2026, 6, 30, 23, 30, tzinfo=UTC),  # 00:30 on 1 July in London
    datetime(2026, 10, 25, 0, 59, tzinfo=UTC),  # still BST
    datetime(2026, 10, 25, 1, 0, tzinfo=UTC),  # GMT again
    datetime(2026, 12, 31, 23, 30, tzinfo=UTC),
]


def test_london_date_matches_python(app):
    from app.database import UTCDateTime

    for moment in MOMENTS:
        found = db.session.scalar(select(london_date(literal(moment, UTCDateTime()))))
        if isinstance(found, str):
            found = date.fromisoformat(found)
        assert found == today_in_london(moment), moment


def test_day_number_and_month(app):
    assert db.session.scalar(select(day_number(literal(date(1900, 1, 2))))) == 1
    assert (
        db.session.scalar(select(day_number(literal(date(2026, 1, 1)))))
        == (date(2026, 1, 1) - date(1900, 1, 1)).days
    )
    assert db.session.scalar(select(month_of(literal(date(2026, 2, 9))))) == "2026-02"


def test_working_days_match_python_over_bank_holidays(app):
    holidays = HolidaySpan.between(date(2025, 1, 1), date(2027, 12, 31))
    start = date(2025, 12, 19)  # a Friday before Christmas
    pairs = [(start, start + timedelta(days=n)) for n in range(0, 20)]
    pairs += [(date(2026, 4, 2), date(2026, 4, 7)), (date(2026, 5, 1), date(2026, 5, 5))]
    statement = select(
        *(
            working_days_between(literal(a), literal(b), holidays).label(f"d{i}")
            for i, (a, b) in enumerate(pairs)
        )
    )
    row = db.session.execute(statement).one()
    assert list(row) == [python_working_days(a, b) for a, b in pairs]


def test_percentiles_interpolate_like_percentile_cont(app):
    values = [3, 1, 4, 1, 5, 9, 2, 6]
    rows = union_all(*(select(literal(v).label("v")) for v in values)).subquery()
    row = db.session.execute(percentile_columns(rows, "v", quantiles=(MEDIAN, P90))).one()
    assert interpolate(row, MEDIAN) == 3.5
    # sorted 1 1 2 3 4 5 6 9: position 0.9 * 7 = 6.3 -> 6 + 0.3 * (9 - 6)
    assert abs(interpolate(row, P90) - 6.9) < 1e-9
