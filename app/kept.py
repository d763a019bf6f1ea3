"""What the hub has worked out, kept for a short time: one mechanism for the report
figures (app.reports.figures), and counts shown on pages: each user's task counts in the
navigation (app.tasks.navigation), the team's cases per keyworker (app.cases.team) and
the victims home's cases with victims (app.victims.listing).

Kept in ``app.extensions.cache``: Redis when ``CACHE_REDIS_URL`` names one (every web
process shares it), else the process's own memory. Each caller names what it keeps (a
key holding no personal data) and for how long; 0 seconds works it out every time. What
a change to the records alters can be forgotten as soon as the change is committed
(``forget_when_committed``). The store only saves work: when it cannot be reached, what
was asked for is worked out from the records, nothing is kept, and a warning is logged.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Generic, TypeVar

from flask import current_app, has_app_context
from redis.exceptions import RedisError
from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from app.database import utcnow
from app.extensions import cache

log = logging.getLogger(__name__)
UNREACHABLE = (RedisError, OSError)

T = TypeVar("T")


@dataclass(frozen=True)
class Kept(Generic[T]):
    value: T
    worked_out_at: datetime


def seconds(setting: str) -> int:
    """How long the setting named says to keep something (0: not at all)."""
    return max(0, int(current_app.config[setting]))


def counts_seconds() -> int:
    """How long counts shown on pages are kept (``KEPT_COUNTS_SECONDS``)."""
    return seconds("KEPT_COUNTS_SECONDS")


def kept(key: str, seconds: int, work_out: Callable[[], T]) -> Kept[T]:
    """What is kept under ``key`` if worked out less than ``seconds`` ago, else
    ``work_out()``, kept."""
    if seconds <= 0:
        return Kept(work_out(), utcnow())
    try:
        found = cache.get(key)
    except UNREACHABLE as error:
        _unreachable("read", error)
        return Kept(work_out(), utcnow())
    # The age is checked here too, not only by the store's own expiry: one clock decides.
    if found is None or utcnow() - found.worked_out_at >= timedelta(seconds=seconds):
        found = keep(key, seconds, work_out())
    return found


def keep(key: str, seconds: int, value: T) -> Kept[T]:
    """Keep ``value``, just worked out, under ``key``."""
    found = Kept(value, utcnow())
    if seconds > 0:
        try:
            cache.set(key, found, timeout=seconds)
        except UNREACHABLE as error:
            _unreachable("keep", error)
    return found


def forget(key: str) -> None:
    """Work out what is kept under ``key`` again next time it is asked for. (Outside an
    app, as in a script's own session, nothing can be kept.)"""
    if not has_app_context():
        return
    try:
        cache.delete(key)
    except UNREACHABLE as error:
        # What was kept stays until its time is up (at most KEPT_COUNTS_SECONDS or
        # REPORT_FIGURES_SECONDS), should the store come back before then.
        _unreachable("forget", error)


def _unreachable(doing: str, error: Exception) -> None:
    log.warning("kept figures: could not %s (%s); worked out instead", doing, type(error).__name__)


def changed(instance, fields: tuple[str, ...]) -> bool:
    """Whether a flush adds or deletes ``instance``, or changes one of its ``fields``."""
    state = inspect(instance)
    session = state.session  # during a flush, its new and deleted are still the flush's
    if session is not None and (instance in session.new or instance in session.deleted):
        return True
    return any(state.attrs[name].history.has_changes() for name in fields)


def forget_when_committed(key: str, alters: Callable[[object], bool]) -> None:
    """Forget ``key`` once a transaction is committed in which a flush added, changed or
    deleted an object that ``alters`` (called with each of them) says alters it. Changes
    written as bulk SQL statements bypass this: whoever writes them forgets."""
    flag = f"kept-altered:{key}"

    @event.listens_for(Session, "after_flush")
    def _note(session, _context):
        if not session.info.get(flag):
            flushed = (*session.new, *session.dirty, *session.deleted)
            if any(alters(instance) for instance in flushed):
                session.info[flag] = True

    @event.listens_for(Session, "after_commit")
    def _forget(session):
        if session.info.pop(flag, False):
            forget(key)

    @event.listens_for(Session, "after_rollback")
    def _unchanged(session):
        session.info.pop(flag, None)
