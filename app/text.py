"""Small helpers for turning values into the plain English the pages and messages use."""

from __future__ import annotations

import unicodedata
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


# Letters that Unicode does not decompose into a base letter and a mark.
_FOLDED = str.maketrans(
    {
        "ø": "o",
        "æ": "ae",
        "œ": "oe",
        "ł": "l",
        "đ": "d",
        "ð": "d",
        "þ": "th",
        "ı": "i",
    }
)
# Apostrophes join a name's parts (O'Brien is searched as obrien); other marks separate.
_APOSTROPHES = frozenset("'’‘`´ʼ")


def search_key(text: str | None) -> str:
    """Text as the search compares it: accents and case removed (NFKD, combining marks
    dropped, casefolded), apostrophes dropped, any other punctuation a space, spaces
    collapsed. ``search_key("Zoë O’Brien-Núñez") == "zoe obrien nunez"``."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    folded = plain.casefold().translate(_FOLDED)
    kept = "".join(ch if ch.isalnum() else " " for ch in folded if ch not in _APOSTROPHES)
    return " ".join(kept.split())


def unstorable(text: str) -> str | None:
    """What in ``text`` no database column can hold, as a message names it: a NUL
    character (PostgreSQL refuses it) or half of a surrogate pair (not encodable as
    UTF-8); None when there is nothing. The one test of text input, for the API's fields
    (app.schema_fields.Text) and the pages' forms (app.forms.HubForm)."""
    if "\x00" in text:
        return "a NUL character"
    if any("\ud800" <= character <= "\udfff" for character in text):
        return "an unpaired surrogate (half of a character)"
    return None
