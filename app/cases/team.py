"""The team caseload's cases per keyworker, kept for a short time.

The supervisor's team view shows, for every keyworker, their open cases and all their
cases. Working that out groups every case of the service (about 20 ms at 200,000 cases,
docs/bench/README.md), so it is kept (``app.kept``) for ``KEPT_COUNTS_SECONDS`` and
shared by every supervisor. Kept figures are forgotten once a change is committed that
alters them: a case added, allocated, moved on or erased, or a keyworker added, renamed,
deactivated or given another role. Counts of cases and staff names only: no personal data
of the people the cases are about.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import case as when
from sqlalchemy import func, inspect, select

from app import kept
from app.auth.models import User
from app.auth.roles import Role
from app.cases.models import OPEN_CASE_STATUSES, Case
from app.cases.services import active_keyworker_names
from app.extensions import db

KEY = "team-counts"


@dataclass(frozen=True)
class KeyworkerCount:
    keyworker_id: uuid.UUID | None
    name: str
    open_cases: int
    total: int


def keyworker_counts() -> list[KeyworkerCount]:
    """Cases per keyworker, with every active keyworker and, last, the unallocated."""
    return kept.kept(KEY, kept.counts_seconds(), _work_out).value


def _work_out() -> list[KeyworkerCount]:
    """The cases are grouped alone (their (keyworker, status) index answers it without
    reading a case row), and only the groups are joined to their keyworkers' names."""
    per_keyworker = (
        select(
            Case.keyworker_id.label("keyworker_id"),
            func.count().label("total"),
            func.sum(when((Case.status.in_(OPEN_CASE_STATUSES), 1), else_=0)).label("open"),
        )
        .group_by(Case.keyworker_id)
        .subquery()
    )
    grouped = db.session.execute(
        select(
            per_keyworker.c.keyworker_id,
            User.name,
            per_keyworker.c.total,
            per_keyworker.c.open,
        ).outerjoin(User, User.id == per_keyworker.c.keyworker_id)
    ).all()
    counts = {
        keyworker_id: KeyworkerCount(keyworker_id, name or "Not allocated", int(o or 0), total)
        for keyworker_id, name, total, o in grouped
    }
    for keyworker_id, name in active_keyworker_names():
        counts.setdefault(keyworker_id, KeyworkerCount(keyworker_id, name, 0, 0))
    unallocated = counts.pop(None, KeyworkerCount(None, "Not allocated", 0, 0))
    ordered = sorted(counts.values(), key=lambda count: (count.name, str(count.keyworker_id)))
    return [*ordered, unallocated]


def total_of(counts: list[KeyworkerCount], keyworker: uuid.UUID | str | None) -> int:
    """How many cases the team view lists with no status filter: all of them, or one
    keyworker's (``None`` for the unallocated), from the counts it shows beside them."""
    if keyworker is None:
        return sum(count.total for count in counts)
    wanted = None if isinstance(keyworker, str) else keyworker
    return next((c.total for c in counts if c.keyworker_id == wanted), 0)


def _alters_counts(instance) -> bool:
    if isinstance(instance, Case):
        return kept.changed(instance, ("keyworker_id", "status"))
    if isinstance(instance, User):
        roles = {instance.role, *(inspect(instance).attrs.role.history.deleted or ())}
        keyworker = Role.KEYWORKER.value in roles  # is, or was until this change
        return keyworker and kept.changed(instance, ("name", "active", "role"))
    return False


kept.forget_when_committed(KEY, _alters_counts)
