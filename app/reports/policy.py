"""Who may see which report figures.

Supervisors and analysts see every aggregate for the whole scheme. A partner sees only
its own organisation's figures, with small numbers protected; another organisation's
answer 404, as if it did not exist.
"""

from __future__ import annotations

import calendar
import uuid
from dataclasses import replace
from datetime import date

from app.auth.roles import Role
from app.errors import NotFound
from app.extensions import db
from app.partners.models import Organisation
from app.reports.filters import ReportFilters
from app.reports.query import ReportQuery

WHOLE_SCHEME = frozenset({Role.SUPERVISOR.value, Role.ANALYST.value})


def organisation_for(actor, organisation_id: uuid.UUID) -> Organisation:
    """The organisation whose figures ``actor`` may see; otherwise NotFound."""
    if actor.role not in WHOLE_SCHEME and actor.organisation_id != organisation_id:
        raise NotFound("No such organisation")
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None:
        raise NotFound("No such organisation")
    return organisation


def protects_small_numbers(actor) -> bool:
    """Small-number protection applies outside the supervisor and analyst roles."""
    return actor.role not in WHOLE_SCHEME


def visible_query(actor, query: ReportQuery) -> ReportQuery:
    """The filters ``actor`` may use. A partner's figures are its organisation's totals for
    whole calendar months: no filter that narrows the cohort (keyworker, area, sex, age
    band, offence class), and the date range widened to whole months. Otherwise two
    queries a day or one filter apart could be subtracted to reveal the small numbers
    that are withheld. (Differences between whole months remain possible: the
    protection is against drilling down to a person, not a full disclosure control.)"""
    if not protects_small_numbers(actor):
        return query
    asked = query.filters
    return replace(
        query,
        filters=ReportFilters(
            date_from=_first_of_month(asked.date_from),
            date_to=_last_of_month(asked.date_to),
            by=asked.by,
        ),
    )


def _first_of_month(day: date | None) -> date | None:
    return day.replace(day=1) if day else None


def _last_of_month(day: date | None) -> date | None:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1]) if day else None
