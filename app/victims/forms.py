"""Forms for the victim liaison pages: an update given, the consultation before the
contract, update preferences and the ending survey."""

from __future__ import annotations

from datetime import UTC, datetime, time

from govuk_frontend_wtf.wtforms_widgets import (
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
)
from wtforms import RadioField, SelectChoice, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from app.dates import today_in_london
from app.forms import (
    TIME_HINT,
    GovukDateField,
    GovukTimeField,
    HubForm,
    ServiceErrorsMixin,
    london_moment,
    strip,
)
from app.outcomes.surveys import COMMENTS_MAX
from app.victims.models import ContactMethod
from app.victims.vocabulary import FREQUENCIES, SCALE, TEXT_MAX

ALL_VICTIMS = "all"
MIDDAY = time(12, 0)


def victim_choices(victims, *, include_all: bool = False) -> list[SelectChoice]:
    choices = [SelectChoice(str(victim.id), victim.name) for victim in victims]
    if include_all and len(victims) > 1:
        choices.append(SelectChoice(ALL_VICTIMS, "All the victims of this case"))
    return choices


def _victim_field(label: str, message: str) -> RadioField:
    return RadioField(
        label,
        widget=GovRadioInput(),
        choices=[],
        validators=[InputRequired(message=message)],
    )


class UpdateForm(ServiceErrorsMixin, HubForm):
    SERVICE_FIELDS = {"given_at": "given_on"}

    victim_id = _victim_field("Who was told?", "Select who was told")
    method = RadioField(
        "How was the victim told?",
        widget=GovRadioInput(),
        choices=[SelectChoice(m.value, m.label) for m in ContactMethod],
        validators=[InputRequired(message="Select how the victim was told")],
    )
    given_on = GovukDateField(
        "Date the update was given",
        description="For example, 27 3 2027",
        validators=[DataRequired(message="Enter the date the update was given")],
    )
    given_time = GovukTimeField(
        "Time the update was given (optional)",
        description=(
            f"{TIME_HINT}. If you leave it empty, today's updates are recorded at the "
            "current time and earlier ones at midday"
        ),
    )
    summary = TextAreaField(
        "What the victim was told",
        widget=GovTextArea(),
        description=(
            "The suggested update is written from what the victim may be told. Change it to "
            "what you actually said or sent"
        ),
        filters=[strip],
        validators=[
            DataRequired(message="Enter what the victim was told"),
            Length(
                max=TEXT_MAX,
                message=f"What the victim was told must be {TEXT_MAX} characters or fewer",
            ),
        ],
    )
    submit = SubmitField("Record the update", widget=GovSubmitInput())

    def chosen_victim(self):
        value = self.victim_id.data
        return None if value in (None, "", ALL_VICTIMS) else value

    def given_at(self, now: datetime | None = None) -> datetime:
        """The UTC time given: the date and time entered (UK time); with no time, now if
        the date is today, otherwise midday."""
        now = now or datetime.now(UTC)
        day = self.given_on.data
        moment = self.given_time.data
        if moment is None and day == today_in_london(now):
            return now
        return london_moment(day, moment or MIDDAY)


class ConsultationForm(ServiceErrorsMixin, HubForm):
    victim_id = _victim_field("Which victim was consulted?", "Select the victim who was consulted")
    consulted_on = GovukDateField(
        "Date consulted",
        description="Before the contract was agreed. For example, 27 3 2027",
        validators=[DataRequired(message="Enter the date the victim was consulted")],
    )
    views = TextAreaField(
        "The victim's views",
        widget=GovTextArea(),
        description="What the victim thinks about the offence and about deferred prosecution",
        filters=[strip],
        validators=[
            DataRequired(message="Enter the victim's views"),
            Length(
                max=TEXT_MAX, message=f"The victim's views must be {TEXT_MAX} characters or fewer"
            ),
        ],
    )
    requested_actions = TextAreaField(
        "Restorative or reparative action the victim asked for (optional)",
        widget=GovTextArea(),
        description="For example, a letter of apology, a restorative meeting or compensation",
        filters=[strip],
        validators=[
            Optional(),
            Length(
                max=TEXT_MAX,
                message=f"What the victim asked for must be {TEXT_MAX} characters or fewer",
            ),
        ],
    )
    not_included_reason = TextAreaField(
        "If something the victim asked for is not in the contract, why not (optional)",
        widget=GovTextArea(),
        filters=[strip],
        validators=[
            Optional(),
            Length(max=TEXT_MAX, message=f"The reason must be {TEXT_MAX} characters or fewer"),
        ],
    )
    submit = SubmitField("Record the consultation", widget=GovSubmitInput())


YES_NO = [SelectChoice("yes", "Yes"), SelectChoice("no", "No, they want no updates")]


class PreferencesForm(ServiceErrorsMixin, HubForm):
    wants_updates = RadioField(
        "Does the victim want updates?",
        widget=GovRadioInput(),
        choices=YES_NO,
        validators=[InputRequired(message="Select whether the victim wants updates")],
    )
    update_frequency = RadioField(
        "How often do they want updates?",
        widget=GovRadioInput(),
        description=(
            "Only if they want updates. They are always due an update after each key decision"
        ),
        choices=[SelectChoice(value, label) for value, label in FREQUENCIES.items()],
        validators=[Optional()],
    )
    preferred_contact = RadioField(
        "How do they prefer to be contacted?",
        widget=GovRadioInput(),
        choices=[SelectChoice(m.value, m.label) for m in ContactMethod],
        validators=[Optional()],
    )
    submit = SubmitField("Save preferences", widget=GovSubmitInput())


SCALE_CHOICES = [SelectChoice(str(score), f"{score}: {label}") for score, label in SCALE.items()]


class SurveyForm(ServiceErrorsMixin, HubForm):
    victim_id = _victim_field("Which victim answered?", "Select the victim who answered the survey")
    satisfaction = RadioField(
        "How satisfied is the victim with the outcome?",
        widget=GovRadioInput(),
        choices=SCALE_CHOICES,
        validators=[
            InputRequired(message="Select how satisfied they are with the outcome, from 1 to 5")
        ],
    )
    kept_informed = RadioField(
        "How satisfied is the victim with how they were kept informed?",
        widget=GovRadioInput(),
        choices=SCALE_CHOICES,
        validators=[
            InputRequired(
                message="Select how satisfied they are with being kept informed, from 1 to 5"
            )
        ],
    )
    comments = TextAreaField(
        "Comments (optional)",
        widget=GovTextArea(),
        filters=[strip],
        validators=[
            Optional(),
            Length(
                max=COMMENTS_MAX, message=f"Comments must be {COMMENTS_MAX} characters or fewer"
            ),
        ],
    )
    submit = SubmitField("Record the survey", widget=GovSubmitInput())
