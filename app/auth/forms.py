"""Sign-in, two-factor and user-management forms, rendered with GOV.UK widgets."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import (
    GovPasswordInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import (
    HiddenField,
    IntegerField,
    PasswordField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from app.auth.roles import Role
from app.forms import HubForm, ServiceErrorsMixin, reason_field, strip


class SignInForm(HubForm):
    email = StringField(
        "Email address",
        widget=GovTextInput(),
        validators=[InputRequired(message="Enter your email address"), Length(max=320)],
    )
    password = PasswordField(
        "Password",
        widget=GovPasswordInput(),
        validators=[InputRequired(message="Enter your password"), Length(max=256)],
    )
    submit = SubmitField("Sign in", widget=GovSubmitInput())


class CodeForm(HubForm):
    code = StringField(
        "Security code",
        widget=GovTextInput(),
        description="The 6-digit code shown in your authenticator app",
        validators=[
            InputRequired(message="Enter the 6-digit code shown in your authenticator app"),
            Length(max=20, message="Enter the 6-digit code shown in your authenticator app"),
        ],
    )
    submit = SubmitField("Continue", widget=GovSubmitInput())


class SetUpPasswordForm(HubForm):
    password = PasswordField(
        "Create a password",
        widget=GovPasswordInput(),
        description="8 characters or more. A few unrelated words make a strong password",
        validators=[InputRequired(message="Enter a password"), Length(max=256)],
    )
    confirm = PasswordField(
        "Confirm your password",
        widget=GovPasswordInput(),
        validators=[InputRequired(message="Enter the same password again"), Length(max=256)],
    )
    submit = SubmitField("Continue", widget=GovSubmitInput())


class SignOutForm(HubForm):
    submit = SubmitField("Sign out", widget=GovSubmitInput())


class UserForm(ServiceErrorsMixin, HubForm):
    name = StringField(
        "Full name",
        widget=GovTextInput(),
        validators=[InputRequired(message="Enter the person's full name"), Length(max=200)],
    )
    email = StringField(
        "Email address",
        widget=GovTextInput(),
        validators=[InputRequired(message="Enter an email address"), Length(max=320)],
    )
    role = RadioField(
        "Role",
        widget=GovRadioInput(),
        choices=[SelectChoice(r.value, r.label) for r in Role],
        validators=[InputRequired(message="Select a role")],
    )
    organisation_id = SelectField(
        "Partner organisation",
        widget=GovSelect(),
        description="Only for partner users",
        choices=[],
        validators=[Optional()],
    )
    password = PasswordField(
        "Temporary password (optional)",
        widget=GovPasswordInput(),
        description=(
            "Leave this empty: they will be emailed a link to choose their own password, "
            "then set up two-factor sign-in"
        ),
        validators=[Optional(), Length(max=256)],
    )
    submit = SubmitField("Create user", widget=GovSubmitInput())


class UserDetailsForm(ServiceErrorsMixin, HubForm):
    """An administrator changes a user's details; the next step checks the answers."""

    name = StringField(
        "Full name",
        widget=GovTextInput(),
        filters=[strip],
        validators=[
            InputRequired(message="Enter the person's full name"),
            Length(max=200, message="Name must be 200 characters or fewer"),
        ],
    )
    email = StringField(
        "Email address",
        widget=GovTextInput(),
        filters=[strip],
        validators=[
            InputRequired(message="Enter an email address"),
            Length(max=320, message="Email address must be 320 characters or fewer"),
        ],
    )
    role = RadioField(
        "Role",
        widget=GovRadioInput(),
        choices=[SelectChoice(r.value, r.label) for r in Role],
        validate_choice=False,  # the service's rule: "Select a role"
        validators=[InputRequired(message="Select a role")],
    )
    organisation_id = SelectField(
        "Partner organisation",
        widget=GovSelect(),
        description="Only for partner users: left out for any other role",
        choices=[],
        validate_choice=False,  # the service says whether the organisation exists
        validators=[Optional()],
    )
    version = HiddenField()
    submit = SubmitField("Continue", widget=GovSubmitInput())


class ReasonForm(HubForm):
    reason = reason_field(
        "Reason",
        description="This is recorded in the audit log",
        required="Enter a reason",
        maximum=1000,
    )
    submit = SubmitField("Confirm", widget=GovSubmitInput())


class DaysField(IntegerField):
    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError("Enter the number of days as a whole number, like 90") from error


class NewTokenForm(ServiceErrorsMixin, HubForm):
    name = StringField(
        "Name",
        widget=GovTextInput(),
        description="What the token is for, so you can tell your tokens apart",
        filters=[strip],
        validators=[
            DataRequired(message="Enter a name for the token"),
            Length(max=100, message="Name must be 100 characters or fewer"),
        ],
    )
    days = DaysField(
        "Expires after (days)",
        widget=GovTextInput(),
        description="From 1 to 365 days",
        default=90,
        validators=[
            InputRequired(message="Enter the number of days until the token expires"),
            NumberRange(min=1, max=365, message="Enter a number of days from 1 to 365"),
        ],
    )
    submit = SubmitField("Create token", widget=GovSubmitInput())


class RevokeTokenForm(HubForm):
    submit = SubmitField("Revoke token", widget=GovSubmitInput())
