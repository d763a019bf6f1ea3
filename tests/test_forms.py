"""The shared GOV.UK date field: every odd input becomes a message, never a 500. A
service's errors on a form: each on its field, or in the error summary."""

from __future__ import annotations

from datetime import date

import pytest
from flask import render_template_string
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovTextInput
from werkzeug.datastructures import MultiDict
from wtforms import StringField
from wtforms.validators import DataRequired

from app.errors import Conflict, InvalidInput, ValidationFailed
from app.forms import GovukDateField, ServiceErrorsMixin


class DateForm(FlaskForm):
    class Meta:
        csrf = False

    start_date = GovukDateField(
        "Start date", validators=[DataRequired(message="Enter the start date")]
    )


@pytest.mark.parametrize(
    ("parts", "message"),
    [
        (["", "", ""], "Enter the start date"),
        (["1", "", "2026"], "Start date must include a month"),
        (["", "", "2026"], "Start date must include a day and month"),
        (["31", "2", "2026"], "Start date must be a real date"),
        (["x", "2", "2026"], "Start date must be a real date"),
        (["1", "2", "26"], "Year must include 4 numbers"),
        (["29", "2", "2027"], "Start date must be a real date"),
        (["1"], "Start date must include a month and year"),
    ],
)
def test_bad_dates_get_gov_uk_messages(app, parts, message):
    with app.test_request_context(method="POST"):
        form = DateForm(formdata=MultiDict([("start_date", p) for p in parts]))
        assert not form.validate()
        assert form.start_date.errors == [message]
        assert "start_date" in str(form.start_date())  # re-renders without crashing


def test_a_real_date_including_a_leap_day(app):
    with app.test_request_context(method="POST"):
        form = DateForm(
            formdata=MultiDict([("start_date", "29"), ("start_date", "2"), ("start_date", "2028")])
        )
        assert form.validate()
        assert form.start_date.data == date(2028, 2, 29)


class DetailsForm(ServiceErrorsMixin, FlaskForm):
    class Meta:
        csrf = False

    SERVICE_FIELDS = {"starts_at": "start_date"}

    name = StringField(
        "Name", widget=GovTextInput(), validators=[DataRequired(message="Enter a name")]
    )
    start_date = GovukDateField("Start date")


SUMMARY = (
    '{% from "govuk_frontend_jinja/components/error-summary/macro.html" '
    "import govukErrorSummary %}{{ govukErrorSummary(wtforms_errors(form)) }}"
)


def _summary(form) -> str:
    return render_template_string(SUMMARY, form=form)


def test_a_services_field_errors_go_on_their_fields(app):
    with app.test_request_context(method="POST"):
        form = DetailsForm(formdata=MultiDict([("name", "Ann")]))
        assert form.validate()
        form.apply_service_error(
            InvalidInput({"name": "Name is taken", "starts_at": "Start date is too late"})
        )
        assert form.name.errors == ["Name is taken"]
        assert form.start_date.errors == ["Start date is too late"]
        assert form.form_errors == []
        summary = _summary(form)
        assert 'href="#name"' in summary
        assert "Start date is too late" in summary


def test_an_error_for_no_field_of_the_form_is_shown_in_the_summary(app):
    with app.test_request_context(method="POST"):
        form = DetailsForm(formdata=MultiDict([("name", "Ann")]))
        assert form.validate()
        form.apply_service_error(
            InvalidInput({"organisation_id": "Select an organisation", "name": "Name is taken"})
        )
        form.apply_service_error(Conflict("Someone else changed it"))
        assert form.name.errors == ["Name is taken"]
        assert form.form_errors == ["Select an organisation", "Someone else changed it"]
        assert form.errors  # the page answers 400 and shows the summary
        summary = _summary(form)
        assert "Select an organisation" in summary
        assert "Someone else changed it" in summary
        assert 'href="#"' not in summary  # nothing to link to
        assert summary.index("Select an organisation") < summary.index("Name is taken")


def test_a_single_field_error_and_a_fields_own_error_first(app):
    with app.test_request_context(method="POST"):
        form = DetailsForm(formdata=MultiDict([("name", "")]))
        assert not form.validate()
        form.apply_service_error(ValidationFailed("Enter the name", field="name"))
        form.apply_service_error(ValidationFailed("Enter the name", field="name"))
        assert form.name.errors == ["Enter a name", "Enter the name"]
        shown = str(form.name()) + _summary(form)
        assert "Enter a name" in shown  # the field's own message shows, on it and above
        assert "Enter the name" not in shown
