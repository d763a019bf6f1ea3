"""Case pages: caseloads, recording a case, its eligibility result, the case page and
allocation. Thin: form, then service, then redirect or render."""

from __future__ import annotations

import uuid

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms import SelectChoice

from app.auth.permissions import roles_required
from app.auth.roles import Role
from app.cases import caseload as caseloads
from app.cases import services
from app.cases.eligibility import messages_for
from app.cases.forms import AllocationForm, IntakeForm
from app.cases.models import Ethnicity, OffenceClass, Sex
from app.cases.team import keyworker_counts, total_of
from app.cases.timeline import events_for
from app.dates import age_on
from app.errors import Conflict, InvalidInput
from app.outcomes.reads import case_panel
from app.pagination import Page, page_number
from app.text import as_uuid
from app.victims.models import ContactMethod

bp = Blueprint("cases", __name__, url_prefix="/cases")

CASE_ROLES = (Role.KEYWORKER, Role.SUPERVISOR)
# The eligibility answers as the case page names them.
ANSWER_SUMMARY_LABELS = {
    "accepts_responsibility": "Accepts responsibility",
    "agrees_to_participate": "Agrees to take part",
    "has_dvpn_or_dvpo": "Current DVPN or DVPO",
    "on_court_order_or_sentence": "On a court order or sentence",
    "on_prison_licence": "On prison licence",
    "on_bail_or_rui_other_offence": "On bail or RUI for another offence",
    "offended_in_last_two_years": "Offended in the last two years",
}


def _list_page(endpoint: str, template: str, *, team_view: bool):
    status = caseloads.parse_status(request.args.get("status"))
    keyworker = caseloads.parse_keyworker(request.args.get("keyworker")) if team_view else None
    sort = caseloads.Sort.parse(request.args.get("sort"), request.args.get("order"))
    page = page_number(request.args.get("page"))
    counts = keyworker_counts() if team_view else None
    result = caseloads.caseload(
        current_user,
        caseloads.Filters(status=status, keyworker=keyworker),
        sort,
        page,
        purpose=endpoint.replace(".", "_"),
        # Beside the counts it shows, the team view's total is theirs, not counted again.
        total=total_of(counts, keyworker) if counts and not status else None,
    )
    page_info = Page(page, result.per_page, result.total)
    query = {
        "status": status,
        "keyworker": str(keyworker) if keyworker else None,
        "sort": sort.key,
        "order": "desc" if sort.descending else "asc",
    }

    def url_for_page(n: int) -> str:
        return url_for(endpoint, **query, page=n)

    def sort_link(key: str) -> dict:
        active = sort.key == key
        descending = not sort.descending if active else False
        return {
            "href": url_for(
                endpoint, **{**query, "sort": key, "order": "desc" if descending else "asc"}
            ),
            "aria_sort": ("descending" if sort.descending else "ascending") if active else "none",
        }

    return render_template(
        template,
        rows=result.rows,
        page=page_info,
        pagination=page_info.govuk_params(url_for_page),
        status=status or "",
        keyworker=str(keyworker) if keyworker else "",
        statuses=caseloads.CaseStatus,
        sort_columns=caseloads.SORT_COLUMNS,
        sort_link=sort_link,
        counts=counts,
        filtered=bool(status or keyworker),
    )


@bp.get("/")
@roles_required(Role.KEYWORKER)
def caseload():
    return _list_page("cases.caseload", "cases/caseload.html", team_view=False)


@bp.get("/team")
@roles_required(Role.SUPERVISOR)
def team():
    return _list_page("cases.team", "cases/team.html", team_view=True)


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*CASE_ROLES)
def new():
    form = IntakeForm()
    if form.is_submitted():
        parsed = form.validate()  # parses dates and checks the CSRF token
        if not parsed:
            form.add_service_errors(services.check_case_intake(form.intake()))
        else:
            try:
                case = services.record_case(current_user, form.intake())
            except InvalidInput as invalid:
                form.apply_service_error(invalid)
            else:
                flash("Case recorded", "success")
                return redirect(url_for("cases.result", case_id=case.id))
    status = 400 if form.errors else 200
    return render_template("cases/new.html", form=form), status


@bp.get("/<uuid:case_id>/eligibility")
@roles_required(*CASE_ROLES)
def result(case_id: uuid.UUID):
    case = services.view_case(current_user, case_id, purpose="intake_result")
    minimum_age = services.minimum_age()
    return render_template(
        "cases/result.html",
        case=case,
        failures=messages_for(case.eligibility_failed, minimum_age),
    )


@bp.get("/<uuid:case_id>")
@roles_required(*CASE_ROLES)
def show(case_id: uuid.UUID):
    case = services.view_case(current_user, case_id, purpose="case_page")
    return render_template(
        "cases/show.html",
        case=case,
        failures=messages_for(case.eligibility_failed, services.minimum_age()),
        answer_labels=ANSWER_SUMMARY_LABELS,
        offence_class=OffenceClass(case.offence_class),
        sex_label=Sex(case.person.sex).label,
        ethnicity_label=Ethnicity(case.person.ethnicity).label,
        contact_labels={method.value: method.label for method in ContactMethod},
        age_at_offence=age_on(case.person.date_of_birth, case.offence_committed_on),
        allocations=services.allocations_for(case),
        events=events_for(case),
        outcome_panel=case_panel(current_user, case),
    )


@bp.route("/<uuid:case_id>/allocation", methods=["GET", "POST"])
@roles_required(Role.SUPERVISOR)
def allocate(case_id: uuid.UUID):
    case = services.view_case(current_user, case_id, purpose="allocation_page")
    form = AllocationForm()
    keyworkers = services.active_keyworkers()
    form.keyworker_id.choices = [SelectChoice("", "Select a keyworker")] + [
        SelectChoice(str(k.id), k.name) for k in keyworkers if k.id != case.keyworker_id
    ]
    conflict = None
    status = 200
    was_allocated = case.keyworker_id is not None
    if form.validate_on_submit():
        try:
            services.allocate(
                current_user,
                case_id,
                as_uuid(form.keyworker_id.data),
                form.reason.data,
                version=_int(form.version.data),
            )
        except InvalidInput as invalid:
            form.apply_service_error(invalid)
        except Conflict as error:
            conflict, status = error.message, 409
        else:
            flash("Case reallocated" if was_allocated else "Case allocated", "success")
            return redirect(url_for("cases.show", case_id=case_id))
    elif request.method == "GET":
        form.version.data = str(case.version)
    if form.errors:
        status = 400
    return render_template(
        "cases/allocate.html",
        form=form,
        case=case,
        conflict=conflict,
        was_allocated=was_allocated,
        can_allocate=services.allocation_refusal(case) is None,
    ), status


def _int(raw: str | None) -> int | None:
    try:
        return int(raw) if raw else None
    except ValueError:
        return None
