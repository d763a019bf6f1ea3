"""``flask demo scale --cases N``: a national-size database of fictional data, for the
benchmark (``make bench``) and for finding what grows with the number of rows.

Organisations and users are made with the ORM (there are few); the cases and everything
under them are drawn by ``app.demo_scale.cases`` and written in bulk by
``app.demo_scale.writer`` (``COPY`` on PostgreSQL), a few thousand cases at a time, in one
transaction. One audit entry, through the audit service, records the load, so the chain
stays valid. Only into an empty database, never in production.
"""

from __future__ import annotations

import time

from sqlalchemy import func, select, text

from app.audit import services as audit
from app.auth.models import User
from app.cases.models import Case
from app.dates import today_in_london
from app.demo_scale import indexes
from app.demo_scale.cases import CaseDrawer
from app.demo_scale.columns import COLUMNS
from app.demo_scale.staff import create_staff
from app.demo_scale.writer import BulkWriter
from app.extensions import db
from app.partners.models import Organisation
from app.victims.owed import refresh_all as refresh_owed_updates

SEED = 14
CHUNK = 2_000


class RefusedError(Exception):
    pass


def load_scale(cases: int, *, seed: int = SEED, echo=lambda _line: None) -> dict[str, int]:
    """Fill an empty database with ``cases`` cases; return the rows written per table."""
    from flask import current_app

    if current_app.config["HUB_ENV"] == "production":
        raise RefusedError("Generated data is never loaded in production.")
    for model in (User, Organisation, Case):
        if db.session.scalar(select(func.count()).select_from(model)):
            raise RefusedError("The database already has data: generated data not loaded.")
    started = time.monotonic()
    today = today_in_london()
    staff = create_staff(cases, today)
    _skip_foreign_key_triggers()
    connection = db.session.connection()
    writer = BulkWriter(connection, COLUMNS)
    drawer = CaseDrawer(writer, staff, today, seed)
    with indexes.built_after_the_load(connection, echo):
        for n in range(1, cases + 1):
            drawer.case(n)
            if n % CHUNK == 0:
                writer.flush()
                rate = n / (time.monotonic() - started)
                echo(f"{n} cases, {sum(writer.written.values())} rows ({rate:.0f} cases/s)")
        writer.flush()
    refresh_owed_updates(connection)  # written with Core: no flush listener
    written = {"organisations": len(staff.organisations), "users": staff.users, **writer.written}
    audit.record(
        "demo.scale_loaded",
        "demo",
        "scale",
        details={"cases": cases, "seed": seed, "rows": sum(writer.written.values())},
    )
    db.session.commit()
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("ANALYZE"))  # the planner's statistics, before any page runs
        db.session.commit()
    return written


def _skip_foreign_key_triggers() -> None:
    """On PostgreSQL, as a superuser, skip the foreign-key triggers for this transaction
    (a bulk loader's usual step: they cost more than the rows). The generator writes
    every row after the one it refers to; the scale tests check there are no orphans."""
    if db.session.get_bind().dialect.name != "postgresql":
        return
    if db.session.scalar(text("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")):
        db.session.execute(text("SET LOCAL session_replication_role = replica"))
