"""Administrators change a user's name, email address and role (with the partner
organisation when the role is partner): the same rules as creating one (app.auth.users),
checked once for the pages' "check your answers" step and again when the change is saved.

Nobody changes their own role, so an administrator cannot demote themselves by mistake,
nor a compromised session promote its own account. The audit entry names the fields
changed, and the role and organisation before and after (codes and ids); never the name
or email address.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from app.audit import services as audit
from app.auth import users
from app.auth.models import User
from app.errors import NotFound, StaleVersion, ValidationFailed
from app.extensions import db

FIELDS = ("name", "email", "role", "organisation_id")
STALE_MESSAGE = (
    "Someone else changed this user while you were editing. Check their details as they "
    "are now and make your changes again"
)
OWN_ROLE = "You cannot change your own role. Ask another administrator to change it"


class OwnRoleChange(ValidationFailed):
    code = "own_role"

    def __init__(self):
        super().__init__(OWN_ROLE, field="role")


@dataclass(frozen=True)
class Change:
    field: str
    before: object
    after: object


@dataclass(frozen=True)
class Preview:
    """What saving would change, and the details it would leave."""

    user: User
    changes: tuple[Change, ...]
    values: dict

    @property
    def changed(self) -> frozenset[str]:
        return frozenset(change.field for change in self.changes)


def _current(user: User) -> dict:
    return {name: getattr(user, name) for name in FIELDS}


def check_version(user: User, version: int | None) -> None:
    """StaleVersion if ``version`` (the one the caller read) is no longer the user's; None
    skips the check."""
    if version is not None and version != user.version:
        raise StaleVersion(STALE_MESSAGE, field="version")


def preview(user_id: uuid.UUID, changes: dict, *, actor, version: int | None) -> Preview:
    """Check ``changes`` (any of FIELDS; the rest stay as they are) against the rules,
    writing nothing. UserInvalid (each field at fault), OwnRoleChange, StaleVersion,
    NotFound."""
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound("No such user")
    check_version(user, version)
    current = _current(user)
    wanted = {**current, **{k: v for k, v in changes.items() if k in FIELDS}}
    clean = users._validated(
        users.NewUser(
            email=wanted["email"],
            name=wanted["name"],
            role=wanted["role"],
            organisation_id=wanted["organisation_id"],
        ),
        user_id=user.id,
    )
    values = {
        "name": clean["name"],
        "email": clean["email"],
        "role": wanted["role"],
        "organisation_id": clean["organisation"].id if clean["organisation"] else None,
    }
    if actor is not None and actor.id == user.id and values["role"] != user.role:
        raise OwnRoleChange()
    found = tuple(
        Change(name, current[name], values[name])
        for name in FIELDS
        if values[name] != current[name]
    )
    return Preview(user=user, changes=found, values=values)


def update_user(user_id: uuid.UUID, changes: dict, *, actor, version: int | None) -> User:
    """Save ``changes`` (see ``preview``): one audit entry, ``user.updated``, in the same
    transaction. Nothing to change writes nothing. ``version`` is the one the caller read;
    None skips that check (the row's own version still guards the write)."""
    found = preview(user_id, changes, actor=actor, version=version)
    user = found.user
    if not found.changes:
        return user
    for change in found.changes:
        setattr(user, change.field, change.after)
    lead_removed = bool({"role", "organisation_id"} & found.changed and user.is_organisation_lead)
    if lead_removed:
        # Leading an organisation belongs to the organisation (app.partners.users).
        user.is_organisation_lead = False
    try:
        db.session.flush()
        audit.record(
            "user.updated",
            "user",
            user.id,
            actor=actor,
            details=_audit_details(found, user, lead_removed),
        )
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        raise StaleVersion(STALE_MESSAGE, field="version") from None
    except IntegrityError:
        # Another request took the email address between the check and the write.
        db.session.rollback()
        raise users.UserInvalid({"email": users.EMAIL_TAKEN}) from None
    return user


def _audit_details(found: Preview, user: User, lead_removed: bool) -> dict:
    """Field names, and codes and ids before and after: no name or email address."""

    def coded(value):
        return str(value) if isinstance(value, uuid.UUID) else value

    fields = set(found.changed) | ({"is_organisation_lead"} if lead_removed else set())
    details: dict = {"fields": sorted(fields)}
    for change in found.changes:
        if change.field in {"role", "organisation_id"}:
            details.setdefault("before", {})[change.field] = coded(change.before)
            details.setdefault("after", {})[change.field] = coded(change.after)
    details["version"] = user.version
    return details
