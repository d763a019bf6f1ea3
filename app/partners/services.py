"""Partner organisations: managing them (administrators), and the information-sharing
agreement. The directory is ``app.partners.directory``; the users of each organisation
(partner leads' user management) are ``app.partners.users``.

Each use-case owns its transaction: it checks the actor through ``policy``, raises a
domain error before anything is written when the input breaks a rule, and commits once
with its audit entry. Audit details name the fields that changed, never their values.
"""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime, timedelta

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from app.audit import services as audit
from app.dates import today_in_london
from app.errors import InvalidInput, NotFound, StaleVersion
from app.extensions import db
from app.partners import policy
from app.partners.models import Capacity, Organisation, ServiceType

PAGE_SIZE = 50
MAX_PER_PAGE = 200
NAME_MAX = 200
AREA_MAX = 100
AREAS_MAX = 50
CONTACT_NAME_MAX = 200
EMAIL_MAX = 320
ISA_REFERENCE_MAX = 100
DESCRIPTION_MAX = 2000
ACKNOWLEDGE_MIN, ACKNOWLEDGE_MAX, ACKNOWLEDGE_DEFAULT = 1, 30, 2
REASON_MAX = 1000
# The ISA is flagged to administrators this long before it expires.
ISA_WARNING = timedelta(days=30)

FIELDS = (
    "name",
    "service_types",
    "areas",
    "contact_name",
    "contact_phone",
    "contact_email",
    "capacity",
    "acknowledge_within_days",
    "isa_reference",
    "isa_expires_on",
    "description",
    "active",
)
DEFAULTS = {
    "capacity": Capacity.ACCEPTING.value,
    "acknowledge_within_days": ACKNOWLEDGE_DEFAULT,
    "active": True,
}
PHONE_PATTERN = re.compile(r"^\+?[0-9 ()-]+$")
PHONE_MESSAGE = "Enter a telephone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192"
EMAIL_MESSAGE = "Enter an email address in the correct format, like name@example.com"
DAYS_MESSAGE = f"Number of working days must be between {ACKNOWLEDGE_MIN} and {ACKNOWLEDGE_MAX}"


STALE_MESSAGE = "Someone else changed this organisation. Check the details below and try again"


# The information-sharing agreement -------------------------------------------------------


def isa_current(org: Organisation, on: date | None = None) -> bool:
    """May new referrals be sent to ``org`` under its information-sharing agreement?

    An agreement is current up to and including its expiry date (UK date) and expired from
    the day after. An organisation with no expiry date recorded is not blocked here.
    """
    if org.isa_expires_on is None:
        return True
    return (on or today_in_london()) <= org.isa_expires_on


def isa_state(org: Organisation, on: date | None = None) -> str:
    """``not_recorded``, ``current``, ``expires_soon`` (within 30 days) or ``expired``."""
    on = on or today_in_london()
    if org.isa_expires_on is None:
        return "not_recorded"
    if not isa_current(org, on):
        return "expired"
    if org.isa_expires_on - on <= ISA_WARNING:
        return "expires_soon"
    return "current"


# Validation ------------------------------------------------------------------------------


def split_areas(value) -> list[str]:
    """A clean list of areas from a list or from text separated by commas or new lines:
    surrounding and repeated spaces removed, blanks dropped, repeats (any case) dropped."""
    if isinstance(value, str):
        value = re.split(r"[,;\n]", value)
    areas: list[str] = []
    seen: set[str] = set()
    for item in value or []:
        area = " ".join(str(item).split())
        if area and area.casefold() not in seen:
            seen.add(area.casefold())
            areas.append(area)
    return areas


def _text(value, errors, name, label, maximum, *, required_message=None):
    if value is not None and not isinstance(value, str):
        errors[name] = f"Enter the {label.lower()}"
        return None
    cleaned = " ".join(value.split()) if name != "description" and value else (value or "")
    cleaned = cleaned.strip()
    if not cleaned:
        if required_message:
            errors[name] = required_message
        return None
    if len(cleaned) > maximum:
        errors[name] = f"{label} must be {maximum} characters or fewer"
    return cleaned


def _days(value, errors):
    if isinstance(value, bool) or value is None or (isinstance(value, str) and not value.strip()):
        errors["acknowledge_within_days"] = (
            "Enter the number of working days in which the organisation acknowledges a referral"
        )
        return None
    try:
        days = int(value.strip()) if isinstance(value, str) else int(value)
        if isinstance(value, float) and value != days:
            raise ValueError
    except (TypeError, ValueError):
        errors["acknowledge_within_days"] = "Number of working days must be a whole number, like 2"
        return None
    if not ACKNOWLEDGE_MIN <= days <= ACKNOWLEDGE_MAX:
        errors["acknowledge_within_days"] = DAYS_MESSAGE
    return days


def _clean_field(name: str, value, errors: dict[str, str]):  # noqa: C901, PLR0911, PLR0912
    if name == "name":
        return _text(
            value, errors, name, "Name", NAME_MAX, required_message="Enter the organisation's name"
        )
    if name == "service_types":
        chosen = [value] if isinstance(value, str) else list(value or [])
        known = {t.value for t in ServiceType}
        if not chosen:
            errors[name] = "Select at least one service type"
        elif any(c not in known for c in chosen):
            errors[name] = "Select service types from the list"
        return [t.value for t in ServiceType if t.value in chosen]
    if name == "areas":
        if not isinstance(value, str | list | tuple):
            errors[name] = "Enter at least one area"
            return []
        areas = split_areas(value)
        if not areas:
            errors[name] = "Enter at least one area the organisation covers"
        elif any(len(a) > AREA_MAX for a in areas):
            errors[name] = f"Each area must be {AREA_MAX} characters or fewer"
        elif len(areas) > AREAS_MAX:
            errors[name] = f"Enter {AREAS_MAX} areas or fewer"
        return areas
    if name == "contact_name":
        return _text(value, errors, name, "Contact name", CONTACT_NAME_MAX)
    if name == "contact_phone":
        phone = _text(value, errors, name, "Telephone number", 30)
        if phone and (
            not PHONE_PATTERN.match(phone) or not 10 <= sum(c.isdigit() for c in phone) <= 15
        ):
            errors[name] = PHONE_MESSAGE
        return phone
    if name == "contact_email":
        email = _text(value, errors, name, "Email address", EMAIL_MAX)
        if email and name not in errors:
            try:
                email = validate_email(email, check_deliverability=False).normalized
            except EmailNotValidError:
                errors[name] = EMAIL_MESSAGE
        return email
    if name == "capacity":
        if value not in {c.value for c in Capacity}:
            errors[name] = "Select whether the organisation is accepting referrals"
        return value
    if name == "acknowledge_within_days":
        return _days(value, errors)
    if name == "isa_reference":
        return _text(value, errors, name, "Agreement reference", ISA_REFERENCE_MAX)
    if name == "isa_expires_on":
        if value is not None and (not isinstance(value, date) or isinstance(value, datetime)):
            errors[name] = "Agreement expiry date must be a real date"
            return None
        return value
    if name == "description":
        return _text(value, errors, name, "Description", DESCRIPTION_MAX)
    if name == "active":
        if not isinstance(value, bool):
            errors[name] = "Select whether the organisation is active"
        return value
    raise ValueError(f"unknown organisation field {name!r}")


def _clean(changes: dict, current: dict, organisation_id: uuid.UUID | None) -> dict:
    """Validate ``changes`` (the fields given) against the rules; InvalidInput lists every
    field at fault, keyed by the field's name."""
    unknown = set(changes) - set(FIELDS)
    if unknown:
        raise ValueError(f"unknown organisation fields: {sorted(unknown)}")
    errors: dict[str, str] = {}
    clean = {name: _clean_field(name, value, errors) for name, value in changes.items()}
    merged = {**current, **clean}
    if (
        merged.get("isa_reference")
        and not merged.get("isa_expires_on")
        and "isa_expires_on" not in errors
    ):
        errors["isa_expires_on"] = "Enter the date the information-sharing agreement expires"
    if (
        merged.get("isa_expires_on")
        and not merged.get("isa_reference")
        and "isa_reference" not in errors
    ):
        errors["isa_reference"] = "Enter the information-sharing agreement reference"
    if clean.get("name") and "name" not in errors and _name_taken(clean["name"], organisation_id):
        errors["name"] = "An organisation with this name already exists"
    if errors:
        raise InvalidInput(errors, "The organisation's details are not valid")
    return clean


def _name_taken(name: str, organisation_id: uuid.UUID | None) -> bool:
    query = select(Organisation.id).where(func.lower(Organisation.name) == name.lower())
    if organisation_id is not None:
        query = query.where(Organisation.id != organisation_id)
    return db.session.scalar(query.limit(1)) is not None


def _name_clash() -> InvalidInput:
    return InvalidInput({"name": "An organisation with this name already exists"})


# Managing organisations (administrators) --------------------------------------------------


def create_organisation(actor, details: dict) -> Organisation:
    """Create an organisation from ``details`` (the FIELDS; missing ones take defaults)."""
    policy.require_admin(actor)
    values = {**DEFAULTS, **details}
    clean = _clean(values, {}, None)
    organisation = Organisation(**clean)
    db.session.add(organisation)
    try:
        db.session.flush()
        filled = sorted(name for name, value in clean.items() if value not in (None, "", []))
        audit.record(
            "organisation.created",
            "organisation",
            organisation.id,
            actor=actor,
            details={"fields": filled},
        )
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise _name_clash() from None
    return organisation


def get_organisation(actor, organisation_id: uuid.UUID) -> Organisation:
    policy.require_directory(actor)
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None:
        raise NotFound("No such organisation")
    return organisation


def current_values(organisation: Organisation) -> dict:
    return {name: getattr(organisation, name) for name in FIELDS}


def check_version(organisation: Organisation, version: int | None) -> None:
    """StaleVersion if ``version`` (the one the caller read) is no longer the
    organisation's; None skips the check."""
    if version is not None and version != organisation.version:
        raise StaleVersion(STALE_MESSAGE, field="version")


def update_organisation(
    actor, organisation_id: uuid.UUID, changes: dict, *, version: int | None
) -> Organisation:
    """Change the fields in ``changes``. ``version`` is the one the caller read: if the
    organisation changed since, StaleVersion and nothing is written. None skips the check
    (the API's version is optional); the row's own version still guards the write."""
    policy.require_admin(actor)
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None:
        raise NotFound("No such organisation")
    check_version(organisation, version)
    current = current_values(organisation)
    clean = _clean(changes, current, organisation.id)
    changed = [name for name in FIELDS if name in clean and clean[name] != current[name]]
    if not changed:
        return organisation
    for name in changed:
        setattr(organisation, name, clean[name])
    try:
        db.session.flush()
        audit.record(
            "organisation.updated",
            "organisation",
            organisation.id,
            actor=actor,
            details={"fields": changed},
        )
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        raise StaleVersion(STALE_MESSAGE, field="version") from None
    except IntegrityError:
        db.session.rollback()
        raise _name_clash() from None
    return organisation
