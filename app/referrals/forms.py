"""Forms for referrals, rendered with GOV.UK widgets.

The forms check that something was entered; the services check the rest, and their
field errors are shown against these fields, whose names match the services'.

The partner's action forms share one page, so each is given a ``prefix`` (its action) to
keep the page's ids unique. Their CSRF token is the plain ``csrf_token`` field that the
app-wide CSRF protection checks on every POST (``Meta.csrf = False`` only stops each
form from looking for a second, prefixed copy).
"""

from __future__ import annotations

from datetime import date, datetime

from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    HiddenField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length

from app.forms import (
    GovukDateField,
    GovukTimeField,
    HubForm,
    ServiceErrorsMixin,
    london_moment,
    reason_field,
    strip,
)
from app.referrals.labels import DECLINE_REASON_LABELS, INTRODUCTION_LABELS, OUTCOME_LABELS
from app.referrals.moves import REASON_MAX
from app.referrals.services import MESSAGE_MAX, NEED_MAX, UPDATE_MAX


class ReferralForm(ServiceErrorsMixin, HubForm):
    # The service takes the date and time of the introduction as one input.
    SERVICE_FIELDS = {"introduction_at": "introduction_date"}

    need = StringField(
        "What does the person need from this organisation?",
        widget=GovTextInput(),
        description="For example, help to find settled accommodation. The organisation sees "
        "this whatever you share, so do not include the person's name or contact details",
        filters=[strip],
        validators=[
            DataRequired(message="Enter what the person needs from the organisation"),
            Length(max=NEED_MAX, message=f"The need must be {NEED_MAX} characters or fewer"),
        ],
    )
    condition_ids = SelectMultipleField(
        "Which contract conditions does this referral help to meet? (optional)",
        widget=GovCheckboxesInput(),
        choices=[],
        validate_choice=False,  # the service checks they are this case's current conditions
    )
    message = TextAreaField(
        "Message to the organisation (optional)",
        widget=GovTextArea(),
        description="Anything that will help them prepare. Do not include the person's name "
        "or contact details unless you share contact details",
        filters=[strip],
        validators=[
            Length(
                max=MESSAGE_MAX, message=f"The message must be {MESSAGE_MAX} characters or fewer"
            )
        ],
    )
    introduction_method = RadioField(
        "How will you make the warm introduction?",
        widget=GovRadioInput(),
        description="A managed, personal handover to the organisation's named contact",
        choices=[SelectChoice(m.value, label) for m, label in INTRODUCTION_LABELS.items()],
        validate_choice=False,
        validators=[InputRequired(message="Select how you will make the warm introduction")],
    )
    introduction_date = GovukDateField(
        "Date of the warm introduction (optional)", description="For example, 27 11 2026"
    )
    introduction_time = GovukTimeField("Time (optional)")
    shared_categories = SelectMultipleField(
        "What information will you share?",
        widget=GovCheckboxesInput(),
        description="Only the information the person has consented to share with this "
        "organisation is offered",
        choices=[],
        validate_choice=False,  # the service checks each against the consent rule
        validators=[DataRequired(message="Select the information to share with the organisation")],
    )
    submit = SubmitField("Send referral", widget=GovSubmitInput())

    def introduction_at(self) -> datetime | None:
        """The date and time as a UTC instant; adds field errors and returns None when
        only one of them was entered (each field has already checked its own value, so
        every error shows at once)."""
        day: date | None = self.introduction_date.data
        at = self.introduction_time.data
        date_entered = day is not None or any(self.introduction_date.raw_data or [])
        time_entered = at is not None or any(self.introduction_time.raw_data or [])
        if not date_entered and time_entered and not self.introduction_time.errors:
            self.introduction_date.errors.append("Enter the date of the warm introduction")
        if date_entered and not time_entered:
            self.introduction_time.errors.append("Enter the time of the warm introduction")
        if day is None or at is None:
            return None
        return london_moment(day, at)


class _ActionForm(ServiceErrorsMixin, HubForm):
    class Meta:
        csrf = False  # the app-wide CSRF protection checks the page's csrf_token field

    # The version of the referral the user saw: a change since then is refused.
    version = HiddenField()


class ConfirmForm(_ActionForm):
    """Acknowledge, accept, start work, resume: one click."""

    submit = SubmitField("Confirm", widget=GovSubmitInput())


class DeclineForm(_ActionForm):
    reason = RadioField(
        "Why are you declining the referral?",
        widget=GovRadioInput(),
        description="The keyworker is told the reason",
        choices=[SelectChoice(r.value, label) for r, label in DECLINE_REASON_LABELS.items()],
        validate_choice=False,
        validators=[InputRequired(message="Select why you are declining the referral")],
    )
    details = TextAreaField(
        "Details",
        widget=GovTextArea(),
        description="Required if you chose Other. The keyworker sees this",
        filters=[strip],
        validators=[
            Length(max=REASON_MAX, message=f"Details must be {REASON_MAX} characters or fewer")
        ],
    )
    submit = SubmitField("Decline referral", widget=GovSubmitInput())


class CompleteForm(_ActionForm):
    outcome = RadioField(
        "What was the outcome?",
        widget=GovRadioInput(),
        description="Whether the person achieved what the referral was for",
        choices=[SelectChoice(o.value, label) for o, label in OUTCOME_LABELS.items()],
        validate_choice=False,
        validators=[InputRequired(message="Select the outcome of the referral")],
    )
    submit = SubmitField("Complete referral", widget=GovSubmitInput())


class CancelForm(_ActionForm):
    reason = reason_field(
        "Why are you cancelling the referral?",
        description="The partner organisation is told that it was cancelled, not why",
        required="Enter why you are cancelling the referral",
        maximum=REASON_MAX,
    )
    submit = SubmitField("Cancel referral", widget=GovSubmitInput())


class AssignWorkerForm(_ActionForm):
    worker_id = SelectField(
        "Who in your organisation will work with the person?",
        widget=GovSelect(),
        description="The keyworker sees their name",
        choices=[],
        validate_choice=False,  # the service checks the worker is one of the organisation's
    )
    submit = SubmitField("Assign worker", widget=GovSubmitInput())


class UpdateForm(_ActionForm):
    body = TextAreaField(
        "Your update",
        widget=GovTextArea(),
        description="For example, an appointment booked or a first session attended. The "
        "keyworker is told there is an update and reads it in the hub",
        filters=[strip],
        validators=[
            DataRequired(message="Enter the update"),
            Length(max=UPDATE_MAX, message=f"The update must be {UPDATE_MAX} characters or fewer"),
        ],
    )
    submit = SubmitField("Post update", widget=GovSubmitInput())


class StaffUpdateForm(UpdateForm):
    """The keyworker's (or a supervisor's) update for the partner organisation."""

    body = TextAreaField(
        "Your update for the partner organisation",
        widget=GovTextArea(),
        description="For example, a change of the person's availability. The organisation is "
        "told there is an update and reads it in the hub. Share only what the person's "
        "consent covers",
        filters=[strip],
        validators=[
            DataRequired(message="Enter the update"),
            Length(max=UPDATE_MAX, message=f"The update must be {UPDATE_MAX} characters or fewer"),
        ],
    )


ACTION_FORMS = {
    "acknowledge": ConfirmForm,
    "accept": ConfirmForm,
    "decline": DeclineForm,
    "start": ConfirmForm,
    "complete": CompleteForm,
    "cancel": CancelForm,
    "resume": ConfirmForm,
}


def version_of(raw: str | None) -> int | None:
    """The version a form carried; a garbled one is treated as stale (0)."""
    if not raw:
        return None
    try:
        return int(raw)
    except ValueError:
        return 0
