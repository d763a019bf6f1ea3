"""Reoffending-check pages for administrators and supervisors: the work list (due, not
yet due, done), recording one check, and recording many from a CSV file (with its
template). Registered on the outcomes blueprint."""

from __future__ import annotations

import uuid

from flask import Response, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.auth.permissions import roles_required
from app.auth.roles import Role
from app.cases.models import OffenceClass
from app.csv_files import RowProblems
from app.errors import Conflict, InvalidInput
from app.outcomes import check_upload, checks
from app.outcomes.checks import CheckStatus
from app.outcomes.forms import CheckForm, CheckUploadForm
from app.outcomes.views import bp
from app.pagination import Page, page_number

CHECKERS = (Role.ADMIN, Role.SUPERVISOR)
PAGE_SIZE = 25


def _status(raw: str | None) -> CheckStatus:
    try:
        return CheckStatus(raw or CheckStatus.DUE.value)
    except ValueError:
        return CheckStatus.DUE


@bp.get("/reoffending-checks", endpoint="checks")
@roles_required(*CHECKERS)
def checks_list():
    status = _status(request.args.get("status"))
    number = page_number(request.args.get("page"))
    rows, total = checks.list_checks(current_user, status, number, PAGE_SIZE)
    page = Page(number, PAGE_SIZE, total)
    return render_template(
        "outcomes/checks.html",
        rows=rows,
        page=page,
        status=status,
        statuses=list(CheckStatus),
        counts=checks.counts(current_user),
        pagination=page.govuk_params(
            lambda n: url_for("outcomes.checks", status=status.value, page=n)
        ),
    )


@bp.route("/reoffending-checks/<uuid:check_id>", methods=["GET", "POST"])
@roles_required(*CHECKERS)
def record_check(check_id: uuid.UUID):
    check = checks.view_check(current_user, check_id)
    form = CheckForm()
    if check.checked_at is None and form.validate_on_submit():
        try:
            checks.record_check(current_user, check_id, form.result())
        except InvalidInput as invalid:
            form.add_service_errors(invalid.errors)
        except Conflict as conflict:
            flash(conflict.message, "info")
            return redirect(url_for("outcomes.checks"))
        else:
            flash("Reoffending check recorded", "success")
            return redirect(url_for("outcomes.checks"))
    start, end = checks.window(check)
    return render_template(
        "outcomes/check.html",
        form=form,
        check=check,
        case=check.case,
        window_start=start,
        window_end=end,
        due=checks.status_of(check) != checks.CheckStatus.NOT_YET_DUE,
        offence_class_labels={c.value: c.label for c in OffenceClass},
    ), 400 if form.errors else 200


@bp.get("/reoffending-checks/template.csv")
@roles_required(*CHECKERS)
def checks_template():
    body = check_upload.template(current_user)
    return Response(
        body,
        mimetype="text/csv",
        headers={
            "Content-Disposition": 'attachment; filename="reoffending-checks-due.csv"',
        },
    )


@bp.route("/reoffending-checks/upload", methods=["GET", "POST"])
@roles_required(*CHECKERS)
def upload_checks():
    form = CheckUploadForm()
    problems: dict[str, list[str]] = {}
    if form.validate_on_submit():
        try:
            recorded = check_upload.upload(current_user, form.file.data.read())
        except RowProblems as invalid:
            problems = invalid.rows
            form.file.errors = [*form.file.errors, invalid.message]
        else:
            flash(f"{recorded} reoffending check{'s' if recorded != 1 else ''} recorded", "success")
            return redirect(url_for("outcomes.checks", status=CheckStatus.DONE.value))
    return render_template(
        "outcomes/checks_upload.html",
        form=form,
        problems=problems,
        columns=check_upload.COLUMNS,
    ), 400 if form.errors else 200
