"""Victims: checking and recording the victims of the offence at intake.

``check_victims`` is pure; ``add_victims`` adds rows to the caller's transaction (the
intake service commits once for the case, the person and the victims together).
"""

from __future__ import annotations

from dataclasses import dataclass

from app.audit import services as audit
from app.cases.contact_checks import email_problem, phone_problem
from app.extensions import db
from app.victims.models import ContactMethod, Victim

NAME_MAX = 200
ADDRESS_MAX = 500
CONTACT_METHODS = {method.value for method in ContactMethod}


@dataclass
class VictimDetails:
    name: str | None = None
    email: str | None = None
    phone: str | None = None
    address: str | None = None
    preferred_contact: str | None = None
    enhanced_rights: bool = False

    def is_blank(self) -> bool:
        return not any(
            (self.name, self.email, self.phone, self.address, self.preferred_contact)
        ) and not bool(self.enhanced_rights)


def _clean(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def check_victims(victims: list[VictimDetails]) -> tuple[list[VictimDetails], dict[str, str]]:
    """Blank entries are dropped. Field errors are keyed ``victims.<index>.<field>``, where
    the index is the victim's position in the list given."""
    cleaned: list[VictimDetails] = []
    errors: dict[str, str] = {}
    for index, given in enumerate(victims):
        victim = VictimDetails(
            name=_clean(given.name),
            email=_clean(given.email),
            phone=_clean(given.phone),
            address=_clean(given.address),
            preferred_contact=_clean(given.preferred_contact),
            enhanced_rights=bool(given.enhanced_rights),
        )
        if victim.is_blank():
            continue
        key = f"victims.{index}."
        if victim.name is None:
            errors[key + "name"] = "Enter the victim's name"
        elif len(victim.name) > NAME_MAX:
            errors[key + "name"] = f"Victim's name must be {NAME_MAX} characters or fewer"
        if victim.email is not None:
            problem, normalised = email_problem(victim.email)
            if problem:
                errors[key + "email"] = problem
            else:
                victim.email = normalised
        if victim.phone is not None and (problem := phone_problem(victim.phone)):
            errors[key + "phone"] = problem
        if victim.address is not None and len(victim.address) > ADDRESS_MAX:
            errors[key + "address"] = f"Victim's address must be {ADDRESS_MAX} characters or fewer"
        method = victim.preferred_contact
        if method is not None:
            if method not in CONTACT_METHODS:
                errors[key + "preferred_contact"] = "Select how the victim prefers to be contacted"
            elif method == ContactMethod.EMAIL and victim.email is None:
                errors.setdefault(
                    key + "email", "Enter the victim's email address, or choose another way"
                )
            elif method == ContactMethod.PHONE and victim.phone is None:
                errors.setdefault(
                    key + "phone", "Enter the victim's phone number, or choose another way"
                )
            elif method == ContactMethod.POST and victim.address is None:
                errors.setdefault(
                    key + "address", "Enter the victim's address, or choose another way"
                )
        cleaned.append(victim)
    return cleaned, errors


def add_victims(case, victims: list[VictimDetails], *, actor) -> list[Victim]:
    """Add checked victims to the case, in the caller's transaction."""
    added = []
    for details in victims:
        victim = Victim(
            case_id=case.id,
            name=details.name,
            email=details.email,
            phone=details.phone,
            address=details.address,
            preferred_contact=details.preferred_contact,
            enhanced_rights=details.enhanced_rights,
        )
        db.session.add(victim)
        db.session.flush()
        audit.record(
            "victim.recorded",
            "victim",
            victim.id,
            actor=actor,
            details={"case_id": str(case.id), "enhanced_rights": victim.enhanced_rights},
        )
        added.append(victim)
    return added
