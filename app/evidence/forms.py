"""Forms for booking and rescheduling appointments, recording attendance, keyworker
evidence entries and compliance decisions."""

from __future__ import annotations

from datetime import datetime

from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovCheckboxInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from app.evidence.compliance import DECISION_LABELS
from app.evidence.models import AbsenceReason, AppointmentMode, AttendanceStatus, ConcernDecision
from app.evidence.queries import ABSENCE_LABELS, MODE_LABELS
from app.evidence.services import LOCATION_MAX, TEXT_MAX
from app.forms import (
    GovukDateField,
    GovukTimeField,
    HubForm,
    ServiceErrorsMixin,
    field_name,
    london_moment,
    strip,
)


def _long_text(label: str, message: str | None = None, **kwargs):
    too_long = f"{field_name(label)} must be {TEXT_MAX} characters or fewer"
    validators = [Length(max=TEXT_MAX, message=too_long)]
    validators.insert(0, DataRequired(message=message) if message else Optional())
    return TextAreaField(
        label, widget=GovCharacterCount(), filters=[strip], validators=validators, **kwargs
    )


class _When(ServiceErrorsMixin, HubForm):
    SERVICE_FIELDS = {"starts_at": "day"}

    day = GovukDateField(
        "Date", description="For example, 27 3 2027", validators=[DataRequired("Enter the date")]
    )
    time_of_day = GovukTimeField("Time", validators=[DataRequired("Enter the time")])
    mode = RadioField(
        "How will it take place?",
        widget=GovRadioInput(),
        choices=[SelectChoice(m.value, MODE_LABELS[m.value]) for m in AppointmentMode],
        validators=[InputRequired("Select in person, phone or video")],
    )
    location = StringField(
        "Where (optional)",
        widget=GovTextInput(),
        description="For an appointment in person: the address or the name of the place",
        filters=[strip],
        validators=[
            Optional(),
            Length(max=LOCATION_MAX, message=f"Where must be {LOCATION_MAX} characters or fewer"),
        ],
    )

    @property
    def starts_at(self) -> datetime | None:
        if self.day.data is None or self.time_of_day.data is None:
            return None
        return london_moment(self.day.data, self.time_of_day.data)


class AppointmentForm(_When):
    submit = SubmitField("Book appointment", widget=GovSubmitInput())


class OneToOneForm(_When):
    mode = RadioField(
        "How did or will it take place?",
        widget=GovRadioInput(),
        choices=[SelectChoice(m.value, MODE_LABELS[m.value]) for m in AppointmentMode],
        validators=[InputRequired("Select in person, phone or video")],
    )
    submit = SubmitField("Record session", widget=GovSubmitInput())


class RescheduleForm(_When):
    reason = _long_text("Why is it being rescheduled?", "Enter why it is being rescheduled")
    submit = SubmitField("Reschedule", widget=GovSubmitInput())


ATTENDANCE_CHOICES = [
    SelectChoice(AttendanceStatus.ATTENDED.value, "Yes, on time"),
    SelectChoice(AttendanceStatus.LATE.value, "Yes, but late"),
    SelectChoice(AttendanceStatus.DID_NOT_ATTEND.value, "No, they did not attend"),
]


class AttendanceForm(ServiceErrorsMixin, HubForm):
    happened = RadioField(
        "Did the appointment take place?",
        widget=GovRadioInput(),
        choices=[SelectChoice("yes", "Yes"), SelectChoice("no", "No, it did not take place")],
        validators=[InputRequired("Select whether the appointment took place")],
    )
    status = RadioField(
        "Did the person attend?",
        widget=GovRadioInput(),
        choices=ATTENDANCE_CHOICES,
        validators=[Optional()],
    )
    absence_reason = RadioField(
        "Why not?",
        widget=GovRadioInput(),
        description="The person's acceptable reason, the partner cancelling and logistics are "
        "acceptable. No reason raises a compliance concern with the keyworker.",
        choices=[SelectChoice(r.value, ABSENCE_LABELS[r.value]) for r in AbsenceReason],
        validators=[Optional()],
    )
    notes = _long_text("Notes (optional)")
    concern = _long_text(
        "Any concerns about behaviour or risk (optional)",
        description="Do not include health details the person has not agreed to share",
    )
    tell_keyworker_now = BooleanField(
        "The keyworker must be told about this concern now", widget=GovCheckboxInput()
    )
    correction_reason = _long_text("Why are you correcting the record?")
    submit = SubmitField("Save attendance", widget=GovSubmitInput())

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.happened.data == "yes" and not self.status.data:
            self.status.errors = ["Select whether the person attended"]
            valid = False
        missed = self.happened.data == "no" or self.status.data == "did_not_attend"
        if self.happened.data and missed and not self.absence_reason.data:
            self.absence_reason.errors = ["Select why the person did not attend"]
            valid = False
        return valid


class EntryForm(ServiceErrorsMixin, HubForm):
    note = _long_text(
        "Evidence",
        "Enter the evidence",
        description="For example, letter of "
        "apology received and passed to victim liaison on 3 March",
    )
    marks_met = BooleanField("This evidence shows the condition is met", widget=GovCheckboxInput())
    submit = SubmitField("Add evidence", widget=GovSubmitInput())


class DecisionForm(ServiceErrorsMixin, HubForm):
    SERVICE_FIELDS = {"changes": "required_sessions"}

    decision = RadioField(
        "Decision",
        widget=GovRadioInput(),
        choices=[SelectChoice(d.value, DECISION_LABELS[d.value]) for d in ConcernDecision],
        validators=[InputRequired("Select a decision")],
    )
    reason = _long_text("Reason for the decision", "Enter the reason for the decision")
    condition_id = SelectField(
        "Condition to vary", widget=GovSelect(), choices=[], validators=[Optional()]
    )
    required_sessions = StringField(
        "New number of sessions (optional)",
        widget=GovTextInput(),
        filters=[strip],
        validators=[Optional()],
    )
    description = _long_text("New description (optional)")
    submit = SubmitField("Record decision", widget=GovSubmitInput())

    def validate_required_sessions(self, field):
        if field.data and (not field.data.isdigit() or not 1 <= int(field.data) <= 100):
            raise ValidationError("Number of sessions must be a whole number from 1 to 100")
