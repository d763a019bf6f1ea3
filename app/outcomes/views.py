"""Pages for outcome proposals and decisions, the breach evidence pack, exit planning and
ending surveys (the reoffending checks' pages are in check_views).

Case pages are for the keyworker of the case and supervisors (another keyworker: 404);
the decision pages for supervisors.
"""

from __future__ import annotations

import uuid

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.auth.permissions import roles_required
from app.auth.roles import Role
from app.cases.services import view_case
from app.errors import Conflict, InvalidInput
from app.outcomes import followup, reads, services
from app.outcomes.forms import RESULT_CHOICES, DecisionForm, OutcomeForm, SurveyForm
from app.pagination import Page, page_number

bp = Blueprint("outcomes", __name__)

K, S = Role.KEYWORKER, Role.SUPERVISOR
PAGE_SIZE = 25


def _to_case(case_id: uuid.UUID, message: str | None = None, category: str = "info"):
    if message:
        flash(message, category)
    return redirect(url_for("cases.show", case_id=case_id))


def _version(raw: str | None) -> int | None:
    return int(raw) if raw and raw.isdigit() else None


def _decided_message(submission) -> str:
    case = submission.case
    return (
        f"Outcome recorded: {services.RESULT_LABELS[submission.proposal.result].lower()}. "
        f"{services.code_text(case.outcome_code)}"
    )


@bp.route("/cases/<uuid:case_id>/outcome/new", methods=["GET", "POST"])
@roles_required(K, S)
def new(case_id: uuid.UUID):
    """The keyworker proposes; a supervisor with nothing pending decides directly."""
    case = view_case(current_user, case_id, purpose="outcome_form")
    pending = services.pending_proposal(case.id)
    if pending is not None:
        if services.may_decide(current_user, pending):
            return redirect(url_for("outcomes.decide", case_id=case_id, proposal_id=pending.id))
        return _to_case(case_id, "An outcome proposal is already waiting for a supervisor")
    if not reads.open_results(case):
        return _to_case(
            case_id,
            "An outcome can be recorded only for an active case, or an opt-out before the contract",
        )
    form = OutcomeForm()
    if request.method == "GET":
        form.version.data = str(case.version)
    if form.validate_on_submit():
        try:
            submission = services.submit_outcome(
                current_user,
                case_id,
                form.result.data,
                form.reason.data,
                version=_version(form.version.data),
            )
        except InvalidInput as invalid:
            form.apply_service_error(invalid)
        except Conflict as conflict:
            return _to_case(case_id, conflict.message)
        else:
            if submission.decided:
                return _to_case(case_id, _decided_message(submission), "success")
            return _to_case(
                case_id, "Outcome proposed. A supervisor will approve it or send it back", "success"
            )
    return render_template(
        "outcomes/new.html",
        form=form,
        case=case,
        deciding=services.decides_directly(current_user),
        result_hints=RESULT_CHOICES,
        unmet=services.unmet_conditions(case),
    ), 400 if form.errors else 200


@bp.route("/cases/<uuid:case_id>/outcome/proposals/<uuid:proposal_id>", methods=["GET", "POST"])
@roles_required(S)
def decide(case_id: uuid.UUID, proposal_id: uuid.UUID):
    """A supervisor approves a keyworker's proposal or sends it back with a reason."""
    case = view_case(current_user, case_id, purpose="outcome_decision")
    proposal = services.get_proposal_for(current_user, case_id, proposal_id)
    form = DecisionForm()
    if request.method == "GET":
        form.version.data = str(case.version)
    own = not services.may_decide(current_user, proposal)
    if proposal.decision is None and form.validate_on_submit():
        version = _version(form.version.data)
        try:
            if form.decision.data == "approve":
                submission = services.submit_outcome(
                    current_user, case_id, proposal.result, form.reason.data, version=version
                )
                message = _decided_message(submission)
            else:
                services.send_back(
                    current_user, case_id, proposal_id, form.reason.data, version=version
                )
                message = "Proposal sent back to the keyworker"
        except InvalidInput as invalid:
            form.apply_service_error(invalid)
        except Conflict as conflict:
            return _to_case(case_id, conflict.message)
        else:
            return _to_case(case_id, message, "success")
    return render_template(
        "outcomes/decide.html",
        form=form,
        case=case,
        proposal=proposal,
        own=own,
        unmet=services.unmet_conditions(case),
        labels=services.RESULT_LABELS,
        code=services.outcome_code_for(case, proposal.result),
        code_text=services.code_text,
    ), 400 if form.errors else 200


@bp.get("/outcomes/proposals")
@roles_required(S)
def pending():
    """Supervisors: the proposals waiting for a decision."""
    number = page_number(request.args.get("page"))
    rows, total = reads.pending_list(current_user, number, PAGE_SIZE)
    page = Page(number, PAGE_SIZE, total)
    return render_template(
        "outcomes/pending.html",
        rows=rows,
        page=page,
        pagination=page.govuk_params(lambda n: url_for("outcomes.pending", page=n)),
        labels=services.RESULT_LABELS,
    )


@bp.get("/cases/<uuid:case_id>/evidence-pack")
@roles_required(K, S)
def evidence_pack(case_id: uuid.UUID):
    """The printable evidence pack, for the officer who will charge after a breach."""
    pack = reads.evidence_pack(current_user, case_id)
    return render_template(
        "outcomes/evidence_pack.html",
        pack=pack,
        case=pack.case,
        attendance_sorted=reads.attendance_sorted,
        labels=services.RESULT_LABELS,
        code_text=services.code_text,
    )


@bp.get("/cases/<uuid:case_id>/exit-planning")
@roles_required(K, S)
def exit_planning(case_id: uuid.UUID):
    plan = reads.exit_planning(current_user, case_id)
    return render_template("outcomes/exit_planning.html", plan=plan, case=plan.case)


@bp.route("/cases/<uuid:case_id>/ending-survey", methods=["GET", "POST"])
@roles_required(K, S)
def survey(case_id: uuid.UUID):
    case = view_case(current_user, case_id, purpose="ending_survey")
    recorded = followup.person_survey(case.id)
    refused = followup.survey_refusal(case)
    form = SurveyForm()
    if refused is None and form.validate_on_submit():
        try:
            followup.record_person_survey(
                current_user,
                case_id,
                satisfaction=form.satisfaction.data,
                police_legitimacy=form.police_legitimacy.data,
                comments=form.comments.data,
            )
        except InvalidInput as invalid:
            form.apply_service_error(invalid)
        except Conflict as conflict:
            return _to_case(case_id, conflict.message)
        else:
            return _to_case(case_id, "Ending survey recorded", "success")
    elif request.method == "POST" and refused is not None:
        return _to_case(case_id, refused.message)
    return render_template(
        "outcomes/survey.html",
        form=form,
        case=case,
        recorded=recorded,
        scale=followup.SCALE,
        legitimacy_scale=followup.LEGITIMACY_SCALE,
    ), 400 if form.errors else 200


# The reoffending checks' pages are in check_views (registered on this blueprint).
from app.outcomes import check_views  # noqa: E402, F401
