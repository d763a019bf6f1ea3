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

from app.dates import shortcut_date
from app.evidence.attendance import AttendanceAnswer
from app.evidence.compliance import DECISION_LABELS
from app.evidence.models import AbsenceReason, AppointmentMode, AttendanceStatus, ConcernDecision
from app.evidence.queries import ABSENCE_LABELS, MODE_LABELS
from app.evidence.services import LOCATION_MAX, TEXT_MAX
from app.forms import (
    GovukDateField,
    GovukTimeField,
    HubForm,
    HubSubForm,
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

    def use_shortcut(self, key: str | None) -> None:
        """A "Today" or "Yesterday" link followed without scripts: that date, filled in."""
        picked = shortcut_date(key)
        if picked is not None and not self.is_submitted():
            self.day.data = picked

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


NOT_HELD = "did_not_take_place"
ATTENDANCE_CHOICES = [
    SelectChoice(AttendanceStatus.ATTENDED.value, "Yes, on time"),
    SelectChoice(AttendanceStatus.LATE.value, "Yes, but late"),
    SelectChoice(AttendanceStatus.DID_NOT_ATTEND.value, "No, they did not attend"),
    SelectChoice(NOT_HELD, "The session did not take place"),
]
MISSED_REASONS = (AbsenceReason.PERSONS_ACCEPTABLE_REASON, AbsenceReason.NO_REASON)
NOT_HELD_REASONS = (AbsenceReason.PARTNER_CANCELLED, AbsenceReason.LOGISTICS)


def _reasons(reasons) -> list[SelectChoice]:
    return [SelectChoice(r.value, ABSENCE_LABELS[r.value]) for r in reasons]


class AttendanceQuestion:
    """The one question "Did the person attend?" and its follow-ups, which the page reveals
    under the answer they belong to (GOV.UK conditional radios). A follow-up of an answer
    not chosen is ignored, as GOV.UK's guidance says: with scripts on it was hidden.
    Mixed into the attendance form and into each row of the attendance register."""

    attended = RadioField(
        "Did the person attend?",
        widget=GovRadioInput(),
        choices=ATTENDANCE_CHOICES,
        validators=[
            InputRequired(
                "Select whether the person attended, or that the session did not take place"
            )
        ],
    )
    absence_reason = RadioField(
        "Why did they not attend?",
        widget=GovRadioInput(),
        description="No reason, or one that is not acceptable, raises a compliance concern "
        "with the keyworker.",
        choices=_reasons(MISSED_REASONS),
        validators=[Optional()],
    )
    cancelled_reason = RadioField(
        "Why did the session not take place?",
        widget=GovRadioInput(),
        choices=_reasons(NOT_HELD_REASONS),
        validators=[Optional()],
    )

    def one_to_one(self) -> None:
        """A keyworker's one-to-one: only logistics stops it (no partner runs it)."""
        self.cancelled_reason.choices = _reasons([AbsenceReason.LOGISTICS])

    def followups_valid(self) -> bool:
        """Each answer's own follow-up must be answered: a clear error for each gap."""
        missed = self.attended.data == AttendanceStatus.DID_NOT_ATTEND.value
        if missed and not self.absence_reason.data:
            self.absence_reason.errors = ["Select why the person did not attend"]
            return False
        if self.attended.data == NOT_HELD and not self.cancelled_reason.data:
            self.cancelled_reason.errors = ["Select why the session did not take place"]
            return False
        return True

    def answer(self, **extra) -> AttendanceAnswer:
        """The answer in the service's (and the API's) terms."""
        choice = self.attended.data
        if choice == NOT_HELD:
            return AttendanceAnswer(
                status=None, happened=False, absence_reason=self.cancelled_reason.data, **extra
            )
        missed = choice == AttendanceStatus.DID_NOT_ATTEND.value
        return AttendanceAnswer(
            status=choice,
            absence_reason=self.absence_reason.data if missed else None,
            **extra,
        )


class AttendanceForm(AttendanceQuestion, ServiceErrorsMixin, HubForm):
    # The service's field names, on this form's questions.
    SERVICE_FIELDS = {
        "status": "attended",
        "happened": "attended",
        "acceptable_absence": "absence_reason",
    }

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
        if self.attended.data and not self.followups_valid():
            valid = False
        if self.tell_keyworker_now.data and not self.concern.data:
            self.concern.errors = ["Describe the concern the keyworker must be told about"]
            valid = False
        return valid

    def attendance_answer(self) -> AttendanceAnswer:
        return self.answer(
            notes=self.notes.data,
            concern=self.concern.data,
            tell_keyworker_now=self.tell_keyworker_now.data,
        )


class RegisterRowForm(AttendanceQuestion, HubSubForm):
    """One session of the attendance register: left unanswered, it is left as it is."""

    attended = RadioField(
        "Did the person attend?",
        widget=GovRadioInput(),
        choices=ATTENDANCE_CHOICES,
        validators=[Optional()],
    )

    def validate(self, extra_validators=None) -> bool:
        return super().validate(extra_validators) and self.followups_valid()

    @property
    def answered(self) -> bool:
        return bool(self.attended.data)

    def add_service_errors(self, errors) -> None:
        """The service's refusal of this row, on the row's own questions: a reason at the
        follow-up of the answer given, anything else at the question itself."""
        for key, message in errors.items():
            field = self.attended
            if key in ("absence_reason", "acceptable_absence"):
                not_held = self.attended.data == NOT_HELD
                field = self.cancelled_reason if not_held else self.absence_reason
            if message not in field.errors:
                field.errors = [*field.errors, message]


class RegisterForm(HubForm):
    """The register's own form: its CSRF token and its button (the rows are separate)."""

    submit = SubmitField("Save attendance", widget=GovSubmitInput())


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
