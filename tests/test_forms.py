"""The shared GOV.UK date field: every odd input becomes a message, never a 500."""

from __future__ import annotations

from datetime import date

import pytest
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms.validators import DataRequired

from app.forms import GovukDateField


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
