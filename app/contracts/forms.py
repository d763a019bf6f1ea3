"""Forms for agreeing a contract, adding a condition and varying one."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovRadioInput,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import RadioField, SelectChoice, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, Regexp

from app.contracts.models import RECORDABLE_METHODS, ConditionType
from app.contracts.services import DESCRIPTION_MAX, REASON_MAX
from app.forms import GovukDateField, HubForm, ServiceErrorsMixin, reason_field, strip

TYPE_HINTS = {
    ConditionType.RESTORATIVE: "For example, a letter of apology or a restorative meeting",
    ConditionType.REHABILITATIVE: "For example, attend a substance misuse service",
    ConditionType.REPARATIVE: "For example, compensation or unpaid work for the community",
    ConditionType.RESTRICTIVE: "For example, not to contact the victim or enter an area",
}

# The fields of the contract come first, so that they lead the error summary.


class _ContractFields(HubForm):
    start_date = GovukDateField(
        "Start date",
        description=(
            "The contract lasts 16 weeks (112 days) from this date. It can be up to 28 days "
            "ago or up to 90 days ahead. For example, 27 3 2027"
        ),
        validators=[DataRequired(message="Enter the start date")],
    )
    agreed_on = GovukDateField(
        "Date the person agreed to the contract",
        description="For example, 27 3 2027",
        validators=[DataRequired(message="Enter the date the person agreed to the contract")],
    )
    agreement_method = RadioField(
        "How did the person agree?",
        widget=GovRadioInput(),
        choices=[SelectChoice(m.value, m.label) for m in RECORDABLE_METHODS],
        validators=[InputRequired(message="Select how the person agreed to the contract")],
    )


class ConditionForm(ServiceErrorsMixin, HubForm):
    condition_type = RadioField(
        "Type of condition",
        widget=GovRadioInput(),
        choices=[SelectChoice(t.value, t.label) for t in ConditionType],
        validators=[InputRequired(message="Select the type of condition")],
    )
    description = TextAreaField(
        "Description of the condition",
        widget=GovCharacterCount(),
        description="What the person must do or not do. Staff and, for some conditions, the "
        "victim liaison team will read this",
        filters=[strip],
        validators=[
            DataRequired(message="Enter a description of the condition"),
            Length(
                max=DESCRIPTION_MAX,
                message=f"Description must be {DESCRIPTION_MAX} characters or fewer",
            ),
        ],
    )
    required_sessions = StringField(
        "Number of sessions to attend (optional)",
        widget=GovTextInput(),
        description="Leave empty if the condition is not about attending sessions",
        filters=[strip],
        validators=[
            Optional(),
            Regexp(
                r"^\d{1,3}$",
                message="Number of sessions must be a whole number between 1 and 100",
            ),
        ],
    )
    due_date = GovukDateField(
        "Due date (optional)",
        description="It must fall within the contract. For example, 27 3 2027",
    )
    victim_relevant = RadioField(
        "Does this condition concern the victim?",
        widget=GovRadioInput(),
        description="The victim liaison team can tell the victim about conditions that concern "
        "them, such as not contacting them",
        choices=[SelectChoice("yes", "Yes"), SelectChoice("no", "No")],
        validators=[InputRequired(message="Select yes if the condition concerns the victim")],
    )
    submit = SubmitField("Add condition", widget=GovSubmitInput())

    def condition_values(self) -> dict:
        """The condition's fields as the service takes them."""
        sessions = self.required_sessions.data
        return {
            "type": self.condition_type.data,
            "description": self.description.data or "",
            "required_sessions": int(sessions) if sessions and sessions.isdigit() else None,
            "due_date": self.due_date.data,
            "victim_relevant": self.victim_relevant.data == "yes",
        }

    def fill_from(self, condition) -> None:
        """Pre-fill with a condition's current values (for a variation)."""
        self.condition_type.data = condition.type
        self.description.data = condition.description
        self.required_sessions.data = (
            str(condition.required_sessions) if condition.required_sessions else ""
        )
        self.due_date.data = condition.due_date
        self.victim_relevant.data = "yes" if condition.victim_relevant else "no"

    # Service error keys (after SERVICE_PREFIX) -> form fields, where the two differ.
    SERVICE_FIELDS = {"type": "condition_type", "changes": "description"}
    # The service names the fields of a contract's first condition "conditions.0.<name>".
    SERVICE_PREFIX = ""

    def service_field(self, key: str):
        if self.SERVICE_PREFIX and key.startswith(self.SERVICE_PREFIX):
            key = key[len(self.SERVICE_PREFIX) :]
        return super().service_field(key)


class ContractForm(_ContractFields, ConditionForm):
    """The contract and its first condition."""

    submit = SubmitField("Agree contract", widget=GovSubmitInput())

    SERVICE_PREFIX = "conditions.0."


class VaryConditionForm(ConditionForm):
    reason = reason_field(
        "Reason for the variation",
        description="For example, what the person and the keyworker agreed, and why",
        required="Enter the reason for the variation",
        maximum=REASON_MAX,
    )
    submit = SubmitField("Vary condition", widget=GovSubmitInput())
