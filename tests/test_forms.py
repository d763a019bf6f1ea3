"""The shared GOV.UK date field: every odd input becomes a message, never a 500. A
service's errors on a form: each on its field, or in the error summary."""

from __future__ import annotations

import importlib
from datetime import date, time
from pathlib import Path

import pytest
from flask import render_template_string
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovTextInput
from werkzeug.datastructures import MultiDict
from wtforms import StringField
from wtforms.validators import DataRequired

import app as app_package
from app.errors import Conflict, InvalidInput, ValidationFailed
from app.forms import GovukDateField, GovukTimeField, ServiceErrorsMixin


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
        (["31", "12", "9999"], "Start date must be between 1000 and 8999"),
        (["1", "1", "0001"], "Start date must be between 1000 and 8999"),
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


class OptionalDateForm(FlaskForm):
    class Meta:
        csrf = False

    expires_on = GovukDateField("Expiry date (optional)")


@pytest.mark.parametrize(
    ("parts", "message"),
    [
        (["31", "2", "2027"], "Expiry date must be a real date"),
        (["1", "", "2027"], "Expiry date must include a month"),
    ],
)
def test_an_optional_dates_messages_name_it_without_optional(app, parts, message):
    with app.test_request_context(method="POST"):
        form = OptionalDateForm(formdata=MultiDict([("expires_on", p) for p in parts]))
        assert not form.validate()
        assert form.expires_on.errors == [message]


def _app_forms():
    modules = [
        importlib.import_module(f"app.{name}.forms")
        for name in sorted(p.name for p in Path(app_package.__file__).parent.iterdir())
        if (Path(app_package.__file__).parent / name / "forms.py").exists()
    ]
    seen = set()
    for module in modules:
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, FlaskForm) and value not in seen:
                seen.add(value)
                yield value


def test_no_validator_message_says_optional():
    """A message names the field as a person would say it: never "Notes (optional) must..."."""
    found = []
    for form_class in _app_forms():
        for name, unbound in vars(form_class).items():
            validators = unbound.kwargs.get("validators") if hasattr(unbound, "kwargs") else None
            for validator in validators or []:
                message = getattr(validator, "message", None)
                if message and "(optional)" in str(message):
                    found.append(f"{form_class.__name__}.{name}: {message}")
    assert found == []


def test_a_real_date_including_a_leap_day(app):
    with app.test_request_context(method="POST"):
        form = DateForm(
            formdata=MultiDict([("start_date", "29"), ("start_date", "2"), ("start_date", "2028")])
        )
        assert form.validate()
        assert form.start_date.data == date(2028, 2, 29)


class TimeForm(FlaskForm):
    class Meta:
        csrf = False

    at = GovukTimeField("Time")


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("14:30", time(14, 30)),
        ("2:30pm", time(14, 30)),
        ("2pm", time(14, 0)),
        ("2:30 PM", time(14, 30)),
        ("9.15", time(9, 15)),
        ("09:15am", time(9, 15)),
        ("12am", time(0, 0)),
        ("12pm", time(12, 0)),
        ("12:05pm", time(12, 5)),
        ("midday", time(12, 0)),
        ("", None),
    ],
)
def test_the_time_field_accepts_times_as_people_write_them(app, typed, expected):
    with app.test_request_context(method="POST"):
        form = TimeForm(formdata=MultiDict([("at", typed)]))
        assert form.validate()
        assert form.at.data == expected


@pytest.mark.parametrize("typed", ["25:00", "14", "13pm", "2:60pm", "0am", "lunchtime", "14:3"])
def test_the_time_field_refuses_what_is_not_a_time(app, typed):
    with app.test_request_context(method="POST"):
        form = TimeForm(formdata=MultiDict([("at", typed)]))
        assert not form.validate()
        assert form.at.errors == ["Enter a real time, like 2:30pm or 14:30"]
        assert f'value="{typed}"' in str(form.at())  # shown again as typed


def test_every_time_of_day_in_every_form_is_the_one_time_field():
    found = {
        f"{form_class.__name__}.{name}": unbound.field_class.__name__
        for form_class in _app_forms()
        for name, unbound in vars(form_class).items()
        if "time" in name and hasattr(unbound, "field_class")
    }
    assert found  # the appointment, referral and victim update forms have one
    assert {where: kind for where, kind in found.items() if kind != "GovukTimeField"} == {}


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


def _text_fields(form_class) -> list[str]:
    """The names of a form's text inputs (StringField and its kinds), nested ones as
    ``victim_1-name``."""
    from wtforms import FormField

    names = []
    for name, unbound in vars(form_class).items():
        field_class = getattr(unbound, "field_class", None)
        if field_class is None:
            continue
        if issubclass(field_class, StringField):
            names.append(name)
        elif issubclass(field_class, FormField):
            subform = unbound.args[0] if unbound.args else unbound.kwargs["form_class"]
            names += [f"{name}-{sub}" for sub in _text_fields(subform)]
    return names


def test_every_page_form_is_a_hub_form():
    from app.forms import HubForm

    assert [f.__name__ for f in _app_forms() if not issubclass(f, HubForm)] == []


@pytest.mark.parametrize("value", ["Sam\x00Example", "\x00"], ids=["inside", "alone"])
def test_every_text_field_of_every_form_refuses_a_nul_character(app, value):
    """PostgreSQL cannot store a NUL: every text input says so at the field, never 500."""
    checked, missed = 0, []
    for form_class in _app_forms():
        for name in _text_fields(form_class):
            with app.test_request_context(method="POST"):
                form = form_class(formdata=MultiDict({name: value}), meta={"csrf": False})
                form.validate()
                field = form
                for part in name.split("-"):
                    field = field[part]
                checked += 1
                if not any("must not contain a NUL character" in e for e in field.errors):
                    missed.append((form_class.__name__, name, field.errors))
    assert checked > 50
    assert missed == []
