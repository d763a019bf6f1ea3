"""Helpers shared by the case tests: intake details for an eligible case (change one
thing to break a rule), API headers, and what a person reads on a page."""

from __future__ import annotations

import html
from datetime import date

from sqlalchemy import func, select

from app.audit.models import AuditEntry
from app.auth.tokens import issue_token
from app.cases.models import Case
from app.extensions import db
from tests.helpers import api_headers, sign_in


def browser_for(app, user):
    """A browser of its own, signed in as ``user``."""
    browser = app.test_client()
    sign_in(browser, user)
    return browser


def headers_for(user) -> dict:
    return api_headers(issue_token(user, days=1).secret)


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def case_count() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count(Case.id)))


def audit_entries(action: str, object_id=None) -> list[AuditEntry]:
    db.session.expire_all()
    query = select(AuditEntry).where(AuditEntry.action == action)
    if object_id is not None:
        query = query.where(AuditEntry.object_id == str(object_id))
    return list(db.session.scalars(query.order_by(AuditEntry.id)))


def intake_json(**changes) -> dict:
    """An API intake body for an eligible case. ``changes`` are "part.field" paths."""
    body = {
        "crime_reference": "CR/12345/26",
        "offence": {
            "description": "Theft of goods worth 40 pounds from a shop",
            "offence_class": "summary",
            "committed_on": "2026-01-15",
            "committed_in_force_area": True,
        },
        "person": {
            "given_name": "Alex",
            "family_name": "Example",
            "date_of_birth": "1990-05-17",
            "address": "1 Example Street, Exampletown",
            "postcode": "EX1 1AA",
            "email": "alex@example.org",
            "phone": "07700 900123",
            "lives_in_force_area": True,
        },
        "eligibility": {
            "accepts_responsibility": True,
            "agrees_to_participate": True,
            "has_dvpn_or_dvpo": False,
            "on_court_order_or_sentence": False,
            "on_prison_licence": False,
            "on_bail_or_rui_other_offence": False,
            "offended_in_last_two_years": False,
        },
    }
    for path, value in changes.items():
        *parents, leaf = path.split(".")
        node = body
        for key in parents:
            node = node[key]
        if value is _DELETE:
            node.pop(leaf, None)
        else:
            node[leaf] = value
    return body


_DELETE = object()
DELETE = _DELETE


def _date_parts(name: str, day: date | None) -> dict:
    if day is None:
        return {name: ["", "", ""]}
    return {name: [str(day.day), str(day.month), str(day.year)]}


def intake_form(**changes) -> dict:
    """Form data for the "Record a case" page, for an eligible case."""
    data = {
        "crime_reference": "CR/12345/26",
        "offence_description": "Theft of goods worth 40 pounds from a shop",
        "offence_class": "summary",
        **_date_parts("offence_committed_on", date(2026, 1, 15)),
        "offence_in_force_area": "yes",
        "given_name": "Alex",
        "family_name": "Example",
        **_date_parts("date_of_birth", date(1990, 5, 17)),
        "gender": "",
        "lives_in_force_area": "yes",
        "address": "1 Example Street, Exampletown",
        "postcode": "EX1 1AA",
        "email": "alex@example.org",
        "phone": "07700 900123",
        "accepts_responsibility": "yes",
        "agrees_to_participate": "yes",
        "has_dvpn_or_dvpo": "no",
        "on_court_order_or_sentence": "no",
        "on_prison_licence": "no",
        "on_bail_or_rui_other_offence": "no",
        "offended_in_last_two_years": "no",
    }
    for key, value in changes.items():
        if isinstance(value, date) or (value is None and key in _DATE_FIELDS):
            data.update(_date_parts(key, value))
        elif value is _DELETE:
            data.pop(key, None)
        else:
            data[key] = value
    return data


_DATE_FIELDS = {"offence_committed_on", "date_of_birth"}
