"""The administrator's view of the audit log: entries with the person who acted (name and
role at the time), the object in words, linked to its page where the viewer may open it
(the object's own policy decides), and a CSV download of the same filtered list.

One query for the page's entries (joined to the acting user), and one per kind of object
named on the page (cases, referrals, users, organisations): the count of queries does not
grow with the number of entries shown. The download reads the list in batches, with the
same queries per batch.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import select

from app.audit import queries
from app.audit import services as audit
from app.audit.models import AuditEntry
from app.audit.queries import Filters
from app.auth.models import User
from app.auth.roles import Role
from app.cases.models import Case
from app.cases.policy import case_scope
from app.csv_files import neutralise_formula
from app.extensions import db
from app.partners import policy as partner_policy
from app.partners.models import Organisation
from app.referrals.models import Referral
from app.referrals.policy import referral_scope
from app.referrals.reference import reference

PAGE_SIZE = 50
EXPORT_BATCH = 1000
ACTOR_TEXT_MAX = 100

__all__ = ["Filters", "Named", "Row", "browse", "export_rows"]

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
ROLE_LABELS = {r.value: r.label for r in Role}


@dataclass(frozen=True)
class Viewer:
    """Who is reading, as the policies' scope clauses ask: role, id and organisation."""

    id: uuid.UUID
    role: str
    organisation_id: uuid.UUID | None


@dataclass(frozen=True)
class Named:
    text: str
    endpoint: str | None = None  # a page the viewer may open; None: the object's history
    args: tuple[tuple[str, str], ...] = ()
    one_object: bool = True  # False: an entry about a list ("*"), with no history of its own


@dataclass(frozen=True)
class Row:
    entry: AuditEntry
    actor_name: str | None
    actor_role_label: str | None
    object: Named

    @property
    def is_read(self) -> bool:
        return queries.is_read(self.entry.action)


def _rows(found, viewer) -> list[Row]:
    names = _object_names([entry for entry, _ in found], viewer)
    return [
        Row(
            entry=entry,
            actor_name=actor_name,
            actor_role_label=ROLE_LABELS.get(entry.actor_role, entry.actor_role),
            object=names.get((entry.object_type, entry.object_id)) or _plain(entry),
        )
        for entry, actor_name in found
    ]


def browse(
    filters: Filters, viewer, page: int = 1, per_page: int = PAGE_SIZE
) -> tuple[list[Row], int]:
    """A page of entries, newest first, and how many match in all."""
    total = queries.count(filters)
    found = db.session.execute(
        queries.filtered(filters)
        .order_by(AuditEntry.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    return _rows(found, viewer), total


def actor_name(actor_id: uuid.UUID) -> str | None:
    return db.session.scalar(select(User.name).where(User.id == actor_id))


EXPORT_HEADER = [
    "Entry",
    "When (UTC)",
    "Action",
    "Kind",
    "Object type",
    "Object id",
    "Object",
    "By",
    "Role",
    "User id",
    "From (IP address)",
    "Reason",
    "Details",
]


def export_rows(filters: Filters, viewer) -> Iterator[list]:
    """The CSV download of ``filters``: an audit entry of its own (``audit.exported``,
    with the filters as codes and the number of entries; it is committed first, so the
    download itself is in the log), then the header and every entry, newest first.
    Every cell a spreadsheet could run as a formula is written as text."""
    total = queries.count(filters)
    exported = audit.record(
        "audit.exported",
        "audit_entry",
        "*",
        actor=viewer,
        details={"filters": filters.described(), "entries": total},
    )
    below = exported.id  # the entries as counted: not this one, nor any written meanwhile
    # The download is read after the response starts, past the request's own session: it
    # keeps what the policies ask of the viewer, not the viewer's row.
    who = Viewer(id=viewer.id, role=viewer.role, organisation_id=viewer.organisation_id)
    db.session.commit()
    return _export(filters, who, below)


def _export(filters: Filters, viewer, below: int) -> Iterator[list]:
    yield EXPORT_HEADER
    while True:
        query = (
            queries.filtered(filters)
            .where(AuditEntry.id < below)
            .order_by(AuditEntry.id.desc())
            .limit(EXPORT_BATCH)
        )
        found = db.session.execute(query).all()
        if not found:
            return
        for row in _rows(found, viewer):
            entry = row.entry
            yield [
                neutralise_formula(value)
                for value in (
                    entry.id,
                    entry.occurred_at.strftime("%Y-%m-%d %H:%M:%S"),
                    entry.action,
                    "read" if row.is_read else "change",
                    entry.object_type,
                    entry.object_id,
                    row.object.text,
                    row.actor_name or ("" if entry.actor_id else "The hub"),
                    row.actor_role_label or "",
                    str(entry.actor_id or ""),
                    entry.ip_address or "",
                    entry.reason or "",
                    json.dumps(entry.details or {}, sort_keys=True),
                )
            ]
        below = found[-1][0].id
        for entry, _name in found:
            db.session.expunge(entry)  # a long download holds one batch at a time


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


def _link(visible, text: str, endpoint: str, arg: str, object_id) -> Named:
    if visible:
        return Named(text, endpoint, ((arg, str(object_id)),))
    return Named(text)


def _object_names(entries: list[AuditEntry], viewer) -> dict[tuple[str, str], Named]:
    """Words for the objects that have them, one query per kind of object; a link where
    the object's own policy lets ``viewer`` open its page."""
    named: dict[tuple[str, str], Named] = {}
    if ids := _ids_of(entries, "case"):
        for case_id, crime_reference, visible in db.session.execute(
            select(Case.id, Case.crime_reference, case_scope(viewer)).where(Case.id.in_(ids))
        ):
            named[("case", str(case_id))] = _link(
                visible, f"Case {crime_reference}", "cases.show", "case_id", case_id
            )
    if ids := _ids_of(entries, "referral"):
        for referral_id, visible in db.session.execute(
            select(Referral.id, referral_scope(viewer)).where(Referral.id.in_(ids))
        ):
            named[("referral", str(referral_id))] = _link(
                visible,
                f"Referral {reference(referral_id)}",
                "referrals.show",
                "referral_id",
                referral_id,
            )
    if ids := _ids_of(entries, "user"):
        may_open = viewer.role == Role.ADMIN  # the users' pages are administrators'
        for user_id, name in db.session.execute(select(User.id, User.name).where(User.id.in_(ids))):
            named[("user", str(user_id))] = _link(
                may_open, f"User {name}", "users.show", "user_id", user_id
            )
    if ids := _ids_of(entries, "organisation"):
        may_open = partner_policy.is_admin(viewer)  # partners.show is theirs
        for organisation_id, name in db.session.execute(
            select(Organisation.id, Organisation.name).where(Organisation.id.in_(ids))
        ):
            named[("organisation", str(organisation_id))] = _link(
                may_open,
                f"Organisation {name}",
                "partners.show",
                "organisation_id",
                organisation_id,
            )
    return named
