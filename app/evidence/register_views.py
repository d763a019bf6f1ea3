"""The attendance register page (a partner organisation's), on the evidence blueprint.

One page lists the day's or the week's sessions that wait for attendance; one submit
records every row answered. Each row is checked on its own: the valid rows are saved, and
the page comes back (400) with the rows that have errors, their answers kept.
"""

from __future__ import annotations

from datetime import date, timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.audit import services as audit
from app.auth.permissions import roles_required
from app.auth.roles import Role
from app.dates import today_in_london
from app.evidence import queries
from app.evidence import register as register_service
from app.evidence.forms import RegisterForm, RegisterRowForm
from app.evidence.views import bp
from app.pagination import page_number


def _period() -> register_service.Period:
    kind = request.args.get("period", "day")
    if kind not in register_service.PERIODS:
        abort(400)
    raw = request.args.get("date")
    try:
        day = date.fromisoformat(raw) if raw else today_in_london()
    except ValueError:
        abort(400)
    return register_service.Period.of(kind, day)


def _address(period, **extra) -> str:
    return url_for("evidence.register", period=period.kind, date=period.first.isoformat(), **extra)


def _row_forms(rows, formdata=None) -> dict:
    return {row.id: RegisterRowForm(formdata, prefix=f"session-{row.id}") for row in rows}


@bp.route("/appointments/register", methods=["GET", "POST"])
@roles_required(Role.PARTNER)
def register():
    period = _period()
    page = page_number(request.args.get("page"))
    listed = register_service.register(current_user, period, page=page)
    form = RegisterForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        forms = _row_forms(listed.rows, request.form)
        answers = {
            row_id: row_form.answer()
            for row_id, row_form in forms.items()
            if row_form.answered and row_form.validate()
        }
        saved, refused = register_service.record_register(current_user, listed.rows, answers)
        for row_id, errors in refused.items():
            forms[row_id].add_service_errors(errors)
        failed = {row_id for row_id, row_form in forms.items() if row_form.errors}
        if saved:
            count = len(saved)
            flash(f"Attendance recorded for {count} session{'' if count == 1 else 's'}", "success")
        if not failed:
            if not saved:
                flash("No attendance was recorded: answer at least one session", "info")
            return redirect(_address(period, page=page) if page > 1 else _address(period))
        listed = register_service.register(current_user, period, page=page)
        kept = {row.id: forms[row.id] for row in listed.rows if row.id in forms}
        forms = {**_row_forms(listed.rows), **kept}
        status = 400
    else:
        forms = _row_forms(listed.rows)
        status = 200
    audit.record_list_read(
        "appointments.register_listed",
        "appointment",
        [row.id for row in listed.rows],
        actor=current_user,
        period=period.kind,
        first=period.first.isoformat(),
        page=page,
    )
    today = today_in_london()
    return render_template(
        "evidence/register.html",
        listed=listed,
        period=period,
        forms=forms,
        form=form,
        errors=_error_list(listed.rows, forms, period),
        shortcuts=_shortcuts(period, today),
        previous=_address(register_service.Period.of(period.kind, period.step(-1))),
        following=_address(register_service.Period.of(period.kind, period.step(1)))
        if period.last < today
        else None,
        pagination=listed.page.govuk_params(lambda n: _address(period, page=n)),
        labels=queries,
    ), status


def _error_list(rows, forms, period) -> list[dict]:
    """The error summary: each row's errors, named by the session, linked to the field."""
    items = []
    for row in rows:
        row_form = forms[row.id]
        for field in (row_form.attended, row_form.absence_reason, row_form.cancelled_reason):
            for message in field.errors:
                text = f"Session at {row.when(period.kind)}: {message}"
                items.append({"text": text, "href": f"#{field.id}"})
    return items


def _shortcuts(period, today: date) -> list[dict]:
    """Links to the usual periods (plain links: they work without scripts)."""
    Period = register_service.Period
    choices = [
        ("Today", Period.of("day", today)),
        ("Yesterday", Period.of("day", today - timedelta(days=1))),
        ("This week", Period.of("week", today)),
        ("Last week", Period.of("week", today - timedelta(days=7))),
    ]
    return [
        {"text": text, "href": _address(choice), "current": choice == period}
        for text, choice in choices
    ]
