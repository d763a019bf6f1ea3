"""API resources for the reports (shared/API.md, "Additions, round 2").

``GET /reports/{name}`` answers each section's figures as JSON, and
``GET /reports/{name}.csv`` the same figures as CSV (the page's tables, the filters in the
first rows; audited). Supervisors and analysts get every section for the whole scheme; a
partner gets ``partners`` for its own organisation only, with small numbers protected.
Without ``from``/``to`` a report covers all records. The whole-scheme figures are worked
out at most ``REPORT_FIGURES_SECONDS`` ago, as on the pages (``app.reports.figures``).
"""

from __future__ import annotations

from flask import Response
from flask_login import current_user
from flask_smorest import Blueprint

from app.auth.permissions import roles_required
from app.auth.roles import Role
from app.reports import exports, policy
from app.reports.figures import figures
from app.reports.filters import DateBasis
from app.reports.partners import partners as partner_figures
from app.reports.present_services import present_partners
from app.reports.query import ReportQuerySchema, to_query
from app.reports.registry import NAMES, SECTIONS
from app.reports.schemas import (
    ComplianceSchema,
    EvaluationSchema,
    FunnelSchema,
    OutcomesSchema,
    PartnersQuerySchema,
    PartnersSchema,
    ProgressSchema,
    VictimsSchema,
    VoiceSchema,
    evaluation_json,
)

blp = Blueprint(
    "api_reports",
    __name__,
    url_prefix="/reports",
    description=(
        "Reports. The whole-scheme figures are kept and shared for REPORT_FIGURES_SECONDS "
        "(10 minutes unless the service sets it otherwise), so they may be that much older "
        "than the records; a partner's own figures are worked out on each request."
    ),
)
S, AN, P = Role.SUPERVISOR, Role.ANALYST, Role.PARTNER
CSV_RESPONSE = {
    "200": {
        "description": "The report's tables as CSV, the filters in the first rows",
        "content": {"text/csv": {"schema": {"type": "string"}}},
    }
}
WHOLE_SCHEME = [name for name in NAMES if name != "partners"]


def _figures(name: str, data: dict):
    section = SECTIONS[name]
    return figures(section, to_query(data).for_basis(section.default_basis)).value


def _csv(name: str, title: str, filters, tables, organisation_id=None) -> Response:
    content, mimetype = exports.render("csv", title, filters.describe(), tables)
    exports.record_download(current_user, name, "csv", filters, organisation_id=organisation_id)
    return Response(
        content,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
    )


def _section(name: str, schema, description: str):
    @roles_required(S, AN)
    @blp.arguments(ReportQuerySchema, location="query")
    @blp.response(200, schema)
    @blp.alt_response(403, description="Only supervisors and analysts read this report")
    def view(data):
        return _figures(name, data)

    view.__name__ = f"{name}_report"
    view.__doc__ = description
    blp.route(f"/{name}", methods=["GET"])(view)


_section("funnel", FunnelSchema, "The funnel, by the date of referral into the team.")
_section("outcomes", OutcomesSchema, "Outcomes 24, 23 and 22, charges and completion.")
_section("progress", ProgressSchema, "Distance travelled per need domain.")
_section("compliance", ComplianceSchema, "Concerns, decisions, variations and breaches.")
_section("victims", VictimsSchema, "Consultation, updates on time, the victims' survey.")
_section("voice", VoiceSchema, "The person's ending survey, with police legitimacy.")


@blp.route("/evaluation", methods=["GET"])
@roles_required(S, AN)
@blp.arguments(ReportQuerySchema, location="query")
@blp.response(200, EvaluationSchema)
@blp.alt_response(403, description="Only supervisors and analysts read this report")
def evaluation_report(data):
    """Reoffending within 365 days: completed, opted out and breached, with 95% Wilson
    intervals and the difference (Newcombe). By default by the outcome date."""
    return evaluation_json(_figures("evaluation", data))


def _partners(data: dict):
    organisation_id = data.pop("organisation_id", None)
    protect = policy.protects_small_numbers(current_user)
    if protect and organisation_id is None:
        organisation_id = current_user.organisation_id
    if organisation_id is not None:
        organisation_id = policy.organisation_for(current_user, organisation_id).id
    query = policy.visible_query(current_user, to_query(data))
    filters = query.for_basis(DateBasis.REFERRAL)
    return filters, organisation_id, partner_figures(filters, organisation_id, protect=protect)


@blp.route("/partners", methods=["GET"])
@roles_required(S, AN, P)
@blp.arguments(PartnersQuerySchema, location="query")
@blp.response(200, PartnersSchema)
@blp.alt_response(403, description="Your role may not read partner figures")
@blp.alt_response(404, description="No such organisation, or not yours")
def partners_report(data):
    """Each organisation's figures; a partner gets only its own row, with each count from
    1 to 4 as "fewer than 5" and the rates built on it null."""
    _filters, _organisation_id, report = _partners(data)
    return {"items": report.organisations}


@blp.route("/partners.csv", methods=["GET"])
@roles_required(S, AN, P)
@blp.arguments(PartnersQuerySchema, location="query")
@blp.doc(responses=CSV_RESPONSE)
@blp.alt_response(403, description="Your role may not read partner figures")
@blp.alt_response(404, description="No such organisation, or not yours")
def partners_csv(data):
    """The partner figures as CSV (audited)."""
    filters, organisation_id, report = _partners(data)
    return _csv("partners", "Partners", filters, present_partners(report).tables, organisation_id)


def _section_csv(name: str):
    section = SECTIONS[name]

    @roles_required(S, AN)
    @blp.arguments(ReportQuerySchema, location="query")
    @blp.doc(responses=CSV_RESPONSE)
    @blp.alt_response(403, description="Only supervisors and analysts read this report")
    def view(data):
        filters = to_query(data).for_basis(section.default_basis)
        tables = section.present(figures(section, filters).value).tables
        return _csv(name, section.title, filters, tables)

    view.__name__ = f"{name}_csv"
    view.__doc__ = f"{section.title}: the same figures as CSV, the filters first (audited)."
    blp.route(f"/{name}.csv", methods=["GET"])(view)


for _name in WHOLE_SCHEME:
    _section_csv(_name)
