"""Partner organisations: the directory."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.partners.models import Organisation


def active_organisations() -> list[Organisation]:
    return list(
        db.session.scalars(
            select(Organisation).where(Organisation.active).order_by(Organisation.name)
        )
    )
