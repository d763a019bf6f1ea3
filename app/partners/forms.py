"""Forms for partner organisations, the directory's filters and a lead's user pages.

The organisation form checks only what a browser can get wrong on its own (a missing
answer, an unreadable date); the partners service checks every rule, and its field errors
are shown against these fields, whose names match the service's.
"""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovPasswordInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    HiddenField,
    PasswordField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional

from app.forms import GovukDateField, HubForm, ServiceErrorsMixin, reason_field, strip
from app.partners.models import Capacity, ServiceType
from app.partners.services import ACKNOWLEDGE_DEFAULT, REASON_MAX

SERVICE_TYPE_CHOICES = [SelectChoice(t.value, t.label) for t in ServiceType]
CAPACITY_CHOICES = [SelectChoice(c.value, c.label) for c in Capacity]
YES_NO = [SelectChoice("yes", "Yes"), SelectChoice("no", "No")]


class OrganisationForm(ServiceErrorsMixin, HubForm):
    name = StringField(
        "Name",
        widget=GovTextInput(),
        filters=[strip],
        validators=[DataRequired(message="Enter the organisation's name")],
    )
    service_types = SelectMultipleField(
        "Services offered",
        widget=GovCheckboxesInput(),
        description="Select all that apply. Keyworkers search the directory by these",
        choices=SERVICE_TYPE_CHOICES,
        validate_choice=False,  # the service checks them
        validators=[DataRequired(message="Select at least one service type")],
    )
    areas = TextAreaField(
        "Areas covered",
        widget=GovTextArea(),
        description="Put each area on a new line, or separate them with commas. "
        "For example, North, Central",
        filters=[strip],
        validators=[DataRequired(message="Enter at least one area the organisation covers")],
    )
    capacity = RadioField(
        "Capacity",
        widget=GovRadioInput(),
        choices=CAPACITY_CHOICES,
        default="accepting",
        validate_choice=False,  # the service checks it
    )
    acknowledge_within_days = StringField(
        "Working days to acknowledge a referral",
        widget=GovTextInput(),
        description="Weekends and bank holidays in England and Wales are not counted. "
        f"Usually {ACKNOWLEDGE_DEFAULT}",
        default=str(ACKNOWLEDGE_DEFAULT),
        filters=[strip],
    )
    contact_name = StringField(
        "Contact name (optional)",
        widget=GovTextInput(),
        description="The named person keyworkers make warm introductions to",
        filters=[strip],
    )
    contact_phone = StringField(
        "Contact telephone (optional)", widget=GovTextInput(), filters=[strip]
    )
    contact_email = StringField("Contact email (optional)", widget=GovTextInput(), filters=[strip])
    isa_reference = StringField(
        "Agreement reference",
        widget=GovTextInput(),
        filters=[strip],
    )
    isa_expires_on = GovukDateField(
        "Agreement expiry date",
        description="The last day the agreement is in force: no new referrals can be sent "
        "after it. For example, 31 3 2027",
    )
    description = TextAreaField(
        "Description (optional)",
        widget=GovTextArea(),
        description="What the organisation offers and who it helps",
        filters=[strip],
    )
    active = RadioField(
        "Is the organisation active?",
        widget=GovRadioInput(),
        description="Inactive organisations are hidden from the directory",
        choices=YES_NO,
        default="yes",
        validate_choice=False,  # the service checks it
    )
    # The version the administrator read: a change since then is refused.
    version = HiddenField()
    submit = SubmitField("Save", widget=GovSubmitInput())

    def details(self) -> dict:
        """The answers, named as the partners service names them."""
        return {
            "name": self.name.data or "",
            "service_types": list(self.service_types.data or []),
            "areas": self.areas.data or "",
            "capacity": self.capacity.data,
            "acknowledge_within_days": self.acknowledge_within_days.data,
            "contact_name": self.contact_name.data,
            "contact_phone": self.contact_phone.data,
            "contact_email": self.contact_email.data,
            "isa_reference": self.isa_reference.data,
            "isa_expires_on": self.isa_expires_on.data,
            "description": self.description.data,
            "active": {"yes": True, "no": False}.get(self.active.data),
        }

    def fill_from(self, organisation) -> None:
        self.name.data = organisation.name
        self.service_types.data = list(organisation.service_types or [])
        self.areas.data = "\n".join(organisation.areas or [])
        self.capacity.data = organisation.capacity
        self.acknowledge_within_days.data = str(organisation.acknowledge_within_days)
        self.contact_name.data = organisation.contact_name or ""
        self.contact_phone.data = organisation.contact_phone or ""
        self.contact_email.data = organisation.contact_email or ""
        self.isa_reference.data = organisation.isa_reference or ""
        self.isa_expires_on.data = organisation.isa_expires_on
        self.isa_expires_on.raw_data = None
        self.description.data = organisation.description or ""
        self.active.data = "yes" if organisation.active else "no"
        self.version.data = str(organisation.version)


class DirectoryFilterForm(HubForm):
    """The directory's filters (GET, so no CSRF token). Unknown values are ignored."""

    class Meta:
        csrf = False

    name = StringField("Organisation name", widget=GovTextInput(), filters=[strip])
    service_type = SelectMultipleField(
        "Service", widget=GovCheckboxesInput(), choices=SERVICE_TYPE_CHOICES, validate_choice=False
    )
    area = SelectField("Area", widget=GovSelect(), choices=[], validate_choice=False)
    capacity = RadioField(
        "Capacity",
        widget=GovRadioInput(),
        choices=[SelectChoice("", "Any")] + CAPACITY_CHOICES,
        default="",
        validate_choice=False,
    )


class AdminFilterForm(DirectoryFilterForm):
    status = SelectField(
        "Status",
        widget=GovSelect(),
        choices=[
            SelectChoice("active", "Active"),
            SelectChoice("inactive", "Inactive"),
            SelectChoice("all", "All"),
        ],
        default="active",
        validate_choice=False,
    )


class PartnerUserForm(ServiceErrorsMixin, HubForm):
    name = StringField(
        "Full name",
        widget=GovTextInput(),
        filters=[strip],
        validators=[DataRequired(message="Enter the person's full name"), Length(max=200)],
    )
    email = StringField(
        "Email address",
        widget=GovTextInput(),
        description="Their work email address. They sign in with it",
        filters=[strip],
        validators=[DataRequired(message="Enter an email address"), Length(max=320)],
    )
    password = PasswordField(
        "Temporary password (optional)",
        widget=GovPasswordInput(),
        description="Leave this empty: they will be emailed a link to choose their own "
        "password, then set up two-factor sign-in",
        validators=[Optional(), Length(max=256)],
    )
    submit = SubmitField("Add user", widget=GovSubmitInput())


class DeactivateForm(ServiceErrorsMixin, HubForm):
    reason = reason_field(
        "Why are you deactivating this user?",
        description="For example, they have left the organisation. This is recorded",
        required="Enter the reason for deactivating this user",
        maximum=REASON_MAX,
    )
    submit = SubmitField("Deactivate user", widget=GovSubmitInput())


class LeadForm(HubForm):
    """Make a partner user their organisation's lead (lead=yes), or stop it (lead=no)."""

    lead = HiddenField()
