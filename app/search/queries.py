"""Search: what a piece of text can mean, and which cases or referrals it finds.

Text is read as every kind of thing it could be at once, and a record matches if any
reading does:

* a **name**: each word (accents, case and punctuation folded by ``app.text.search_key``)
  is part of the person's name, in any order ("ann smi" finds Anne Smith);
* a **crime reference**: the text is part of it, whatever its case;
* a **date of birth**: the text is a date (17/05/1990, 17-5-1990, 1990-05-17, 17 May 1990);
* a **referral reference**: RF-1A2B3C4D, or the start of one (4 characters or more).

Each reading is a query of its own (``UNION``), so that each uses its own index: the
trigram indexes on the name key and the crime reference on PostgreSQL, the date of birth
index, and the referral's primary key. Who may find what is the feature's own scope
(``case_scope``, ``victim_case_scope``, ``referral_scope``), applied on top.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Select, and_, false, or_, select, union
from sqlalchemy.sql.elements import ColumnElement

from app.cases.models import Case, Person
from app.consent import rules as consent_rules
from app.consent.models import ConsentCategory
from app.database import utcnow
from app.referrals.models import Referral
from app.referrals.reference import id_range
from app.text import search_key

MIN_LENGTH = 2
MAX_LENGTH = 100
DATE_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d", "%d %B %Y", "%d %b %Y")
TOO_SHORT = f"Enter at least {MIN_LENGTH} characters to search for"
TOO_LONG = f"Search for {MAX_LENGTH} characters or fewer"


class SearchTextInvalid(ValueError):
    """The text cannot be searched for; the message says why, for the person."""


@dataclass(frozen=True)
class Terms:
    text: str
    words: tuple[str, ...]
    born_on: date | None
    referral_ids: tuple | None  # the lowest and highest referral id it can stand for


def parse_date(text: str) -> date | None:
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(text, pattern).date()  # noqa: DTZ007 (a date alone)
        except ValueError:
            continue
    return None


def terms(raw: str | None) -> Terms:
    """The readings of ``raw``; SearchTextInvalid if it is too short or too long."""
    text = " ".join((raw or "").split())
    if len(text) < MIN_LENGTH:
        raise SearchTextInvalid(TOO_SHORT)
    if len(text) > MAX_LENGTH:
        raise SearchTextInvalid(TOO_LONG)
    return Terms(
        text=text,
        words=tuple(search_key(text).split()),
        born_on=parse_date(text),
        referral_ids=id_range(text),
    )


def _escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def name_matches(found: Terms) -> ColumnElement[bool]:
    """Over ``Person``: every word is part of the name's search key."""
    if not found.words:
        return false()
    return and_(*(Person.search_name.like(f"%{word}%") for word in found.words))


def _by_name(found: Terms) -> Select:
    return select(Case.id).join(Person, Person.id == Case.person_id).where(name_matches(found))


def _by_crime_reference(found: Terms) -> Select:
    return select(Case.id).where(
        Case.crime_reference.ilike(f"%{_escaped(found.text)}%", escape="\\")
    )


def case_ids(found: Terms, *, names: bool = True) -> Select:
    """The ids of every case the text finds (before anyone's scope): by the person's
    name, date of birth, crime reference or a referral's reference. ``names=False``
    searches crime references only (victim liaison staff)."""
    readings = [_by_crime_reference(found)]
    if names:
        readings.append(_by_name(found))
        if found.born_on is not None:
            readings.append(
                select(Case.id)
                .join(Person, Person.id == Case.person_id)
                .where(Person.date_of_birth == found.born_on)
            )
        if found.referral_ids is not None:
            readings.append(
                select(Referral.case_id.label("id")).where(Referral.id.between(*found.referral_ids))
            )
    return union(*readings) if len(readings) > 1 else readings[0]


def contact_details_shared(at: datetime | None = None) -> ColumnElement[bool]:
    """Over ``Referral``: the person's contact details (their name among them) may be
    shared with the referral's organisation now (``app.consent.rules``)."""
    return consent_rules.covers_at(
        Referral.case_id,
        Referral.organisation_id,
        ConsentCategory.CONTACT_DETAILS,
        at or utcnow(),
    )


def partner_referrals(found: Terms) -> ColumnElement[bool]:
    """Over ``Referral``, for a partner: its reference, or the person's name where a
    consent in force shares their contact details with the referral's organisation."""
    named = and_(
        Referral.case_id.in_(_by_name(found)),
        contact_details_shared(),
    )
    if found.referral_ids is None:
        return named
    return or_(Referral.id.between(*found.referral_ids), named)


def staff_referrals(found: Terms) -> ColumnElement[bool]:
    """Over ``Referral``, for case staff: its reference, or its case found by the text."""
    return Referral.case_id.in_(case_ids(found))
