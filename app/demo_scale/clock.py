"""Cached date arithmetic for the scale generator (it asks the same questions millions
of times)."""

from __future__ import annotations

from bisect import bisect_right
from datetime import UTC, date, datetime, time
from functools import lru_cache

from app.workdays import add_working_days


@lru_cache(maxsize=200_000)
def at(day: date, hour: int) -> datetime:
    """``hour`` o'clock London time on ``day``, in UTC."""
    from app.dates import LONDON

    return datetime.combine(day, time(hour), tzinfo=LONDON).astimezone(UTC)


working_days_after = lru_cache(maxsize=200_000)(add_working_days)


class Weighted:
    """Values with weights, drawn with one random number (``random.choices`` rebuilds its
    tables on every call, which the generator cannot afford)."""

    def __init__(self, weights: dict):
        self.values = list(weights)
        total, self.bounds = 0, []
        for weight in weights.values():
            total += weight
            self.bounds.append(total)
        self.total = total

    def draw(self, rng):
        return self.values[bisect_right(self.bounds, rng.random() * self.total)]
