"""The historic-cases import page (supervisors and administrators): the template, a dry
run that checks a file, and the import itself. Thin: form, then service."""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, url_for
from flask_login import current_user

from app.auth.permissions import blueprint_roles
from app.auth.roles import Role
from app.csv_files import RowProblems
from app.imports import historic
from app.imports.forms import HistoricImportForm
from app.imports.rows import COLUMNS

bp = Blueprint("imports", __name__, url_prefix="/imports")
blueprint_roles(bp, Role.SUPERVISOR, Role.ADMIN)


@bp.route("/historic-cases", methods=["GET", "POST"])
def historic_cases():
    form = HistoricImportForm()
    problems: dict[str, list[str]] = {}
    checked = None
    if form.validate_on_submit():
        dry_run = bool(form.check.data)
        try:
            result = historic.import_cases(current_user, form.file.data.read(), dry_run=dry_run)
        except RowProblems as invalid:
            problems = invalid.rows
            form.file.errors = [*form.file.errors, invalid.message]
        else:
            if not dry_run:
                flash(
                    f"{result.imported} historic case{'s' if result.imported != 1 else ''} "
                    "imported",
                    "success",
                )
                return redirect(url_for("imports.historic_cases"))
            checked = result.rows
    return render_template(
        "imports/historic_cases.html",
        form=form,
        problems=problems,
        checked=checked,
        columns=COLUMNS,
    ), 400 if form.errors else 200


@bp.get("/historic-cases/template.csv")
def historic_template():
    return Response(
        historic.template(),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="historic-cases.csv"'},
    )
