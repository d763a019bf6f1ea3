"""Marshmallow fields and query schemas shared by every feature's schemas and the API.

It imports nothing from the app, so any feature's ``schemas.py`` may use it.

- ``Text`` (and ``Email``): every text input; refuses what no column can store (a NUL
  character, an unpaired surrogate: app.text.unstorable) with a 422 naming the field.
- ``UTCDateTime``: times as API.md writes them, ISO 8601 in UTC with a ``Z``
  (``2026-11-22T09:30:00Z``); on input any ISO 8601 time with an offset, read as UTC
  and refused outside the years ``EARLIEST`` to ``LATEST`` (``0001-01-01T00:00:00+01:00``
  is a time that cannot be held in UTC at all).
- ``Date``: a ``YYYY-MM-DD`` date in the same years (date arithmetic on 9999-12-31 fails).
- ``ListQuerySchema``: ``page``, ``per_page`` (1..200) and ``updated_since``, the
  paging and sync parameters of every list. A page beyond the last answers 200 with no
  items; a page below 1 or a ``per_page`` outside 1..200 answers 422.
- ``list_schema(ItemSchema)``: the ``{"items", "total", "page", "per_page"}`` body.
"""

from __future__ import annotations

import datetime as dt

from marshmallow import Schema, fields, validate

from app.text import unstorable

MAX_PAGE = 100_000
MAX_PER_PAGE = 200
DEFAULT_PER_PAGE = 50
EXAMPLE_TIME = "2026-11-22T09:30:00Z"
# Every date and time the hub takes falls in these years: arithmetic near the ends of
# Python's calendar (year 1, year 9999) raises. Each feature's own rules (a date of birth
# after 1900, a contract starting soon) then give their own messages inside them.
EARLIEST_YEAR, LATEST_YEAR = 1000, 8999
OUT_OF_RANGE = f"Enter a date between the years {EARLIEST_YEAR} and {LATEST_YEAR}"


def utc_iso(value: dt.datetime | None) -> str | None:
    """``2026-11-22T09:30:00Z``: UTC, whole seconds unless the value has microseconds."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)  # stored times are UTC (app.database)
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


class Text(fields.String):
    """Text input: refused, naming the field, if it holds what no column can store."""

    default_error_messages = {"unstorable": "Text must not contain {problem}"}

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        problem = unstorable(text)
        if problem:
            raise self.make_error("unstorable", problem=problem)
        return text


class Email(fields.Email, Text):
    """An email address, checked as ``Text`` first."""


class UTCDateTime(fields.AwareDateTime):
    """A time in UTC, written with ``Z``; read from ISO 8601 with an offset (or ``Z``) as
    an aware UTC time, in the years ``EARLIEST_YEAR`` to ``LATEST_YEAR``."""

    default_error_messages = {"out_of_range": OUT_OF_RANGE}

    def __init__(self, **kwargs):
        kwargs.pop("format", None)  # always ISO 8601
        metadata = {"example": EXAMPLE_TIME, **kwargs.pop("metadata", {})}
        super().__init__(format="iso", metadata=metadata, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        moment = super()._deserialize(value, attr, data, **kwargs)
        try:
            moment = moment.astimezone(dt.UTC)
        except OverflowError:  # before year 1 or after year 9999 once in UTC
            raise self.make_error("out_of_range") from None
        if not EARLIEST_YEAR <= moment.year <= LATEST_YEAR:
            raise self.make_error("out_of_range")
        return moment

    def _serialize(self, value, attr, obj, **kwargs):
        return utc_iso(value)


class Date(fields.Date):
    """A ``YYYY-MM-DD`` date in the years ``EARLIEST_YEAR`` to ``LATEST_YEAR``."""

    default_error_messages = {"out_of_range": OUT_OF_RANGE}

    def _deserialize(self, value, attr, data, **kwargs):
        day = super()._deserialize(value, attr, data, **kwargs)
        if not EARLIEST_YEAR <= day.year <= LATEST_YEAR:
            raise self.make_error("out_of_range")
        return day


class ListQuerySchema(Schema):
    """Paging and sync parameters; subclass it to add a list's own filters."""

    page = fields.Integer(
        load_default=1,
        validate=validate.Range(min=1, max=MAX_PAGE),
        metadata={"description": "From 1. A page beyond the last answers with no items"},
    )
    per_page = fields.Integer(
        load_default=DEFAULT_PER_PAGE,
        validate=validate.Range(min=1, max=MAX_PER_PAGE),
        metadata={"description": f"Items per page, 1 to {MAX_PER_PAGE}"},
    )
    updated_since = UTCDateTime(
        load_default=None,
        metadata={
            "description": (
                "Only items changed at or after this time (ISO 8601 with an offset). "
                "Lists are ordered by the time of the last change, then by id, so a "
                "partner system can sync from the `updated_at` of the last item it saw"
            )
        },
    )


def list_schema(item_schema, name: str | None = None) -> type[Schema]:
    """The list body for ``item_schema``: ``{"items", "total", "page", "per_page"}``."""
    return Schema.from_dict(
        {
            "items": fields.List(fields.Nested(item_schema)),
            "total": fields.Integer(metadata={"description": "How many match, on every page"}),
            "page": fields.Integer(),
            "per_page": fields.Integer(),
        },
        name=name or f"{getattr(item_schema, '__name__', 'Item').removesuffix('Schema')}List",
    )
