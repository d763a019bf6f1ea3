"""Pages for outcome proposals and decisions, the breach evidence pack, exit planning,
ending surveys and the reoffending-check task list.

Case pages are for the keyworker of the case and supervisors (another keyworker: 404);
the decision pages for supervisors; the reoffending checks for administrators.
"""

from __future__ import annotations

import uuid

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.auth.permissions import roles_required
from app.auth.roles import Role
from app.cases.services import view_case
from app.dates import today_in_london
from app.errors import Conflict, InvalidInput, NotFound
from app.evidence.compliance import DECISION_LABELS
from app.outcomes import completion, followup, reads, services
from app.outcomes.forms import RESULT_CHOICES, CheckForm, DecisionForm, OutcomeForm, SurveyForm
from app.pagination import Page, page_number

bp = Blueprint("outcomes", __name__)

K, S, A = Role.KEYWORKER, Role.SUPERVISOR, Role.ADMIN
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
        if current_user.role == S.value and pending.proposed_by_id != current_user.id:
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
                confirmed=form.confirmed.data,
            )
        except InvalidInput as invalid:
            form.add_service_errors(invalid.errors)
        except Conflict as conflict:
            return _to_case(case_id, conflict.message)
        except NotFound:
            abort(404)
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
        deciding=current_user.role == S.value,
        result_hints=RESULT_CHOICES,
        unmet=services.unmet_conditions(case),
        warnings=completion.warnings_for(case) if case.status == "active" else [],
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
    own = proposal.proposed_by_id == current_user.id
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
            form.add_service_errors(invalid.errors)
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
        evidence=reads.decision_evidence(case),
        decision_labels=DECISION_LABELS,
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
    survey_open = followup.survey_open(case)
    form = SurveyForm()
    if recorded is None and survey_open and form.validate_on_submit():
        try:
            followup.record_person_survey(
                current_user,
                case_id,
                satisfaction=form.satisfaction.data,
                police_legitimacy=form.police_legitimacy.data,
                comments=form.comments.data,
            )
        except InvalidInput as invalid:
            form.add_service_errors(invalid.errors)
        except Conflict as conflict:
            return _to_case(case_id, conflict.message)
        else:
            return _to_case(case_id, "Ending survey recorded", "success")
    elif request.method == "POST" and recorded is not None:
        return _to_case(case_id, "The person's ending survey has already been recorded")
    elif request.method == "POST" and not survey_open:
        return _to_case(case_id, followup.SURVEY_NOT_OPEN)
    return render_template(
        "outcomes/survey.html",
        form=form,
        case=case,
        recorded=recorded,
        survey_open=survey_open,
        not_open_text=followup.SURVEY_NOT_OPEN,
        scale=followup.SCALE,
        legitimacy_scale=followup.LEGITIMACY_SCALE,
    ), 400 if form.errors else 200


@bp.get("/reoffending-checks")
@roles_required(A)
def checks():
    """Administrators: the reoffending checks due."""
    number = page_number(request.args.get("page"))
    rows, total = followup.due_checks(current_user, number, PAGE_SIZE)
    page = Page(number, PAGE_SIZE, total)
    return render_template(
        "outcomes/checks.html",
        rows=rows,
        page=page,
        pagination=page.govuk_params(lambda n: url_for("outcomes.checks", page=n)),
    )


@bp.route("/reoffending-checks/<uuid:check_id>", methods=["GET", "POST"])
@roles_required(A)
def record_check(check_id: uuid.UUID):
    check = followup.view_check(current_user, check_id)
    form = CheckForm()
    if check.checked_at is None and form.validate_on_submit():
        try:
            followup.record_check(
                current_user,
                check_id,
                reoffended=form.reoffended.data == "yes",
                reoffence_date=form.reoffence_date.data,
                reoffence=form.reoffence.data,
            )
        except InvalidInput as invalid:
            form.add_service_errors(invalid.errors)
        except Conflict as conflict:
            flash(conflict.message, "info")
            return redirect(url_for("outcomes.checks"))
        else:
            flash("Reoffending check recorded", "success")
            return redirect(url_for("outcomes.checks"))
    start, end = followup.window(check)
    return render_template(
        "outcomes/check.html",
        form=form,
        check=check,
        case=check.case,
        window_start=start,
        window_end=end,
        due=check.due_on <= today_in_london(),
    ), 400 if form.errors else 200
