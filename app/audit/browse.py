"""The administrator's view of the audit log: entries with the person who acted (name and
role at the time), the object in words with a link, and filters a person can use (what
was done, who did it, between which dates) besides the ids that links carry.

One query for the page's entries (joined to the acting user), and one per kind of object
named on the page (cases, users, organisations): the count of queries does not grow with
the number of entries shown.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, or_, select

from app.audit.models import AuditEntry
from app.auth.models import User
from app.auth.roles import Role
from app.cases.models import Case
from app.dates import LONDON
from app.extensions import db
from app.partners.models import Organisation
from app.referrals.reference import reference

PAGE_SIZE = 50
ACTOR_TEXT_MAX = 100

# Objects with a page of their own that an administrator can open; any other object links
# to its own history in the log.
OBJECT_LABELS = {
    "case": "Case",
    "user": "User",
    "organisation": "Organisation",
    "referral": "Referral",
    "consent": "Consent",
    "contract": "Contract",
    "condition": "Condition",
    "appointment": "Appointment",
    "compliance_concern": "Compliance concern",
    "outcome_proposal": "Outcome proposal",
    "victim": "Victim",
    "victim_update": "Victim update",
    "api_token": "API token",
}


@dataclass(frozen=True)
class Filters:
    action: str | None = None  # exact, or every action under a prefix ending in "."
    actor: str | None = None  # part of a name or an email address
    actor_id: uuid.UUID | None = None
    object_id: str | None = None
    from_date: date | None = None
    to_date: date | None = None

    @property
    def any(self) -> bool:
        return any(
            (
                self.action,
                self.actor,
                self.actor_id,
                self.object_id,
                self.from_date,
                self.to_date,
            )
        )


@dataclass(frozen=True)
class Named:
    text: str
    endpoint: str | None = None  # a page: (endpoint, {args}); None: the object's history
    args: tuple[tuple[str, str], ...] = ()
    one_object: bool = True  # False: an entry about a list ("*"), with no history of its own


@dataclass(frozen=True)
class Row:
    entry: AuditEntry
    actor_name: str | None
    actor_role_label: str | None
    object: Named


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=LONDON)


def _filtered(filters: Filters):
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
    return query


def browse(filters: Filters, page: int = 1, per_page: int = PAGE_SIZE) -> tuple[list[Row], int]:
    """A page of entries, newest first, and how many match in all."""
    query = _filtered(filters)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    found = db.session.execute(
        query.order_by(AuditEntry.id.desc()).limit(per_page).offset((page - 1) * per_page)
    ).all()
    names = _object_names([entry for entry, _ in found])
    roles = {r.value: r.label for r in Role}
    rows = [
        Row(
            entry=entry,
            actor_name=actor_name,
            actor_role_label=roles.get(entry.actor_role, entry.actor_role),
            object=names.get((entry.object_type, entry.object_id)) or _plain(entry),
        )
        for entry, actor_name in found
    ]
    return rows, total


def actor_name(actor_id: uuid.UUID) -> str | None:
    return db.session.scalar(select(User.name).where(User.id == actor_id))


def _plain(entry: AuditEntry) -> Named:
    label = OBJECT_LABELS.get(entry.object_type, entry.object_type.replace("_", " ").capitalize())
    if entry.object_id == "*":
        return Named(f"{label}: a list of them", one_object=False)
    if entry.object_type == "referral":
        as_uuid = _as_uuid(entry.object_id)
        if as_uuid is not None:
            return Named(f"{label} {reference(as_uuid)}")
    return Named(f"{label} {entry.object_id[:8]}")


def _as_uuid(text: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(text)
    except (TypeError, ValueError):
        return None


def _ids_of(entries: list[AuditEntry], object_type: str) -> list[uuid.UUID]:
    ids = {_as_uuid(e.object_id) for e in entries if e.object_type == object_type}
    return [i for i in ids if i is not None]


def _object_names(entries: list[AuditEntry]) -> dict[tuple[str, str], Named]:
    """Words for the objects that have them, one query per kind of object."""
    named: dict[tuple[str, str], Named] = {}
    if ids := _ids_of(entries, "case"):
        for case_id, crime_reference in db.session.execute(
            select(Case.id, Case.crime_reference).where(Case.id.in_(ids))
        ):
            named[("case", str(case_id))] = Named(f"Case {crime_reference}")
    if ids := _ids_of(entries, "user"):
        for user_id, name in db.session.execute(select(User.id, User.name).where(User.id.in_(ids))):
            named[("user", str(user_id))] = Named(
                f"User {name}", "users.show", (("user_id", str(user_id)),)
            )
    if ids := _ids_of(entries, "organisation"):
        for organisation_id, name in db.session.execute(
            select(Organisation.id, Organisation.name).where(Organisation.id.in_(ids))
        ):
            args = (("organisation_id", str(organisation_id)),)
            named[("organisation", str(organisation_id))] = Named(
                f"Organisation {name}", "partners.show", args
            )
    return named
