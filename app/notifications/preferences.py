"""Which emails each user has turned off. On by default: only a choice to turn a kind off
(or on again) is stored, one row per user and kind, and every change is audited."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from sqlalchemy import select

from app.audit import services as audit
from app.extensions import db
from app.notifications.models import NotificationPreference


def turned_off(kind: str, users: Iterable) -> set:
    """The ids of ``users`` who turned ``kind`` off (one query)."""
    ids = [u.id for u in users if u is not None]
    if not ids:
        return set()
    return set(
        db.session.scalars(
            select(NotificationPreference.user_id).where(
                NotificationPreference.kind == kind,
                NotificationPreference.user_id.in_(ids),
                NotificationPreference.enabled.is_(False),
            )
        )
    )


def chosen(user, kinds: Iterable[str]) -> dict[str, bool]:
    """Each of ``kinds``: whether ``user`` receives it."""
    stored = dict(
        db.session.execute(
            select(NotificationPreference.kind, NotificationPreference.enabled).where(
                NotificationPreference.user_id == user.id
            )
        ).all()
    )
    return {kind: stored.get(kind, True) for kind in kinds}


def save(user, wanted: Mapping[str, bool]) -> list[str]:
    """Store ``user``'s choices (kind -> receive it); returns the kinds that changed."""
    current = chosen(user, wanted)
    changed = [kind for kind, on in wanted.items() if current[kind] != bool(on)]
    for kind in changed:
        row = db.session.get(NotificationPreference, (user.id, kind))
        if row is None:
            db.session.add(NotificationPreference(user_id=user.id, kind=kind, enabled=wanted[kind]))
        else:
            row.enabled = bool(wanted[kind])
    if changed:
        audit.record(
            "notification_preferences.changed",
            "user",
            user.id,
            actor=user,
            details={
                "turned_on": sorted(k for k in changed if wanted[k]),
                "turned_off": sorted(k for k in changed if not wanted[k]),
            },
        )
    db.session.commit()
    return changed
