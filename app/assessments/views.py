"""Needs assessment pages: the initial and exit assessments, side by side."""

from __future__ import annotations

import uuid

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user

from app.assessments import services
from app.assessments.forms import AssessmentForm, level_field, notes_field
from app.assessments.models import AssessmentStage, NeedDomain, NeedLevel
from app.auth.permissions import blueprint_roles
from app.auth.roles import Role
from app.cases.models import CaseStatus
from app.cases.services import view_case
from app.errors import Conflict, InvalidInput

bp = Blueprint("assessments", __name__)
blueprint_roles(bp, Role.KEYWORKER, Role.SUPERVISOR)


@bp.get("/cases/<uuid:case_id>/assessments")
def show(case_id: uuid.UUID):
    case = view_case(current_user, case_id, purpose="needs_assessment_page")
    by_stage = services.assessments_by_stage(case)
    return render_template(
        "assessments/show.html",
        case=case,
        initial=by_stage.get(AssessmentStage.INITIAL.value),
        exit_assessment=by_stage.get(AssessmentStage.EXIT.value),
        distance=services.distance_travelled(case),
        narrative_fields=services.NARRATIVE_FIELDS,
        initial_due=services.refusal(case, by_stage, AssessmentStage.INITIAL.value) is None,
        exit_due=services.refusal(case, by_stage, AssessmentStage.EXIT.value) is None,
        ineligible=case.status == CaseStatus.INELIGIBLE.value,
    )


@bp.route(
    "/cases/<uuid:case_id>/assessments/<any(initial, exit):stage>/new", methods=["GET", "POST"]
)
def new(case_id: uuid.UUID, stage: str):
    case = view_case(current_user, case_id, purpose="needs_assessment_form")
    by_stage = services.assessments_by_stage(case)
    refused = services.refusal(case, by_stage, stage)
    if refused is not None:
        flash(refused.message, "info")
        return redirect(url_for("assessments.show", case_id=case_id))
    form = AssessmentForm()
    if form.validate_on_submit():
        try:
            services.record_assessment(
                current_user, case_id, stage, form.scores(), **form.narrative()
            )
        except InvalidInput as invalid:
            form.apply_service_error(invalid)
        except Conflict as conflict:
            flash(conflict.message, "info")
            return redirect(url_for("assessments.show", case_id=case_id))
        else:
            flash(f"{stage.capitalize()} needs assessment recorded", "success")
            return redirect(url_for("assessments.show", case_id=case_id))
    initial = by_stage.get(AssessmentStage.INITIAL.value) if stage == "exit" else None
    initial_levels = (
        {score.domain: score.level for score in initial.scores} if initial is not None else {}
    )
    domains = [
        (domain, form[level_field(domain)], form[notes_field(domain)]) for domain in NeedDomain
    ]
    return render_template(
        "assessments/new.html",
        form=form,
        case=case,
        stage=stage,
        domains=domains,
        initial_levels=initial_levels,
        level_labels={level.value: level.label for level in NeedLevel},
        narrative_fields=list(services.NARRATIVE_FIELDS),
    ), 400 if form.errors else 200
