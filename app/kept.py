"""What the hub has worked out, kept for a short time: one mechanism for the report
figures (app.reports.figures), each user's task counts in the navigation
(app.tasks.navigation) and the team's cases per keyworker (app.cases.caseload).

Kept in ``app.extensions.cache``: Redis when ``CACHE_REDIS_URL`` names one (every web
process shares it), else the process's own memory. Each caller names what it keeps (a
key holding no personal data) and for how long; 0 seconds works it out every time.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Generic, TypeVar

from app.database import utcnow
from app.extensions import cache

T = TypeVar("T")


@dataclass(frozen=True)
class Kept(Generic[T]):
    value: T
    worked_out_at: datetime


def kept(key: str, seconds: int, work_out: Callable[[], T]) -> Kept[T]:
    """What is kept under ``key`` if worked out less than ``seconds`` ago, else
    ``work_out()``, kept."""
    if seconds <= 0:
        return Kept(work_out(), utcnow())
    found = cache.get(key)
    # The age is checked here too, not only by the store's own expiry: one clock decides.
    if found is None or utcnow() - found.worked_out_at >= timedelta(seconds=seconds):
        found = keep(key, seconds, work_out())
    return found


def keep(key: str, seconds: int, value: T) -> Kept[T]:
    """Keep ``value``, just worked out, under ``key``."""
    found = Kept(value, utcnow())
    if seconds > 0:
        cache.set(key, found, timeout=seconds)
    return found


def forget(key: str) -> None:
    """Work out what is kept under ``key`` again next time it is asked for."""
    cache.delete(key)
