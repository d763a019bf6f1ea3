"""Forms for recording a case and allocating it, with GOV.UK widgets.

The rules (what is required, what is valid) live in the service, so the page and the
API give the same messages: these forms parse what was typed (dates, yes/no answers) and
show the service's field errors against their fields.
"""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    FormField,
    HiddenField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)

from app.cases.intake import ANSWERS, Intake
from app.cases.models import Ethnicity, OffenceClass, Sex
from app.forms import GovukDateField, HubForm, HubSubForm, ServiceErrorsMixin, strip
from app.victims.models import ContactMethod
from app.victims.services import VictimDetails

VICTIM_SLOTS = 3
YES_NO = [SelectChoice("yes", "Yes"), SelectChoice("no", "No")]
ANSWER_LABELS = {
    "accepts_responsibility": "Does the person accept responsibility for the offence?",
    "agrees_to_participate": "Does the person agree to take part in the scheme?",
    "has_dvpn_or_dvpo": (
        "Does the person have a current domestic violence protection notice or order "
        "(DVPN or DVPO)?"
    ),
    "on_court_order_or_sentence": (
        "Is the person on a current court order, or serving a sentence?"
    ),
    "on_prison_licence": "Is the person on prison licence?",
    "on_bail_or_rui_other_offence": (
        "Is the person on police or court bail, or released under investigation, for a "
        "different offence?"
    ),
    "offended_in_last_two_years": "Has the person offended in the last two years?",
}


def _yes_no(label: str) -> RadioField:
    return RadioField(label, widget=GovRadioInput(), choices=YES_NO, validate_choice=False)


def _text(label: str, description: str = "") -> StringField:
    return StringField(label, widget=GovTextInput(), filters=[strip], description=description)


def _answer(value: str | None) -> bool | None:
    return {"yes": True, "no": False}.get(value or "")


class VictimForm(HubSubForm):
    name = _text("Full name")
    email = _text("Email address (optional)")
    phone = _text("Phone number (optional)")
    address = TextAreaField("Postal address (optional)", widget=GovTextArea(), filters=[strip])
    preferred_contact = SelectField(
        "How do they prefer to be contacted? (optional)",
        widget=GovSelect(),
        choices=[SelectChoice("", "Not given")]
        + [SelectChoice(method.value, method.label) for method in ContactMethod],
        validate_choice=False,
    )
    enhanced_rights = BooleanField(
        "They are entitled to enhanced rights under the Victims' Code",
        widget=GovCheckboxInput(),
    )

    def details(self) -> VictimDetails:
        return VictimDetails(
            name=self.name.data,
            email=self.email.data,
            phone=self.phone.data,
            address=self.address.data,
            preferred_contact=self.preferred_contact.data or None,
            enhanced_rights=bool(self.enhanced_rights.data),
        )


class IntakeForm(ServiceErrorsMixin, HubForm):
    # The crime and the offence
    crime_reference = _text("Crime reference", "Letters, numbers, slashes and hyphens only")
    offence_description = TextAreaField(
        "Description of the offence", widget=GovTextArea(), filters=[strip]
    )
    offence_class = RadioField(
        "Class of offence",
        widget=GovRadioInput(),
        choices=[SelectChoice(c.value, c.label) for c in OffenceClass],
        validate_choice=False,
    )
    offence_committed_on = GovukDateField(
        "Date of the offence", description="For example, 27 3 2026"
    )
    offence_in_force_area = _yes_no("Was the offence committed in the force area?")
    # The person
    given_name = _text("First name")
    family_name = _text("Last name")
    date_of_birth = GovukDateField("Date of birth", description="For example, 31 3 1990")
    gender = _text("Gender (optional)", "Only if the person chose to give it")
    sex = RadioField(
        "Sex (optional)",
        widget=GovRadioInput(),
        choices=[SelectChoice(s.value, s.label) for s in Sex],
        validate_choice=False,
        description="Leave blank if the person did not say",
    )
    ethnicity = RadioField(
        "Ethnic group (optional)",
        widget=GovRadioInput(),
        choices=[SelectChoice(e.value, e.label) for e in Ethnicity],
        validate_choice=False,
        description=(
            "As the person describes it (the 2021 census groups). Leave blank if they did not say"
        ),
    )
    lives_in_force_area = _yes_no("Does the person live in the force area?")
    # Contact details
    address = TextAreaField("Postal address (optional)", widget=GovTextArea(), filters=[strip])
    postcode = _text("Postcode (optional)")
    email = _text("Email address (optional)")
    phone = _text("Phone number", "The person needs a phone number to take part")
    # Eligibility questions
    accepts_responsibility = _yes_no(ANSWER_LABELS["accepts_responsibility"])
    agrees_to_participate = _yes_no(ANSWER_LABELS["agrees_to_participate"])
    has_dvpn_or_dvpo = _yes_no(ANSWER_LABELS["has_dvpn_or_dvpo"])
    on_court_order_or_sentence = _yes_no(ANSWER_LABELS["on_court_order_or_sentence"])
    on_prison_licence = _yes_no(ANSWER_LABELS["on_prison_licence"])
    on_bail_or_rui_other_offence = _yes_no(ANSWER_LABELS["on_bail_or_rui_other_offence"])
    offended_in_last_two_years = _yes_no(ANSWER_LABELS["offended_in_last_two_years"])
    # Victims (optional)
    victim_1 = FormField(VictimForm, label="First victim")
    victim_2 = FormField(VictimForm, label="Second victim")
    victim_3 = FormField(VictimForm, label="Third victim")
    submit = SubmitField("Record the case", widget=GovSubmitInput())

    @property
    def victim_forms(self) -> list[FormField]:
        return [self.victim_1, self.victim_2, self.victim_3]

    def intake(self) -> Intake:
        return Intake(
            crime_reference=self.crime_reference.data,
            offence_description=self.offence_description.data,
            offence_class=self.offence_class.data,
            offence_committed_on=self.offence_committed_on.data,
            offence_in_force_area=_answer(self.offence_in_force_area.data),
            given_name=self.given_name.data,
            family_name=self.family_name.data,
            date_of_birth=self.date_of_birth.data,
            address=self.address.data,
            postcode=self.postcode.data,
            email=self.email.data,
            phone=self.phone.data,
            lives_in_force_area=_answer(self.lives_in_force_area.data),
            gender=self.gender.data,
            sex=self.sex.data,
            ethnicity=self.ethnicity.data,
            victims=[victim.form.details() for victim in self.victim_forms],
            **{name: _answer(getattr(self, name).data) for name in ANSWERS},
        )

    def service_field(self, key: str):
        """``victims.<n>.<name>`` is a field of the n-th victim's part of the form."""
        if key.startswith("victims."):
            _, index, name = key.split(".", 2)
            if not index.isdigit() or int(index) >= VICTIM_SLOTS:
                return None
            return self.victim_forms[int(index)].form._fields.get(name)
        return super().service_field(key)


class AllocationForm(ServiceErrorsMixin, HubForm):
    keyworker_id = SelectField("Keyworker", widget=GovSelect(), choices=[], validate_choice=False)
    reason = TextAreaField(
        "Reason",
        widget=GovTextArea(),
        filters=[strip],
        description="This is recorded in the audit log",
    )
    version = HiddenField()
    submit = SubmitField("Allocate the case", widget=GovSubmitInput())
