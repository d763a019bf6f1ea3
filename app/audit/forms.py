"""The audit log's filters: a GET form, so a filtered list has its own address."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovTextInput
from wtforms import RadioField, SelectChoice, StringField
from wtforms.validators import Length, ValidationError

from app.audit import queries
from app.audit.browse import ACTOR_TEXT_MAX
from app.forms import GovukDateField, HubForm, strip


class AuditFilterForm(HubForm):
    class Meta:
        csrf = False  # a GET form: it changes nothing

    kind = RadioField(
        "Show",
        widget=GovRadioInput(),
        choices=[SelectChoice(value, label) for value, label in queries.KINDS.items()],
        default=queries.CHANGES,
        validate_choice=False,  # anything else shows the default
    )
    action = StringField(
        "Action (optional)",
        widget=GovTextInput(),
        description="For example, consent.withdrawn, or consent. for every consent action",
        filters=[strip],
        validators=[Length(max=64, message="Action must be 64 characters or fewer")],
    )
    actor = StringField(
        "Who acted (optional)",
        widget=GovTextInput(),
        description="Part of their name or email address",
        filters=[strip],
        validators=[
            Length(
                max=ACTOR_TEXT_MAX,
                message=f"Who acted must be {ACTOR_TEXT_MAX} characters or fewer",
            )
        ],
    )
    from_date = GovukDateField("From (optional)", description="For example, 27 3 2027")
    to_date = GovukDateField("To (optional)", description="For example, 27 3 2027")

    def validate_to_date(self, field):
        if field.data and self.from_date.data and field.data < self.from_date.data:
            raise ValidationError("To must be the same as or after From")
