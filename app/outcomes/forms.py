"""Forms: propose or decide an outcome, decide on a proposal, the ending survey, and the
reoffending check."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
)
from wtforms import BooleanField, HiddenField, RadioField, SelectChoice, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from app.forms import GovukDateField, strip
from app.outcomes.followup import COMMENTS_MAX, LEGITIMACY_SCALE, OFFENCE_MAX, SCALE
from app.outcomes.models import OutcomeResult
from app.outcomes.services import REASON_MAX

RESULT_CHOICES = {
    OutcomeResult.COMPLETED.value: (
        "Completed",
        "The person met the conditions of the contract. A supervisor's reason is needed if "
        "any condition is not met",
    ),
    OutcomeResult.BREACHED.value: (
        "Breached",
        "The person broke the contract: the prosecution resumes and they will be charged",
    ),
    OutcomeResult.OPTED_OUT.value: (
        "Opted out",
        "The person chose to go to court: they will be charged",
    ),
}


class ServiceErrors:
    """Show a service's field errors on the matching fields."""

    def add_service_errors(self, errors: dict[str, str]) -> None:
        for name, message in errors.items():
            field = self._fields.get(name) or self._fields.get("reason")
            if field is not None and message not in field.errors:
                field.errors = [*field.errors, message]


def _reason_field(label: str, description: str) -> TextAreaField:
    return TextAreaField(
        label,
        widget=GovTextArea(),
        description=description,
        filters=[strip],
        validators=[
            Optional(),
            Length(max=REASON_MAX, message=f"Reason must be {REASON_MAX} characters or fewer"),
        ],
    )


class OutcomeForm(ServiceErrors, FlaskForm):
    result = RadioField(
        "What is the outcome?",
        widget=GovRadioInput(),
        choices=[SelectChoice(value, label) for value, (label, _) in RESULT_CHOICES.items()],
        validators=[InputRequired(message="Select the outcome")],
    )
    reason = _reason_field(
        "Reason",
        "Needed for a breach or an opt-out, and for a completion when a condition is not met "
        "or that you confirm despite a warning",
    )
    confirmed = BooleanField(
        "Complete the case now, despite the warnings above", widget=GovCheckboxInput()
    )
    version = HiddenField()
    submit = SubmitField("Continue", widget=GovSubmitInput())


class DecisionForm(ServiceErrors, FlaskForm):
    decision = RadioField(
        "Your decision",
        widget=GovRadioInput(),
        choices=[
            SelectChoice("approve", "Approve the proposal"),
            SelectChoice("send_back", "Send it back to the keyworker"),
        ],
        validators=[InputRequired(message="Select whether to approve or send back")],
    )
    reason = _reason_field(
        "Reason",
        "Needed to send a proposal back, and to approve a completion when a condition is "
        "not met. The keyworker will read it",
    )
    version = HiddenField()
    submit = SubmitField("Record the decision", widget=GovSubmitInput())


def _scale(scale: dict[int, str]) -> list[SelectChoice]:
    return [SelectChoice(str(score), f"{score}: {label}") for score, label in scale.items()]


class SurveyForm(ServiceErrors, FlaskForm):
    satisfaction = RadioField(
        "How satisfied is the person with the scheme?",
        widget=GovRadioInput(),
        choices=_scale(SCALE),
        validators=[
            InputRequired(message="Select how satisfied they are with the scheme, from 1 to 5")
        ],
    )
    police_legitimacy = RadioField(
        "How far does the person agree: 'the police treat people fairly and can be trusted'?",
        widget=GovRadioInput(),
        choices=_scale(LEGITIMACY_SCALE),
        validators=[
            InputRequired(
                message="Select how far they agree that the police act fairly, from 1 to 5"
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


class CheckForm(ServiceErrors, FlaskForm):
    reoffended = RadioField(
        "Has the person reoffended in the year after the contract ended?",
        widget=GovRadioInput(),
        choices=[SelectChoice("yes", "Yes"), SelectChoice("no", "No")],
        validators=[InputRequired(message="Select yes if the person has reoffended")],
    )
    reoffence_date = GovukDateField(
        "Date of the offence",
        description="Only if they reoffended. For example, 27 3 2027",
    )
    reoffence = TextAreaField(
        "Offence",
        widget=GovTextArea(),
        description="Only if they reoffended: the offence and its crime reference",
        filters=[strip],
        validators=[
            Optional(),
            Length(max=OFFENCE_MAX, message=f"Offence must be {OFFENCE_MAX} characters or fewer"),
        ],
    )
    submit = SubmitField("Record the check", widget=GovSubmitInput())
