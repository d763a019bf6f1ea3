"""The shape of a subject access record: sections of records of labelled values.

One structure, built once per request, is both the print view (each section a heading,
each record a summary list) and the JSON (``as_json``: section key -> list of records,
each record field key -> value), so the two can never disagree.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from app.template_helpers import london_datetime, long_date


@dataclass(frozen=True)
class Item:
    key: str
    label: str
    value: object


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    records: list[list[Item]]
    empty: str = "Nothing recorded."


@dataclass(frozen=True)
class SubjectRecord:
    subject: str  # "person" or "victim"
    subject_id: uuid.UUID
    title: str
    produced_at: datetime
    produced_by: str
    sections: list[Section]
    withheld: list[str] = field(default_factory=list)

    def as_json(self) -> dict:
        return {
            "subject": self.subject,
            "subject_id": str(self.subject_id),
            "produced_at": self.produced_at.isoformat(),
            "produced_by": self.produced_by,
            "withheld": self.withheld,
            "sections": {
                section.key: [
                    {item.key: json_value(item.value) for item in record}
                    for record in section.records
                ]
                for section in self.sections
            },
        }


def record(*items: tuple[str, str, object]) -> list[Item]:
    """A record from (key, label, value) triples."""
    return [Item(key, label, value) for key, label, value in items]


def section(key: str, title: str, records: Iterable[list[Item]], empty: str = "") -> Section:
    return Section(key, title, list(records), empty or "Nothing recorded.")


def json_value(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, dict):
        return {str(k): json_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_value(v) for v in value]
    return value


def display(value) -> str:
    """A value as the print view writes it."""
    if value is None or value == "" or value == [] or value == {}:
        return "Not recorded"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime):
        return london_datetime(value)
    if isinstance(value, date):
        return long_date(value)
    if isinstance(value, list | tuple):
        return "; ".join(display(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k.replace('_', ' ')}: {display(v)}" for k, v in value.items())
    return str(value)
