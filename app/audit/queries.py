"""Which audit entries a filter selects: the one query that the administrators' page, its
CSV download and GET /api/v1/audit all narrow.

Entries are of two kinds. Reads (a page or list viewed, a search, a download, a subject
access record produced) are most of the log; changes (everything else: records made or
changed, sign-ins, decisions) are what an administrator usually looks for, so the page
shows changes unless asked for reads. An action is a read when its verb (the end of its
name) is one of READ_VERBS: every feature names its reads that way.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import Select, func, not_, or_, select
from sqlalchemy.sql.elements import ColumnElement

from app.audit.models import AuditEntry
from app.auth.models import User
from app.dates import LONDON
from app.extensions import db

# "case.viewed", "organisation.users_listed", "reoffending_check.template_downloaded" ...
# What an action filter and an object id look like (``Filters.described``): an action code
# or its prefix with a dot, and a UUID.
ACTION_SHAPE = re.compile(r"[a-z][a-z0-9_]*\.(?:[a-z0-9_]+(?:\.[a-z0-9_]+)*)?")
ID_SHAPE = re.compile(r"[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}")
READ_VERBS = ("viewed", "listed", "searched", "downloaded", "produced", "exported")

CHANGES, READS, ALL = "changes", "reads", "all"
KINDS = {
    CHANGES: "Changes only",
    READS: "Page views, searches and downloads only",
    ALL: "Everything",
}


def is_read(action: str) -> bool:
    return action.endswith(READ_VERBS)


def read_clause() -> ColumnElement[bool]:
    """The SQL form of ``is_read``."""
    return or_(*(AuditEntry.action.like(f"%{verb}") for verb in READ_VERBS))


@dataclass(frozen=True)
class Filters:
    action: str | None = None  # exact, or every action under a prefix ending in "."
    actor: str | None = None  # part of a name or an email address
    actor_id: uuid.UUID | None = None
    object_id: str | None = None
    from_date: date | None = None  # UK dates, both ends included
    to_date: date | None = None
    since: datetime | None = None  # at or after this moment (the API's updated_since)
    kind: str = ALL

    @property
    def any(self) -> bool:
        """Whether anything narrows the list besides its kind."""
        return any(
            (
                self.action,
                self.actor,
                self.actor_id,
                self.object_id,
                self.from_date,
                self.to_date,
                self.since,
            )
        )

    def described(self) -> dict:
        """The filters as an audit entry may hold them: codes, ids and dates, and only
        the fact that text was searched for, never the text. An action or object id is
        kept only when it has the shape of one (``consent.withdrawn``, ``consent.``, a
        UUID): anything else typed there could be someone's name."""
        described: dict = {"kind": self.kind}
        for name, shape in (("action", ACTION_SHAPE), ("object_id", ID_SHAPE)):
            value = getattr(self, name)
            if value and shape.fullmatch(value):
                described[name] = value
            elif value:
                described[f"{name}_text"] = True
        if self.actor_id:
            described["actor_id"] = str(self.actor_id)
        if self.from_date:
            described["from_date"] = self.from_date.isoformat()
        if self.to_date:
            described["to_date"] = self.to_date.isoformat()
        if self.actor:
            described["actor_text"] = True
        return described


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=LONDON)


def filtered(filters: Filters) -> Select:
    """Entries with the acting user's name (None for the hub itself, or a user since
    removed), selected by ``filters``; unordered."""
    query = select(AuditEntry, User.name).outerjoin(User, User.id == AuditEntry.actor_id)
    if filters.action:
        action = filters.action.strip()
        if action.endswith("."):
            query = query.where(AuditEntry.action.startswith(action, autoescape=True))
        else:
            query = query.where(AuditEntry.action == action)
    if filters.actor_id:
        query = query.where(AuditEntry.actor_id == filters.actor_id)
    if filters.actor:
        pattern = f"%{filters.actor.strip().lower()}%"
        query = query.where(
            or_(func.lower(User.name).like(pattern), func.lower(User.email).like(pattern))
        )
    if filters.object_id:
        query = query.where(AuditEntry.object_id == filters.object_id)
    if filters.from_date:
        query = query.where(AuditEntry.occurred_at >= _start_of(filters.from_date))
    if filters.to_date:
        query = query.where(AuditEntry.occurred_at < _start_of(filters.to_date + timedelta(1)))
    if filters.since:
        query = query.where(AuditEntry.occurred_at >= filters.since)
    if filters.kind == READS:
        query = query.where(read_clause())
    elif filters.kind == CHANGES:
        query = query.where(not_(read_clause()))
    return query


def count(filters: Filters) -> int:
    return db.session.scalar(select(func.count()).select_from(filtered(filters).subquery()))
