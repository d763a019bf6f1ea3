"""SQL building blocks the reports share, each portable to SQLite and PostgreSQL.

Everything a report counts is worked out by the database (GROUP BY, CASE, window
functions); Python only turns the few aggregate rows into a dataclass. Where the two
databases spell a thing differently, a construct here compiles to each one's spelling:

- ``london_date(ts)``: the UK date of a UTC timestamp. PostgreSQL converts with the
  time zone database; SQLite (no time zones) applies British Summer Time itself, from
  01:00 UTC on the last Sunday of March to 01:00 UTC on the last Sunday of October.
- ``day_number(d)``: days since Monday 1 January 1900, so that two dates subtract.
- ``month_of(d)``: ``YYYY-MM``.
- ``working_day_number(n, holidays)``: the working days (Monday to Friday, England and
  Wales bank holidays excluded) from the epoch up to and including day ``n``; the
  working days after one day up to and including another are the difference, as
  ``app.workdays.working_days_between`` counts them.
- ``percentile_columns``: the two ranked values a percentile lies between (as
  PostgreSQL's ``percentile_cont`` interpolates), with window functions both databases
  have; ``interpolate`` finishes the sum.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Date, Integer, String, case, func, literal_column, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from app.workdays import bank_holidays_between

EPOCH = date(1900, 1, 1)  # a Monday: day 0 of day_number


class london_date(FunctionElement):  # noqa: N801 - reads as the SQL function it is
    type = Date()
    inherit_cache = True
    name = "london_date"


@compiles(london_date, "postgresql")
def _london_date_pg(element, compiler, **kw):
    value = compiler.process(element.clauses, **kw)
    return f"CAST(timezone('Europe/London', {value}) AS DATE)"


@compiles(london_date)
def _london_date_sqlite(element, compiler, **kw):
    value = compiler.process(element.clauses, **kw)
    year = f"strftime('%Y', {value})"
    start = f"datetime({year} || '-03-31', '-6 days', 'weekday 0', '+1 hour')"
    end = f"datetime({year} || '-10-31', '-6 days', 'weekday 0', '+1 hour')"
    return (
        f"(CASE WHEN {value} >= {start} AND {value} < {end} "
        f"THEN date({value}, '+1 hour') ELSE date({value}) END)"
    )


class day_number(FunctionElement):  # noqa: N801
    type = Integer()
    inherit_cache = True
    name = "day_number"


@compiles(day_number, "postgresql")
def _day_number_pg(element, compiler, **kw):
    value = compiler.process(element.clauses, **kw)
    return f"(CAST({value} AS DATE) - DATE '{EPOCH.isoformat()}')"


@compiles(day_number)
def _day_number_sqlite(element, compiler, **kw):
    value = compiler.process(element.clauses, **kw)
    return f"CAST(julianday(date({value})) - julianday('{EPOCH.isoformat()}') AS INTEGER)"


class month_of(FunctionElement):  # noqa: N801
    type = String()
    inherit_cache = True
    name = "month_of"


@compiles(month_of, "postgresql")
def _month_of_pg(element, compiler, **kw):
    return f"to_char({compiler.process(element.clauses, **kw)}, 'YYYY-MM')"


@compiles(month_of)
def _month_of_sqlite(element, compiler, **kw):
    return f"strftime('%Y-%m', {compiler.process(element.clauses, **kw)})"


def days_between(start, end):
    """Calendar days from the date ``start`` to the date ``end`` (SQL)."""
    return day_number(end) - day_number(start)


@dataclass(frozen=True)
class HolidaySpan:
    """The weekday bank holidays a query counts, as day numbers (ascending). Holidays
    outside the span are not subtracted, so keep it wide enough for the dates compared."""

    days: tuple[int, ...]

    @classmethod
    def between(cls, first: date, last: date) -> HolidaySpan:
        return cls(
            tuple(
                (day - EPOCH).days
                for day in bank_holidays_between(first, last)
                if day.weekday() < 5
            )
        )


def _int(value: int):
    return literal_column(str(int(value)), Integer())


def working_day_number(number, holidays: HolidaySpan):
    """Working days from the epoch up to and including day ``number`` (SQL; see above)."""
    next_day = number + _int(1)
    weekdays = (next_day // _int(7)) * _int(5) + case(
        (next_day % _int(7) > _int(5), _int(5)), else_=next_day % _int(7)
    )
    if not holidays.days:
        return weekdays
    # A ladder, latest first: recent dates (the usual ones) stop at the first steps.
    ladder = [
        (number >= _int(day), _int(position))
        for position, day in reversed(list(enumerate(holidays.days, start=1)))
    ]
    return weekdays - case(*ladder, else_=_int(0))


def working_days_between(start_date, end_date, holidays: HolidaySpan):
    """Working days after the date ``start_date`` up to and including ``end_date`` (SQL).

    Each argument is written out once per holiday in the span: over many rows, select
    the ``day_number`` of each date in a subquery first and use ``working_days`` on its
    columns, so the database works each date out once."""
    return working_days(day_number(start_date), day_number(end_date), holidays)


def working_days(start_number, end_number, holidays: HolidaySpan):
    """Working days after day ``start_number`` up to and including ``end_number`` (SQL,
    over two ``day_number`` columns)."""
    return working_day_number(end_number, holidays) - working_day_number(start_number, holidays)


def count_where(condition):
    """How many rows meet ``condition`` (SQL; a CASE both databases run)."""
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


# Percentiles ------------------------------------------------------------------------


@dataclass(frozen=True)
class Quantile:
    """The quantile ``numerator / denominator`` (one half: the median)."""

    name: str
    numerator: int
    denominator: int


MEDIAN = Quantile("median", 1, 2)
P90 = Quantile("p90", 9, 10)


def percentile_columns(values_subquery, value_column: str, groups=(), quantiles=(MEDIAN,)):
    """One row per group of ``values_subquery`` (whose rows hold no NULL value) with
    ``n`` and, for each quantile, ``<name>_lo`` and ``<name>_hi``: the ranked values it
    lies between. Pass the row to ``interpolate``."""
    value = values_subquery.c[value_column]
    group_columns = [values_subquery.c[g] for g in groups]
    ranked = select(
        *group_columns,
        value.label("v"),
        func.row_number().over(partition_by=group_columns or None, order_by=value).label("rn"),
        func.count().over(partition_by=group_columns or None).label("n"),
    ).subquery("ranked")
    columns = [ranked.c[g] for g in groups]
    parts = [func.max(ranked.c.n).label("n")]
    for q in quantiles:
        below = (_int(q.numerator) * (ranked.c.n - _int(1))) // _int(q.denominator)
        above = (_int(q.numerator) * (ranked.c.n - _int(1)) + _int(q.denominator - 1)) // _int(
            q.denominator
        )
        parts.append(
            func.max(case((ranked.c.rn == below + _int(1), ranked.c.v))).label(q.name + "_lo")
        )
        parts.append(
            func.max(case((ranked.c.rn == above + _int(1), ranked.c.v))).label(q.name + "_hi")
        )
    statement = select(*columns, *parts)
    return statement.group_by(*columns) if columns else statement


def interpolate(row, quantile: Quantile) -> float | None:
    """The quantile from a row of ``percentile_columns`` (None when there are no values)."""
    n = row.n if row is not None else None
    if not n:
        return None
    low = getattr(row, quantile.name + "_lo")
    high = getattr(row, quantile.name + "_hi")
    fraction = (quantile.numerator * (n - 1) % quantile.denominator) / quantile.denominator
    return float(low) + fraction * (float(high) - float(low))
