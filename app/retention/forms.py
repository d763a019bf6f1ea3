"""Forms of the retention review: approve an erasure, or keep a record for now."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovCheckboxInput, GovRadioInput, GovSubmitInput
from wtforms import BooleanField, RadioField, SelectChoice, SubmitField
from wtforms.validators import DataRequired, InputRequired

from app.forms import HubForm, ServiceErrorsMixin, reason_field
from app.retention.services import KEEP_MONTHS, REASON_MAX

CONFIRM = "Confirm that the hub no longer needs this personal data"


class EraseForm(ServiceErrorsMixin, HubForm):
    confirm = BooleanField(
        "I have reviewed the record: the hub no longer needs this personal data",
        widget=GovCheckboxInput(),
        validators=[DataRequired(message=CONFIRM)],
    )
    submit = SubmitField("Erase the personal data", widget=GovSubmitInput())


class EraseSelectedForm(HubForm):
    """The list page's form: the records are its ``item`` checkboxes (case id:scope)."""

    confirm = BooleanField(
        "I have reviewed the selected records: the hub no longer needs their personal data",
        widget=GovCheckboxInput(),
        validators=[DataRequired(message=CONFIRM)],
    )
    submit = SubmitField("Erase the selected records", widget=GovSubmitInput())


class KeepForm(ServiceErrorsMixin, HubForm):
    months = RadioField(
        "Keep it for",
        widget=GovRadioInput(),
        coerce=int,
        choices=[SelectChoice(m, f"{m} months") for m in KEEP_MONTHS],
        validators=[InputRequired(message="Choose how long to keep the record")],
    )
    reason = reason_field(
        "Why is it still needed?",
        description="For example, an appeal or a complaint still open. Do not name anyone.",
        maximum=REASON_MAX,
        required="Enter why the record is still needed",
    )
    submit = SubmitField("Keep the record", widget=GovSubmitInput())
