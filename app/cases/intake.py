"""The details recorded when a case comes into the team, and their checks.

The page and the API both build an ``Intake`` and hand it to ``services.record_case``;
``check_intake`` is pure, so the page can also show every problem at once. Field errors
are keyed by the names below (the intake form uses the same names; the API maps them to
its JSON paths), and victims' by ``victims.<index>.<field>``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date

from app.cases.contact_checks import email_problem, normalised_postcode, phone_problem
from app.cases.eligibility import Facts
from app.cases.models import Ethnicity, OffenceClass, Sex
from app.victims.services import VictimDetails, check_victims

CRIME_REFERENCE_MAX = 50
CRIME_REFERENCE = re.compile(r"^[A-Za-z0-9/\-]+$")
DESCRIPTION_MAX = 2000
NAME_MAX = 100
ADDRESS_MAX = 500
GENDER_MAX = 40
EARLIEST_BIRTH = date(1900, 1, 1)
MAX_VICTIMS = 20

# The eligibility answers: field name -> the message when it is not answered.
ANSWERS = {
    "accepts_responsibility": "Select yes if the person accepts responsibility for the offence",
    "agrees_to_participate": "Select yes if the person agrees to take part in the scheme",
    "has_dvpn_or_dvpo": "Select yes if the person has a current DVPN or DVPO",
    "on_court_order_or_sentence": (
        "Select yes if the person is on a current court order or serving a sentence"
    ),
    "on_prison_licence": "Select yes if the person is on prison licence",
    "on_bail_or_rui_other_offence": (
        "Select yes if the person is on bail or released under investigation for another offence"
    ),
    "offended_in_last_two_years": "Select yes if the person has offended in the last two years",
}


@dataclass
class Intake:
    crime_reference: str | None = None
    offence_description: str | None = None
    offence_class: str | None = None
    offence_committed_on: date | None = None
    offence_in_force_area: bool | None = None
    given_name: str | None = None
    family_name: str | None = None
    date_of_birth: date | None = None
    address: str | None = None
    postcode: str | None = None
    email: str | None = None
    phone: str | None = None
    lives_in_force_area: bool | None = None
    gender: str | None = None
    # Optional: nothing given is recorded as not stated.
    sex: str | None = None
    ethnicity: str | None = None
    accepts_responsibility: bool | None = None
    agrees_to_participate: bool | None = None
    has_dvpn_or_dvpo: bool | None = None
    on_court_order_or_sentence: bool | None = None
    on_prison_licence: bool | None = None
    on_bail_or_rui_other_offence: bool | None = None
    offended_in_last_two_years: bool | None = None
    victims: list[VictimDetails] = field(default_factory=list)

    def facts(self) -> Facts:
        """The eligibility facts (call on a checked intake only)."""
        return Facts(
            offence_class=self.offence_class,
            offence_committed_on=self.offence_committed_on,
            offence_in_force_area=bool(self.offence_in_force_area),
            date_of_birth=self.date_of_birth,
            lives_in_force_area=bool(self.lives_in_force_area),
            has_address=bool(self.address),
            has_email=bool(self.email),
            has_phone=bool(self.phone),
            **{name: bool(getattr(self, name)) for name in ANSWERS},
        )


def _text(value: str | None) -> str | None:
    if not isinstance(value, str):
        return value
    return value.strip() or None


def _required_text(errors, name, value, missing, max_length, too_long):
    if value is None:
        errors[name] = missing
    elif len(value) > max_length:
        errors[name] = too_long


def _check_offence(intake: Intake, today: date, errors: dict[str, str]) -> None:
    reference = intake.crime_reference
    if reference is None:
        errors["crime_reference"] = "Enter the crime reference"
    elif len(reference) > CRIME_REFERENCE_MAX:
        errors["crime_reference"] = (
            f"Crime reference must be {CRIME_REFERENCE_MAX} characters or fewer"
        )
    elif not CRIME_REFERENCE.match(reference):
        errors["crime_reference"] = (
            "Crime reference must only include letters, numbers, slashes (/) and hyphens (-)"
        )
    _required_text(
        errors,
        "offence_description",
        intake.offence_description,
        "Enter a description of the offence",
        DESCRIPTION_MAX,
        f"Description of the offence must be {DESCRIPTION_MAX} characters or fewer",
    )
    if intake.offence_class not in {c.value for c in OffenceClass}:
        errors["offence_class"] = "Select the class of offence"
    committed_on = intake.offence_committed_on
    if committed_on is None:
        errors["offence_committed_on"] = "Enter the date of the offence"
    elif committed_on > today:
        errors["offence_committed_on"] = "Date of the offence must be today or in the past"
    elif committed_on < EARLIEST_BIRTH:
        errors["offence_committed_on"] = "Date of the offence must be after 1 January 1900"
    if intake.offence_in_force_area is None:
        errors["offence_in_force_area"] = (
            "Select yes if the offence was committed in the force area"
        )


def _check_person(intake: Intake, today: date, errors: dict[str, str]) -> Intake:
    _required_text(
        errors,
        "given_name",
        intake.given_name,
        "Enter the person's first name",
        NAME_MAX,
        f"First name must be {NAME_MAX} characters or fewer",
    )
    _required_text(
        errors,
        "family_name",
        intake.family_name,
        "Enter the person's last name",
        NAME_MAX,
        f"Last name must be {NAME_MAX} characters or fewer",
    )
    born = intake.date_of_birth
    if born is None:
        errors["date_of_birth"] = "Enter the person's date of birth"
    elif born > today:
        errors["date_of_birth"] = "Date of birth must be in the past"
    elif born < EARLIEST_BIRTH:
        errors["date_of_birth"] = "Date of birth must be after 1 January 1900"
    elif intake.offence_committed_on is not None and born >= intake.offence_committed_on:
        errors["date_of_birth"] = "Date of birth must be before the date of the offence"
    if intake.address is not None and len(intake.address) > ADDRESS_MAX:
        errors["address"] = f"Address must be {ADDRESS_MAX} characters or fewer"
    postcode = intake.postcode
    if postcode is not None:
        postcode = normalised_postcode(postcode)
        if postcode is None:
            errors["postcode"] = "Enter a real postcode, like EX1 1AA"
    email = intake.email
    if email is not None:
        problem, email = email_problem(email)
        if problem:
            errors["email"] = problem
    if intake.phone is not None and (problem := phone_problem(intake.phone)):
        errors["phone"] = problem
    if intake.lives_in_force_area is None:
        errors["lives_in_force_area"] = "Select yes if the person lives in the force area"
    if intake.gender is not None and len(intake.gender) > GENDER_MAX:
        errors["gender"] = f"Gender must be {GENDER_MAX} characters or fewer"
    sex = intake.sex or Sex.NOT_STATED.value
    if sex not in {s.value for s in Sex}:
        errors["sex"] = "Select the person's sex, or not stated"
    ethnicity = intake.ethnicity or Ethnicity.NOT_STATED.value
    if ethnicity not in {e.value for e in Ethnicity}:
        errors["ethnicity"] = "Select the person's ethnic group, or not stated"
    return replace(intake, postcode=postcode, email=email, sex=sex, ethnicity=ethnicity)


def check_intake(intake: Intake, today: date) -> tuple[Intake, dict[str, str]]:
    """The intake with text trimmed and contact details normalised, and the field errors."""
    intake = replace(
        intake,
        **{
            name: _text(getattr(intake, name))
            for name in (
                "crime_reference",
                "offence_description",
                "offence_class",
                "given_name",
                "family_name",
                "address",
                "postcode",
                "email",
                "phone",
                "gender",
                "sex",
                "ethnicity",
            )
        },
    )
    errors: dict[str, str] = {}
    _check_offence(intake, today, errors)
    intake = _check_person(intake, today, errors)
    for name, message in ANSWERS.items():
        if getattr(intake, name) is None:
            errors[name] = message
    if len(intake.victims) > MAX_VICTIMS:
        errors["victims"] = f"Record up to {MAX_VICTIMS} victims"
        victims = []
    else:
        victims, victim_errors = check_victims(intake.victims)
        errors.update(victim_errors)
    return replace(intake, victims=victims), errors
