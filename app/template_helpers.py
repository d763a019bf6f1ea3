"""Filters and globals for the templates: dates in Europe/London, role names, navigation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import Flask, current_app, g, request, url_for
from flask_login import current_user
from markupsafe import Markup, escape
from sqlalchemy.exc import SQLAlchemyError

from app.auth.roles import Role
from app.dates import date_shortcuts
from app.extensions import db
from app.forms import error_summary

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


def kept_for(seconds: int) -> str:
    """How long figures are kept, in words: ``60`` -> "1 minute", ``600`` -> "10 minutes",
    ``90`` -> "90 seconds"."""
    if seconds % 60:
        return f"{seconds} seconds"
    minutes = seconds // 60
    return f"{minutes} minute" + ("" if minutes == 1 else "s")


def line_breaks(value: str | None) -> Markup:
    """Text typed over several lines (an address), shown with its line breaks."""
    lines = [line.strip() for line in (value or "").splitlines()]
    return Markup("<br>").join(escape(line) for line in lines if line)


CASE_PAGES = (
    "cases.",
    "consent.",
    "contracts.",
    "assessments.",
    "outcomes.new",
    "outcomes.evidence_pack",
    "outcomes.exit_planning",
    "outcomes.survey",
)
LEAD_PAGES = ("partners.my_users", "partners.add_user", "partners.deactivate_user", "webhooks.")


@dataclass(frozen=True)
class NavItem:
    text: str
    endpoint: str
    # Endpoints (or "blueprint." prefixes) under which this item shows as the current one.
    matches: tuple[str, ...]
    leads_only: bool = False
    # The kinds of task (app.tasks.kinds) this item counts; "*": every kind counted.
    counts: tuple[str, ...] = ()


NAVIGATION = {
    Role.KEYWORKER: [
        NavItem("Caseload", "cases.caseload", CASE_PAGES + ("referrals.case", "referrals.show")),
        NavItem("Directory", "partners.directory", ("partners.directory",)),
    ],
    Role.SUPERVISOR: [
        NavItem("Team caseload", "cases.team", CASE_PAGES + ("referrals.case", "referrals.show")),
        NavItem(
            "Outcomes to decide",
            "outcomes.pending",
            ("outcomes.pending", "outcomes.decide"),
            counts=("outcome_to_decide",),
        ),
        NavItem("Directory", "partners.directory", ("partners.directory",)),
        NavItem("Reports", "reports.dashboard", ("reports.",)),
    ],
    Role.ADMIN: [
        NavItem("Users", "users.index", ("users.",)),
        NavItem(
            "Organisations",
            "partners.index",
            ("partners.index", "partners.new", "partners.show", "partners.edit"),
        ),
        NavItem(
            "Reoffending checks",
            "outcomes.checks",
            (
                "outcomes.checks",
                "outcomes.record_check",
                "outcomes.upload_checks",
                "outcomes.checks_template",
            ),
            counts=("reoffending_check_due",),
        ),
        NavItem("Historic cases", "imports.historic_cases", ("imports.",)),
        NavItem("Data quality", "reports.data_quality", ("reports.data_quality",)),
        NavItem("Audit log", "audit.index", ("audit.",)),
        NavItem("Retention review", "retention.index", ("retention.",)),
    ],
    Role.PARTNER: [
        NavItem(
            "Referrals",
            "referrals.inbox",
            ("referrals.",),
            counts=("new_referral", "acknowledgement_overdue"),
        ),
        NavItem(
            "Attendance",  # short: a partner lead's navigation must fit one row at 1280 px
            "evidence.to_record",
            ("evidence.to_record", "evidence.appointment", "evidence.attendance"),
            counts=("attendance_to_record",),
        ),
        NavItem("Directory", "partners.directory", ("partners.directory",)),
        NavItem("Reports", "reports.my_organisation", ("reports.",)),
        NavItem("Users", "partners.my_users", LEAD_PAGES, leads_only=True),
    ],
    Role.VICTIM_LIAISON: [
        NavItem("Victim updates", "victims.home", ("victims.",), counts=("victim_update_due",))
    ],
    Role.ANALYST: [NavItem("Reports", "reports.dashboard", ("reports.",))],
}
# Every case-handling user's home is their work queue, counted; those who see people
# search (not administrators; analysts see aggregates only: no tasks, no search);
# each user's API tokens are linked beside their name in the header (base.html).
for _role, _items in NAVIGATION.items():
    if _role != Role.ANALYST:
        _items.insert(0, NavItem("Your tasks", "tasks.index", ("tasks.",), counts=("*",)))
    if _role not in (Role.ADMIN, Role.ANALYST):
        _items.append(NavItem("Search", "search.index", ("search.",)))


def _is_current(item: NavItem, endpoint: str | None) -> bool:
    if endpoint is None:
        return False
    return any(
        endpoint.startswith(m) if m.endswith(".") or m == "referrals.case" else endpoint == m
        for m in item.matches
    )


def _task_counts() -> dict[str, int]:
    """The caller's task counts, once a request (the tasks page sets them itself); kept
    for a short time between pages (app.tasks.navigation)."""
    if getattr(g, "task_counts", None) is None:
        from app.tasks.navigation import navigation_counts

        try:
            g.task_counts = navigation_counts(current_user)
        except SQLAlchemyError:
            # An error page for a failed transaction: show the navigation without counts.
            db.session.rollback()
            g.task_counts = {}
    return g.task_counts


def _count(item: NavItem) -> int | None:
    if not item.counts:
        return None
    from app.tasks.kinds import kinds_for

    found = _task_counts()
    if item.counts == ("*",):
        return sum(found.get(k.key, 0) for k in kinds_for(current_user) if k.counted)
    return sum(found.get(key, 0) for key in item.counts)


def navigation_items() -> list[dict]:
    if not current_user.is_authenticated:
        return []
    return [
        {
            "text": item.text,
            "href": url_for(item.endpoint),
            "active": _is_current(item, request.endpoint),
            "count": _count(item),
        }
        for item in NAVIGATION[current_user.role_enum]
        if not item.leads_only or current_user.is_organisation_lead
    ]


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
    app.add_template_filter(kept_for)
    app.add_template_filter(line_breaks)
    app.add_template_global(case_status_tag_class)
    app.add_template_global(navigation_items)
    app.add_template_global(date_shortcuts)
    # Replaces govuk-frontend-wtf's: form-level errors get no link to a field.
    app.add_template_global(error_summary, "wtforms_errors")

    @app.context_processor
    def service_details():
        return {
            "service_name": current_app.config["SERVICE_NAME"],
            "force_name": current_app.config["FORCE_NAME"],
            "role_labels": {r.value: r.label for r in Role},
        }
