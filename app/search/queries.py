"""Search: what a piece of text can mean, and which cases or referrals it finds.

Text is read as every kind of thing it could be at once, and a record matches if any
reading does:

* a **name**: each word (accents, case and punctuation folded by ``app.text.search_key``)
  is part of the person's name, in any order ("ann smi" finds Anne Smith); a word of
  one or two letters starts a word of the name ("j smith", "ng");
* a **crime reference**: the text (three characters or more) is part of it, whatever
  its case;
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

from sqlalchemy import Select, and_, any_, cast, false, func, or_, select, true, union
from sqlalchemy.dialects import postgresql
from sqlalchemy.sql.elements import ColumnElement

from app.cases.models import Case, Person
from app.consent import rules as consent_rules
from app.consent.models import ConsentCategory
from app.database import utcnow
from app.extensions import db
from app.referrals.models import Referral
from app.referrals.reference import id_range
from app.text import search_key

MIN_LENGTH = 2
SHORT_WORD = 3  # shorter words match the start of a word of the name
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


def _word_matches(word: str) -> ColumnElement[bool]:
    if len(word) >= SHORT_WORD:
        return Person.search_name.like(f"%{word}%")
    # A word of one or two letters starts a word of the name ("ng" finds Ng and Ngozi,
    # not Young): a trigram index can answer that, and "any part" of it cannot.
    return or_(Person.search_name.like(f"{word}%"), Person.search_name.like(f"% {word}%"))


def name_matches(found: Terms) -> ColumnElement[bool]:
    """Over ``Person``: each word of three letters or more is part of the name's search
    key; a shorter word starts one of its words."""
    if not found.words:
        return false()
    return and_(*(_word_matches(word) for word in found.words))


def among(column, ids: Select) -> ColumnElement[bool]:
    """``column IN (ids)``. On PostgreSQL written ``column = ANY((SELECT array_agg(...)))``,
    so that the few ids are found first through their own index and then looked up
    through ``column``'s: given ``IN``, the planner tends to scan the whole table."""
    if db.session.get_bind().dialect.name == "postgresql":
        found = ids.subquery()
        array = select(func.array_agg(found.c[0])).scalar_subquery()
        # Cast, so that ANY takes one array (the ids found), not a set of arrays.
        return column == any_(cast(array, postgresql.ARRAY(found.c[0].type)))
    return column.in_(ids)


def _crime_reference(found: Terms) -> ColumnElement[bool]:
    return Case.crime_reference.ilike(f"%{_escaped(found.text)}%", escape="\\")


def _people(found: Terms) -> Select:
    return select(Person.id).where(name_matches(found))


def case_matches(found: Terms, scope: ColumnElement, *, names: bool = True) -> Select:
    """``(id, created_at)`` of every case in ``scope`` that the text finds: by crime
    reference, and (``names``) by the person's name, date of birth or a referral's
    reference. Each reading is a query of its own, with the scope in it."""

    def cases(where) -> Select:
        return select(Case.id, Case.created_at).where(scope, where)

    readings = []
    if len(found.text) >= SHORT_WORD:  # shorter text is too short to be told from others
        readings.append(cases(_crime_reference(found)))
    if names:
        readings.append(cases(among(Case.person_id, _people(found))))
        if found.born_on is not None:
            born = select(Person.id).where(Person.date_of_birth == found.born_on)
            readings.append(cases(among(Case.person_id, born)))
        if found.referral_ids is not None:
            referred = select(Referral.case_id).where(Referral.id.between(*found.referral_ids))
            readings.append(cases(among(Case.id, referred)))
    if not readings:
        return select(Case.id, Case.created_at).where(false())
    return union(*readings) if len(readings) > 1 else readings[0]


def case_ids(found: Terms, *, names: bool = True) -> Select:
    """The ids of every case the text finds, before anyone's scope (``case_matches``)."""
    matches = case_matches(found, true(), names=names).subquery()
    return select(matches.c.id)


def contact_details_shared(at: datetime | None = None) -> ColumnElement[bool]:
    """Over ``Referral``: the person's contact details (their name among them) may be
    shared with the referral's organisation now (``app.consent.rules``)."""
    return consent_rules.covers_at(
        Referral.case_id,
        Referral.organisation_id,
        ConsentCategory.CONTACT_DETAILS,
        at or utcnow(),
    )


def _named_cases(found: Terms) -> Select:
    return select(Case.id).where(among(Case.person_id, _people(found)))


def partner_referrals(found: Terms) -> ColumnElement[bool]:
    """Over ``Referral``, for a partner: its reference, or the person's name where a
    consent in force shares their contact details with the referral's organisation."""
    named = and_(among(Referral.case_id, _named_cases(found)), contact_details_shared())
    if found.referral_ids is None:
        return named
    return or_(Referral.id.between(*found.referral_ids), named)


def partner_matches(found: Terms, scope: ColumnElement) -> Select:
    """``(id, sent_at)`` of the referrals in ``scope`` that ``partner_referrals`` finds,
    each reading a query of its own."""
    named = select(Referral.id, Referral.sent_at).where(
        scope, among(Referral.case_id, _named_cases(found)), contact_details_shared()
    )
    if found.referral_ids is None:
        return named
    by_reference = select(Referral.id, Referral.sent_at).where(
        scope, Referral.id.between(*found.referral_ids)
    )
    return union(by_reference, named)


def staff_referrals(found: Terms) -> ColumnElement[bool]:
    """Over ``Referral``, for case staff: its reference, or its case found by the text."""
    return among(Referral.case_id, case_ids(found))
