"""Small helpers for turning values into the plain English the pages and messages use."""

from __future__ import annotations

import uuid
from datetime import date


def as_uuid(value) -> uuid.UUID | None:
    """A UUID from a UUID or its text; None for anything else (bad input is not an error)."""
    if isinstance(value, uuid.UUID):
        return value
    if isinstance(value, str) and value.strip():
        try:
            return uuid.UUID(value.strip())
        except ValueError:
            return None
    return None


def and_list(items: list[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def long_date(day: date) -> str:
    """'1 March 2027', as GOV.UK writes dates."""
    return f"{day.day} {day:%B %Y}"
