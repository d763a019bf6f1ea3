"""What a report page, its CSV and its Excel workbook show, built once from the report's
dataclass: summary cards, charts, tables and notes. The page renders all of it; the
downloads write the same tables (so a figure cannot differ between them)."""

from __future__ import annotations

from dataclasses import dataclass, field

from markupsafe import Markup

TEXT, COUNT, PERCENT, NUMBER = "text", "count", "percent", "number"


@dataclass(frozen=True)
class Column:
    label: str
    kind: str = COUNT

    @property
    def numeric(self) -> bool:
        return self.kind != TEXT


@dataclass(frozen=True)
class Table:
    key: str
    title: str
    columns: tuple[Column, ...]
    rows: tuple[tuple, ...]
    caption: str | None = None


@dataclass(frozen=True)
class Card:
    label: str
    value: str
    hint: str | None = None


@dataclass(frozen=True)
class Presentation:
    cards: tuple[Card, ...] = ()
    charts: tuple[Markup, ...] = ()
    tables: tuple[Table, ...] = ()
    notes: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    extra: dict = field(default_factory=dict)


def percent(value: float | None) -> str:
    return "Not available" if value is None else f"{value * 100:.1f}%"


def number(value: float | None, unit: str = "") -> str:
    if value is None:
        return "Not available"
    text = f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"
    return f"{text}{unit}"


def count(value) -> str:
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def cell_text(value, kind: str) -> str:
    """A cell as the page shows it."""
    if value is None:
        return "Not available"
    if kind == PERCENT:
        return percent(value) if isinstance(value, (int, float)) else str(value)
    if kind == NUMBER:
        return number(value) if isinstance(value, (int, float)) else str(value)
    if kind == COUNT:
        return count(value)
    return str(value)


def cell_value(value, kind: str):
    """A cell as a download holds it: numbers stay numbers (rates as percentages to one
    decimal place), missing values are empty."""
    if value is None:
        return ""
    if kind == PERCENT and isinstance(value, (int, float)):
        return round(value * 100, 1)
    if kind == NUMBER and isinstance(value, float):
        return round(value, 2)
    return value


def download_label(column: Column) -> str:
    return f"{column.label} (%)" if column.kind == PERCENT else column.label
