"""Forms for recording and withdrawing consent, rendered with GOV.UK widgets.

The forms check only that something was entered; the consent service checks the rest
(a known, active organisation; known categories; a future expiry) and its field errors
are shown against these fields, whose names match the service's.
"""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
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
)
from wtforms.validators import DataRequired, InputRequired, Length

from app.consent.models import CATEGORY_LABELS, ConsentCategory, ConsentMethod
from app.consent.services import (
    CATEGORY_HINTS,
    NOTICE_VERSION_MAX,
    REASON_MAX,
)
from app.forms import GovukDateField, HubForm, ServiceErrorsMixin, reason_field, strip

METHOD_HINTS = {
    ConsentMethod.VERBAL: "The person said they agree, in person or on the phone",
    ConsentMethod.WRITTEN: "The person signed a consent form",
    ConsentMethod.ELECTRONIC: "The person agreed by email or an online form",
}


def category_items() -> list[dict]:
    """Per-checkbox parameters (hints) for the categories, in the choices' order."""
    return [{"hint": {"text": CATEGORY_HINTS[category]}} for category in ConsentCategory]


def method_items() -> list[dict]:
    return [{"hint": {"text": METHOD_HINTS[method]}} for method in ConsentMethod]


class ConsentForm(ServiceErrorsMixin, HubForm):
    organisation_id = SelectField(
        "Organisation",
        widget=GovSelect(),
        description="The partner organisation the person agrees to share information with",
        choices=[],
        validate_choice=False,  # the service checks it is a known, active organisation
        validators=[InputRequired(message="Select an organisation from the list")],
    )
    categories = SelectMultipleField(
        "What information does the person agree to share?",
        widget=GovCheckboxesInput(),
        description="Select all that the person agrees to. Ask about each sensitive "
        "category on its own",
        choices=[SelectChoice(c.value, CATEGORY_LABELS[c]) for c in ConsentCategory],
        validate_choice=False,
        validators=[DataRequired(message="Select the information the person agrees to share")],
    )
    method = RadioField(
        "How did the person give consent?",
        widget=GovRadioInput(),
        choices=[SelectChoice(m.value, m.label) for m in ConsentMethod],
        validate_choice=False,
        validators=[InputRequired(message="Select how the person gave consent")],
    )
    notice_version = StringField(
        "Privacy notice version",
        widget=GovTextInput(),
        description="The version of the privacy notice you explained to the person, "
        "for example 2026-04",
        filters=[strip],
        validators=[
            DataRequired(message="Enter the version of the privacy notice you explained"),
            Length(
                max=NOTICE_VERSION_MAX,
                message=f"Privacy notice version must be {NOTICE_VERSION_MAX} characters or fewer",
            ),
        ],
    )
    expires_on = GovukDateField("Expiry date (optional)")
    submit = SubmitField("Record consent", widget=GovSubmitInput())


class WithdrawConsentForm(ServiceErrorsMixin, HubForm):
    reason = reason_field(
        "Why is consent being withdrawn?",
        description="For example, what the person said and when. Do not include health details",
        required="Enter the reason for withdrawing consent",
        maximum=REASON_MAX,
    )
    # The version of the consent the keyworker saw: a change since then is refused.
    version = HiddenField()
    submit = SubmitField("Withdraw consent", widget=GovSubmitInput())
