"""The referral reference: what partners and keyworkers quote to each other.

A reference is derived from the referral's id ("RF-" and its first 8 hexadecimal digits,
in capitals), so it needs no column of its own and never identifies the person. Searching
by reference turns it into a range of ids, which the primary key index answers.
"""

from __future__ import annotations

import string
import uuid

PREFIX = "RF-"
LENGTH = 8
MIN_SEARCH = 4
_HEX = frozenset(string.hexdigits.lower())


def reference(referral_id: uuid.UUID) -> str:
    return PREFIX + referral_id.hex[:LENGTH].upper()


def id_range(text: str | None) -> tuple[uuid.UUID, uuid.UUID] | None:
    """The lowest and highest ids whose reference starts with ``text`` (``RF-1A2B3C4D``,
    ``1a2b3c4d``, a shorter start of 4 digits or more, or a whole id); None if it cannot
    be a reference."""
    cleaned = (text or "").strip().lower()
    if cleaned.startswith(PREFIX.lower()):
        cleaned = cleaned[len(PREFIX) :]
    cleaned = cleaned.replace("-", "").replace(" ", "")
    if not MIN_SEARCH <= len(cleaned) <= 32 or not set(cleaned) <= _HEX:
        return None
    return uuid.UUID(cleaned.ljust(32, "0")), uuid.UUID(cleaned.ljust(32, "f"))
