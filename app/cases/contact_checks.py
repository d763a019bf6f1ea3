"""Checks of contact details shared by the person's and the victims' records."""

from __future__ import annotations

import re

from email_validator import EmailNotValidError, validate_email

EMAIL_MAX = 320
PHONE_MAX = 30
EMAIL_MESSAGE = "Enter an email address in the correct format, like name@example.com"
PHONE_MESSAGE = "Enter a phone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192"
_PHONE_CHARACTERS = re.compile(r"^\+?[0-9 ()\-]+$")
# A UK postcode, with or without the space (for example SW1A 1AA, EX11AA).
_POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$")


def email_problem(value: str) -> tuple[str | None, str | None]:
    """(message, None) when ``value`` is not an email address; (None, normalised) when it is."""
    if len(value) > EMAIL_MAX:
        return EMAIL_MESSAGE, None
    try:
        return None, validate_email(value, check_deliverability=False).normalized
    except EmailNotValidError:
        return EMAIL_MESSAGE, None


def phone_problem(value: str) -> str | None:
    digits = sum(character.isdigit() for character in value)
    if len(value) > PHONE_MAX or not _PHONE_CHARACTERS.match(value) or not 7 <= digits <= 15:
        return PHONE_MESSAGE
    return None


def normalised_postcode(value: str) -> str | None:
    """The postcode in capitals with one space before the inward code; None if not one."""
    compact = re.sub(r"\s+", "", value.upper())
    if not _POSTCODE.match(compact):
        return None
    return f"{compact[:-3]} {compact[-3:]}"
