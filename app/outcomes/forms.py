"""Forms: propose or decide an outcome, decide on a proposal, the ending survey, and the
reoffending check."""

from __future__ import annotations

from flask_wtf.file import FileField, FileRequired
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovFileInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    HiddenField,
    RadioField,
    SelectChoice,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, Optional

from app.cases.models import OffenceClass
from app.forms import GovukDateField, HubForm, ServiceErrorsMixin, reason_field, strip
from app.outcomes.checks import OFFENCE_MAX, Result
from app.outcomes.followup import LEGITIMACY_SCALE, SCALE
from app.outcomes.models import OutcomeResult
from app.outcomes.services import REASON_MAX
from app.outcomes.surveys import COMMENTS_MAX

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


class OutcomeForm(ServiceErrorsMixin, HubForm):
    result = RadioField(
        "What is the outcome?",
        widget=GovRadioInput(),
        choices=[SelectChoice(value, label) for value, (label, _) in RESULT_CHOICES.items()],
        validators=[InputRequired(message="Select the outcome")],
    )
    reason = reason_field(
        "Reason",
        description=(
            "Needed for a breach or an opt-out, and for a completion when a condition is not met "
            "or that you confirm despite a warning"
        ),
        maximum=REASON_MAX,
    )
    confirmed = BooleanField(
        "Complete the case now, despite the warnings above", widget=GovCheckboxInput()
    )
    version = HiddenField()
    submit = SubmitField("Continue", widget=GovSubmitInput())


class DecisionForm(ServiceErrorsMixin, HubForm):
    decision = RadioField(
        "Your decision",
        widget=GovRadioInput(),
        choices=[
            SelectChoice("approve", "Approve the proposal"),
            SelectChoice("send_back", "Send it back to the keyworker"),
        ],
        validators=[InputRequired(message="Select whether to approve or send back")],
    )
    reason = reason_field(
        "Reason",
        description=(
            "Needed to send a proposal back, and to approve a completion when a condition is "
            "not met. The keyworker will read it"
        ),
        maximum=REASON_MAX,
    )
    version = HiddenField()
    submit = SubmitField("Record the decision", widget=GovSubmitInput())


def _scale(scale: dict[int, str]) -> list[SelectChoice]:
    return [SelectChoice(str(score), f"{score}: {label}") for score, label in scale.items()]


class SurveyForm(ServiceErrorsMixin, HubForm):
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


class CheckForm(ServiceErrorsMixin, HubForm):
    reoffended = RadioField(
        "Has the person reoffended in the year the check covers?",
        widget=GovRadioInput(),
        choices=[SelectChoice("yes", "Yes"), SelectChoice("no", "No")],
        validators=[InputRequired(message="Select yes if the person has reoffended")],
    )
    reoffence_date = GovukDateField(
        "Date of the offence",
        description="Only if they reoffended. For example, 27 3 2027",
    )
    offence_class = RadioField(
        "Class of the offence",
        widget=GovRadioInput(),
        choices=[SelectChoice(c.value, c.label) for c in OffenceClass],
        validate_choice=False,
        description="Only if they reoffended",
    )
    reoffence = TextAreaField(
        "Offence (optional if you chose its class)",
        widget=GovTextArea(),
        description="Only if they reoffended: the offence and its crime reference",
        filters=[strip],
        validators=[
            Optional(),
            Length(max=OFFENCE_MAX, message=f"Offence must be {OFFENCE_MAX} characters or fewer"),
        ],
    )
    harm_days = StringField(
        "Crime harm in days (optional)",
        widget=GovTextInput(),
        filters=[strip],
        description="The offence's Cambridge Crime Harm Index score, in days",
    )
    submit = SubmitField("Record the check", widget=GovSubmitInput())

    def result(self) -> Result:
        harm = self.harm_days.data or None
        return Result(
            reoffended={"yes": True, "no": False}.get(self.reoffended.data or ""),
            reoffence_date=self.reoffence_date.data,
            offence_class=self.offence_class.data or None,
            harm_days=int(harm) if harm and harm.isdigit() else harm,
            reoffence=self.reoffence.data,
        )


class CheckUploadForm(HubForm):
    file = FileField(
        "Upload a file",
        widget=GovFileInput(),
        validators=[FileRequired(message="Select a CSV file")],
        description="A CSV file made from the template",
    )
    submit = SubmitField("Upload and record the checks", widget=GovSubmitInput())
