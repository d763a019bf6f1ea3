"""Filters and globals for the templates: dates in Europe/London, role names, navigation."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import Flask, current_app, request, url_for
from flask_login import current_user

from app.auth.roles import Role

LONDON = ZoneInfo("Europe/London")


def london_datetime(value: datetime | None) -> str:
    """'22 November 2026 at 9:30am', in UK time, from a UTC timestamp."""
    if value is None:
        return ""
    local = value.astimezone(LONDON)
    hour = local.strftime("%I").lstrip("0")
    return f"{local.day} {local:%B %Y} at {hour}:{local:%M}{local:%p}".replace("AM", "am").replace(
        "PM", "pm"
    )


def long_date(value: date | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(LONDON).date()
    return f"{value.day} {value:%B %Y}"


NAVIGATION = {
    Role.KEYWORKER: [("Caseload", "cases.caseload")],
    Role.SUPERVISOR: [("Team caseload", "cases.team")],
    Role.ADMIN: [("Users", "users.index"), ("Audit log", "audit.index")],
    Role.PARTNER: [("Referrals", "referrals.inbox")],
    Role.VICTIM_LIAISON: [("Victim updates", "victims.home")],
}


def navigation_items() -> list[dict]:
    if not current_user.is_authenticated:
        return []
    items = []
    for text, endpoint in NAVIGATION[current_user.role_enum]:
        active = (
            request.endpoint is not None
            and request.endpoint.split(".")[0] == endpoint.split(".")[0]
        )
        items.append({"text": text, "href": url_for(endpoint), "active": active})
    return items


CASE_STATUS_TAGS = {
    "eligible": "govuk-tag--blue",
    "ineligible": "govuk-tag--grey",
    "allocated": "govuk-tag--light-blue",
    "active": "govuk-tag--green",
    "completed": "govuk-tag--teal",
    "breached": "govuk-tag--red",
    "opted_out": "govuk-tag--orange",
    "withdrawn": "govuk-tag--grey",
}


def case_status_tag_class(status: str) -> str:
    return CASE_STATUS_TAGS.get(status, "govuk-tag--grey")


def init_template_helpers(app: Flask) -> None:
    app.add_template_filter(london_datetime)
    app.add_template_filter(long_date)
    app.add_template_global(case_status_tag_class)
    app.add_template_global(navigation_items)

    @app.context_processor
    def service_details():
        return {
            "service_name": current_app.config["SERVICE_NAME"],
            "force_name": current_app.config["FORCE_NAME"],
            "role_labels": {r.value: r.label for r in Role},
        }
