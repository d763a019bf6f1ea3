"""Report pages and downloads: aggregates only, never a person, a case or a referral.

- Supervisors and performance analysts: the dashboard, each section, its CSV and Excel
  downloads, every organisation's partner figures and the research extract.
- A partner: its own organisation's figures (small numbers protected); another
  organisation's answer 404.
- Administrators (and supervisors): the data-quality view.

Pages default to the last 12 months. Every download is audited (``exports``).
"""

from __future__ import annotations

import uuid

from flask import Blueprint, Response, render_template, request, stream_with_context, url_for
from flask_login import current_user
from sqlalchemy import select

from app.auth.models import User
from app.auth.permissions import blueprint_roles, roles_required
from app.auth.roles import Role
from app.cases.models import OffenceClass, Sex
from app.dates import today_in_london
from app.extensions import db
from app.reports import exports, extract, policy, quality
from app.reports.figures import figures, kept_for_seconds
from app.reports.filters import AgeBand, DateBasis, ReportFilters
from app.reports.partners import partners
from app.reports.present_services import present_partners
from app.reports.presenting import cell_text
from app.reports.query import ReportQuery, parse
from app.reports.registry import NAMES, SECTIONS

bp = Blueprint("reports", __name__, url_prefix="/reports")
bp.add_app_template_filter(cell_text, "report_cell")
S, AN, P, A = Role.SUPERVISOR, Role.ANALYST, Role.PARTNER, Role.ADMIN
blueprint_roles(bp, S, AN, P, A)

SECTION_NAMES = ",".join(NAMES)
FORMATS = "csv,xlsx"
DASHBOARD = ("funnel", "outcomes", "evaluation")
EACH_REPORTS_DATES = "Each report's own: the outcome decided for the evaluation, else referral"


def _query() -> tuple[ReportQuery, dict]:
    query, errors = parse(request.args, page=True)
    return policy.visible_query(current_user, query), errors


def _link_args(query: ReportQuery) -> dict[str, str]:
    """The filters as query arguments that give the same figures back (``from`` and
    ``to`` always, so "all records" is not read as the page's default 12 months)."""
    args = query.filters.as_args()
    if not query.basis_chosen:
        args["by"] = ""
    return {k: v for k, v in args.items() if v or k in ("from", "to")}


def _keyworker_name(filters: ReportFilters) -> str | None:
    if filters.keyworker_id is None:
        return None
    return db.session.scalar(select(User.name).where(User.id == filters.keyworker_id))


def _filter_choices(with_keyworkers: bool = True) -> dict:
    keyworkers = []
    if with_keyworkers:
        keyworkers = [
            (str(row.id), row.name)
            for row in db.session.execute(
                select(User.id, User.name)
                .where(User.role == Role.KEYWORKER.value)
                .order_by(User.name, User.id)
            )
        ]

    def options(enum) -> list[tuple[str, str]]:
        return [(member.value, member.label) for member in enum]

    return {
        "bases": options(DateBasis),
        "age_bands": options(AgeBand),
        "sexes": options(Sex),
        "offence_classes": options(OffenceClass),
        "keyworkers": keyworkers,
    }


def _page(template: str, query: ReportQuery, errors: dict, shown_filters=None, **context):
    """Render a report page; ``shown_filters``: the filters its figures used (default:
    the query's, each report choosing its own dates unless ``by`` was chosen)."""
    filters = shown_filters or query.filters
    described = filters.describe(_keyworker_name(filters))
    if shown_filters is None and not query.basis_chosen:
        described = [
            (label, EACH_REPORTS_DATES if label == "Dates by" else value)
            for label, value in described
        ]
    return render_template(
        template,
        query=query,
        filter_errors=errors,
        args=query.filters.as_args() | ({} if query.basis_chosen else {"by": ""}),
        link_args=_link_args(query),
        described=described,
        sections=SECTIONS,
        figures_kept_seconds=kept_for_seconds(),
        **_filter_choices(context.pop("with_keyworkers", True)),
        **context,
    )


@bp.get("/")
@roles_required(S, AN)
def dashboard():
    query, errors = _query()
    shown, times = {}, []
    for name in DASHBOARD:
        section = SECTIONS[name]
        found = figures(section, query.for_basis(section.default_basis))
        shown[name] = section.present(found.value)
        times.append(found.worked_out_at)
    return _page("reports/dashboard.html", query, errors, shown=shown, worked_out_at=min(times))


@bp.get(f"/<any({SECTION_NAMES}):name>")
@roles_required(S, AN)
def section(name: str):
    query, errors = _query()
    spec = SECTIONS[name]
    filters = query.for_basis(spec.default_basis)
    found = figures(spec, filters)
    presentation = spec.present(found.value)
    return _page(
        "reports/section.html",
        query,
        errors,
        filters,
        spec=spec,
        presentation=presentation,
        worked_out_at=found.worked_out_at,
        basis=filters.by,
        downloads={
            fmt: url_for("reports.download", name=name, fmt=fmt, **_link_args(query))
            for fmt in ("csv", "xlsx")
        },
    )


def _download(name: str, title: str, fmt: str, filters, tables, organisation_id=None):
    content, mimetype = exports.render(
        fmt, title, filters.describe(_keyworker_name(filters)), tables
    )
    exports.record_download(current_user, name, fmt, filters, organisation_id=organisation_id)
    filename = f"{name.replace('_', '-')}-{today_in_london().isoformat()}.{fmt}"
    return Response(
        content,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.get(f"/<any({SECTION_NAMES}):name>.<any({FORMATS}):fmt>")
@roles_required(S, AN)
def download(name: str, fmt: str):
    query, _errors = _query()
    spec = SECTIONS[name]
    filters = query.for_basis(spec.default_basis)
    presentation = spec.present(figures(spec, filters).value)
    return _download(name, spec.title, fmt, filters, presentation.tables)


def _organisation_page(organisation, query: ReportQuery, errors: dict):
    filters = query.for_basis(DateBasis.REFERRAL)
    protect = policy.protects_small_numbers(current_user)
    report = partners(filters, organisation.id, protect=protect)
    return _page(
        "reports/organisation.html",
        query,
        errors,
        filters,
        organisation=organisation,
        presentation=present_partners(report),
        protected=protect,
        with_keyworkers=not protect,
        downloads={
            fmt: url_for(
                "reports.organisation_download",
                organisation_id=organisation.id,
                fmt=fmt,
                **_link_args(query),
            )
            for fmt in ("csv", "xlsx")
        },
    )


@bp.get("/organisations/<uuid:organisation_id>")
@roles_required(S, AN, P)
def organisation(organisation_id: uuid.UUID):
    found = policy.organisation_for(current_user, organisation_id)
    query, errors = _query()
    return _organisation_page(found, query, errors)


@bp.get("/my-organisation")
@roles_required(P)
def my_organisation():
    found = policy.organisation_for(current_user, current_user.organisation_id)
    query, errors = _query()
    return _organisation_page(found, query, errors)


@bp.get(f"/organisations/<uuid:organisation_id>.<any({FORMATS}):fmt>")
@roles_required(S, AN, P)
def organisation_download(organisation_id: uuid.UUID, fmt: str):
    found = policy.organisation_for(current_user, organisation_id)
    query, _errors = _query()
    filters = query.for_basis(DateBasis.REFERRAL)
    report = partners(filters, found.id, protect=policy.protects_small_numbers(current_user))
    return _download(
        "partner_organisation",
        f"Partner figures: {found.name}",
        fmt,
        filters,
        present_partners(report).tables,
        organisation_id=found.id,
    )


@bp.get("/research-extract")
@roles_required(S, AN)
def research_extract():
    query, errors = _query()
    return _page(
        "reports/extract.html",
        query,
        errors,
        query.for_basis(DateBasis.REFERRAL),
        dictionary=extract.DICTIONARY,
        download=url_for("reports.research_extract_download", **_link_args(query)),
    )


@bp.get("/research-extract.csv")
@roles_required(S, AN)
def research_extract_download():
    query, _errors = _query()
    filters = query.for_basis(DateBasis.REFERRAL)
    described = filters.describe(_keyworker_name(filters))
    exports.record_download(current_user, "research_extract", "csv", filters)
    filename = f"research-extract-{today_in_london().isoformat()}.csv"
    return Response(
        stream_with_context(extract.csv_lines(filters, described)),
        mimetype=exports.CSV_MIMETYPE,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.get("/research-extract/data-dictionary.csv")
@roles_required(S, AN)
def data_dictionary():
    return Response(
        extract.dictionary_csv(),
        mimetype=exports.CSV_MIMETYPE,
        headers={"Content-Disposition": 'attachment; filename="data-dictionary.csv"'},
    )


@bp.get("/data-quality")
@roles_required(A, S)
def data_quality():
    return render_template(
        "reports/data_quality.html", report=quality.quality(), issues=quality.ISSUES
    )
