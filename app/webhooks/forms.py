"""The lead's webhook forms. The service checks every rule; its errors show on these
fields, whose names match the service's."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovCheckboxesInput, GovSubmitInput, GovTextInput
from wtforms import SelectChoice, SelectMultipleField, StringField, SubmitField

from app.forms import HubForm, ServiceErrorsMixin, strip
from app.webhooks.models import EVENT_DESCRIPTIONS

EVENT_CHOICES = [SelectChoice(e.value, e.value) for e in EVENT_DESCRIPTIONS]
# Each checkbox's hint, in the same order (the template passes them as ``params``).
EVENT_HINTS = [{"hint": {"text": text}} for text in EVENT_DESCRIPTIONS.values()]


class WebhookForm(ServiceErrorsMixin, HubForm):
    url = StringField(
        "Endpoint URL",
        widget=GovTextInput(),
        description="Where the hub sends events: an address starting with https://",
        filters=[strip],
    )
    events = SelectMultipleField(
        "Events to send",
        widget=GovCheckboxesInput(),
        description="Select all that apply",
        choices=EVENT_CHOICES,
        validate_choice=False,  # the service checks them
    )
    submit = SubmitField("Add webhook endpoint", widget=GovSubmitInput())


class ConfirmForm(HubForm):
    """One button (send a test event, rotate the secret, delete)."""

    submit = SubmitField("Confirm", widget=GovSubmitInput())
