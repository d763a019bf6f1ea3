"""The cohort every report describes: a date range and the cohort filters.

A report counts the cases that meet the filters, and what happened to them:

- the date range selects cases by the date of referral into the team (``Case.created_at``,
  the historic date for an imported case), by the contract's end date, or by the date
  the outcome was decided; each report has a default (the evaluation: the outcome date,
  every other report: the referral). Both ends are included; no ``from``/``to`` means
  all records (the pages default to the last 12 months);
- age band at the offence (under 18, 18 to 25, 26 and over), sex, offence class, the
  keyworker, and the area: the postcode district (the outward code, "EX1").

``ReportFilters.cohort()`` is the one SQL statement of the cohort's case ids that every
report, export and the research extract use, so they can never disagree.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import asdict, dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum

from sqlalchemy import and_, case, extract, select

from app.cases.models import Case, OffenceClass, Person, Sex
from app.contracts.models import Contract
from app.dates import LONDON, add_months, today_in_london
from app.text import long_date


class DateBasis(StrEnum):
    REFERRAL = "referral"
    CONTRACT_END = "contract_end"
    OUTCOME = "outcome"

    @property
    def label(self) -> str:
        return {
            "referral": "Referral into the team",
            "contract_end": "Contract end",
            "outcome": "Outcome decided",
        }[self.value]


class AgeBand(StrEnum):
    UNDER_18 = "under_18"
    AGE_18_25 = "18_25"
    AGE_26_PLUS = "26_plus"

    @property
    def label(self) -> str:
        return {"under_18": "Under 18", "18_25": "18 to 25", "26_plus": "26 and over"}[self.value]


AGE_BOUNDS = {
    AgeBand.UNDER_18: (None, 17),
    AgeBand.AGE_18_25: (18, 25),
    AgeBand.AGE_26_PLUS: (26, None),
}
DISTRICT = re.compile(r"^[A-Z]{1,2}[0-9][0-9A-Z]?$")


def age_at_offence(person=Person, case_=Case):
    """Completed years on the offence date (SQL; ``app.dates.age_on`` in Python)."""
    offence, born = case_.offence_committed_on, person.date_of_birth
    years = extract("year", offence) - extract("year", born)
    before_birthday = (extract("month", offence) * 100 + extract("day", offence)) < (
        extract("month", born) * 100 + extract("day", born)
    )
    return years - case((before_birthday, 1), else_=0)


def age_band_of(person=Person, case_=Case):
    """The age band code at the offence (SQL)."""
    age = age_at_offence(person, case_)
    return case(
        (age < 18, AgeBand.UNDER_18.value),
        (age <= 25, AgeBand.AGE_18_25.value),
        else_=AgeBand.AGE_26_PLUS.value,
    )


def start_of_day_utc(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=LONDON).astimezone(UTC)


def last_twelve_months(today: date | None = None) -> tuple[date, date]:
    today = today or today_in_london()
    return add_months(today, -12) + timedelta(days=1), today


@dataclass(frozen=True)
class ReportFilters:
    date_from: date | None = None
    date_to: date | None = None
    by: DateBasis = DateBasis.REFERRAL
    age_band: AgeBand | None = None
    sex: Sex | None = None
    offence_class: OffenceClass | None = None
    keyworker_id: uuid.UUID | None = None
    area: str | None = None

    def __post_init__(self):
        # Codes given as text become their enums (a bad code raises ValueError).
        for name, kind in (
            ("by", DateBasis),
            ("age_band", AgeBand),
            ("sex", Sex),
            ("offence_class", OffenceClass),
        ):
            value = getattr(self, name)
            if value is not None and not isinstance(value, kind):
                object.__setattr__(self, name, kind(value))

    def with_default_basis(self, basis: DateBasis, chosen: bool) -> ReportFilters:
        return self if chosen else replace(self, by=basis)

    # SQL ---------------------------------------------------------------------------

    def conditions(self, case_=Case, person=Person, contract=Contract) -> list:
        """WHERE clauses over ``case_`` joined to its person (and outer-joined to its
        contract when the range is by contract end)."""
        clauses = []
        if self.date_from is not None or self.date_to is not None:
            clauses.append(self._date_clause(case_, contract))
        if self.age_band is not None:
            low, high = AGE_BOUNDS[self.age_band]
            age = age_at_offence(person, case_)
            if low is not None:
                clauses.append(age >= low)
            if high is not None:
                clauses.append(age <= high)
        if self.sex is not None:
            clauses.append(person.sex == self.sex.value)
        if self.offence_class is not None:
            clauses.append(case_.offence_class == self.offence_class.value)
        if self.keyworker_id is not None:
            clauses.append(case_.keyworker_id == self.keyworker_id)
        if self.area is not None:
            clauses.append(person.postcode.like(self.area + " %"))
        return clauses

    def _date_clause(self, case_, contract):
        if self.by == DateBasis.CONTRACT_END:
            column, parts = contract.end_date, []
            if self.date_from is not None:
                parts.append(column >= self.date_from)
            if self.date_to is not None:
                parts.append(column <= self.date_to)
            return and_(*parts)
        column = case_.created_at if self.by == DateBasis.REFERRAL else case_.outcome_decided_at
        parts = []
        if self.date_from is not None:
            parts.append(column >= start_of_day_utc(self.date_from))
        if self.date_to is not None:
            parts.append(column < start_of_day_utc(self.date_to + timedelta(days=1)))
        return and_(*parts)

    @property
    def needs_contract(self) -> bool:
        return self.by == DateBasis.CONTRACT_END and (
            self.date_from is not None or self.date_to is not None
        )

    def cohort(self):
        """SELECT of the ids of the cases in the cohort (use with ``in_``)."""
        statement = select(Case.id).join(Person, Person.id == Case.person_id)
        if self.needs_contract:
            statement = statement.join(Contract, Contract.case_id == Case.id)
        return statement.where(*self.conditions())

    def holiday_span(self, today: date | None = None) -> tuple[date, date]:
        """The dates a working-day count in these reports may need (see ``sql``)."""
        today = today or today_in_london()
        first = min(self.date_from or date(2015, 1, 1), date(2015, 1, 1))
        return first - timedelta(days=366), today + timedelta(days=730)

    # Describing ----------------------------------------------------------------------

    def describe(self, keyworker_name: str | None = None) -> list[tuple[str, str]]:
        """(label, value) of every filter, for the page and the first rows of a download."""
        if self.date_from is None and self.date_to is None:
            dates = "All records"
        else:
            dates = (
                f"{long_date(self.date_from) if self.date_from else 'the first record'} to "
                f"{long_date(self.date_to) if self.date_to else 'the latest record'}"
            )
        return [
            ("Dates", dates),
            ("Dates by", self.by.label),
            ("Age at offence", self.age_band.label if self.age_band else "All"),
            ("Sex", self.sex.label if self.sex else "All"),
            ("Offence class", self.offence_class.label if self.offence_class else "All"),
            (
                "Keyworker",
                (keyworker_name or str(self.keyworker_id)) if self.keyworker_id else "All",
            ),
            ("Area (postcode district)", self.area or "All"),
        ]

    def as_args(self) -> dict[str, str]:
        """The query-string arguments that give these filters back (links, downloads)."""
        args = {
            "from": self.date_from.isoformat() if self.date_from else "",
            "to": self.date_to.isoformat() if self.date_to else "",
            "by": self.by.value,
            "age_band": self.age_band.value if self.age_band else "",
            "sex": self.sex.value if self.sex else "",
            "offence_class": self.offence_class.value if self.offence_class else "",
            "keyworker_id": str(self.keyworker_id) if self.keyworker_id else "",
            "area": self.area or "",
        }
        return args

    def audit_details(self) -> dict[str, str | None]:
        """The filters for the audit log: codes, dates and a staff id, no personal data."""
        values = asdict(self)
        return {
            key: (value.isoformat() if isinstance(value, date) else str(value))
            if value is not None
            else None
            for key, value in values.items()
        }


def normalised_district(value: str | None) -> str | None:
    """``EX1`` from ``ex1`` or ``EX1 2AB``; None when it is not a postcode district."""
    if not value:
        return None
    district = value.strip().upper().split(" ")[0]
    return district if DISTRICT.match(district) else None
