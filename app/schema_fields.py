"""Marshmallow fields and query schemas shared by every feature's schemas and the API.

It imports nothing from the app, so any feature's ``schemas.py`` may use it.

- ``UTCDateTime``: times as API.md writes them, ISO 8601 in UTC with a ``Z``
  (``2026-11-22T09:30:00Z``); on input any ISO 8601 time with an offset.
- ``ListQuerySchema``: ``page``, ``per_page`` (1..200) and ``updated_since``, the
  paging and sync parameters of every list. A page beyond the last answers 200 with no
  items; a page below 1 or a ``per_page`` outside 1..200 answers 422.
- ``list_schema(ItemSchema)``: the ``{"items", "total", "page", "per_page"}`` body.
"""

from __future__ import annotations

import datetime as dt

from marshmallow import Schema, fields, validate

MAX_PAGE = 100_000
MAX_PER_PAGE = 200
DEFAULT_PER_PAGE = 50
EXAMPLE_TIME = "2026-11-22T09:30:00Z"


def utc_iso(value: dt.datetime | None) -> str | None:
    """``2026-11-22T09:30:00Z``: UTC, whole seconds unless the value has microseconds."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)  # stored times are UTC (app.database)
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


class UTCDateTime(fields.AwareDateTime):
    """A time in UTC, written with ``Z``; read from ISO 8601 with an offset (or ``Z``)."""

    def __init__(self, **kwargs):
        kwargs.pop("format", None)  # always ISO 8601
        metadata = {"example": EXAMPLE_TIME, **kwargs.pop("metadata", {})}
        super().__init__(format="iso", metadata=metadata, **kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        return utc_iso(value)


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
