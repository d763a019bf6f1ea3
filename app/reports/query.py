"""Reading the filters from a query string, for the pages and the API alike.

``from``, ``to`` (``YYYY-MM-DD``), ``by`` (``referral``, ``contract_end``, ``outcome``),
``age_band`` (``under_18``, ``18_25``, ``26_plus``), ``sex`` (``female``, ``male``,
``not_stated``), ``offence_class``, ``keyworker_id`` and ``area`` (a postcode district).
An empty value is no filter. Without ``by`` each report uses its own default.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from marshmallow import Schema, ValidationError, fields, pre_load, validate, validates_schema

from app.cases.models import OffenceClass, Sex
from app.reports.filters import (
    AgeBand,
    DateBasis,
    ReportFilters,
    last_twelve_months,
    normalised_district,
)
from app.schema_fields import Date, Text


def _choices(enum) -> validate.OneOf:
    return validate.OneOf([member.value for member in enum])


class ReportQuerySchema(Schema):
    date_from = Date(
        data_key="from",
        load_default=None,
        metadata={"description": "First day of the range (no `from`/`to`: all records)"},
    )
    date_to = Date(
        data_key="to", load_default=None, metadata={"description": "Last day of the range"}
    )
    by = Text(
        load_default=None,
        validate=_choices(DateBasis),
        metadata={
            "description": "Which date the range selects cases by: `referral` into the team, "
            "`contract_end` or `outcome` (default: the report's own, `outcome` for the "
            "evaluation, `referral` for the others)"
        },
    )
    age_band = Text(
        load_default=None, validate=_choices(AgeBand), metadata={"description": "Age at offence"}
    )
    sex = Text(load_default=None, validate=_choices(Sex))
    offence_class = Text(load_default=None, validate=_choices(OffenceClass))
    keyworker_id = fields.UUID(load_default=None)
    area = Text(
        load_default=None,
        validate=validate.Length(max=8),
        metadata={"description": "Postcode district (the outward code), e.g. `EX1`"},
    )

    @pre_load
    def _blank_is_none(self, data, **kwargs):
        return {key: value for key, value in dict(data).items() if value not in ("", None)}

    @validates_schema
    def _check(self, data, **kwargs):
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            raise ValidationError("The end date must be on or after the start date", "to")
        if data.get("area") and normalised_district(data["area"]) is None:
            raise ValidationError("Enter a postcode district, like EX1", "area")


@dataclass(frozen=True)
class ReportQuery:
    """The filters asked for; ``basis_chosen`` is False when each report picks its date."""

    filters: ReportFilters
    basis_chosen: bool

    def for_basis(self, default: DateBasis) -> ReportFilters:
        return self.filters if self.basis_chosen else replace(self.filters, by=default)


def to_query(data: dict) -> ReportQuery:
    """A ``ReportQuery`` from ``ReportQuerySchema``'s loaded data."""
    values = dict(data)
    by = values.pop("by", None)
    if values.get("area"):
        values["area"] = normalised_district(values["area"])
    filters = ReportFilters(by=DateBasis(by or DateBasis.REFERRAL), **values)
    return ReportQuery(filters, basis_chosen=by is not None)


def parse(args, *, page: bool) -> tuple[ReportQuery, dict]:
    """The query from request arguments, and the errors (field -> messages). On a page,
    a request naming neither ``from`` nor ``to`` covers the last 12 months."""
    raw = dict(args.items()) if hasattr(args, "items") else dict(args)
    errors: dict = {}
    while True:  # drop each argument at fault (and say why) until the rest load
        try:
            data = ReportQuerySchema().load(raw, unknown="exclude")
            break
        except ValidationError as error:
            errors |= error.messages
            raw = {key: value for key, value in raw.items() if key not in error.messages}
    if page and "from" not in raw and "to" not in raw:
        data["date_from"], data["date_to"] = last_twelve_months()
    return to_query(data), errors
