"""The consent rule: may this person's information of this category go to this organisation?

THIS MODULE IS THE ONLY PLACE THAT DECIDES WHETHER SHARING IS ALLOWED. Every feature that
shows or sends a person's information to a partner organisation (referrals, the partner's
view of a referral, anything later) calls ``can_share`` or ``shared_categories`` on every
read and every send, and never looks at consent records itself: no other module may test
``Consent.withdrawn_at``, ``Consent.expires_at`` or ``Consent.categories`` to reach a
sharing decision. If the rule has to change, it changes here, and only here.

The rule: information of a category may be shared with an organisation at a moment
``at`` only if there is a consent for that case and that organisation which

- covers the category,
- was given at or before ``at``,
- had not been withdrawn at ``at`` (withdrawal takes effect at the recorded instant), and
- had not expired at ``at`` (a consent expiring at instant T is no longer in force at T).

Nothing else counts: no consent, an unknown category, another organisation's consent, or
a consent for another case all answer "no". When a new consent replaces an older one for
the same organisation (see ``app.consent.services.give_consent``), the older one is
withdrawn at the very instant the new one is given, so exactly the new one's categories
apply from then on.

Consent is separate from eligibility: these rules never look at the case's status or its
eligibility answers, and recording, refusing or withdrawing consent never changes either.
A person who will not share anything with a partner is still on the scheme.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import String, and_, cast, or_, select
from sqlalchemy.sql.elements import ColumnElement

from app.consent.models import EXPIRY_WARNING, Consent, ConsentCategory
from app.database import utcnow
from app.extensions import db

_KNOWN_CATEGORIES = frozenset(c.value for c in ConsentCategory)


def expiry_warning_ends(at: datetime) -> datetime:
    """A consent in force at ``at`` that expires by this instant is expiring soon."""
    return at + EXPIRY_WARNING


def expiring_soon_at(at: datetime, warning_ends: datetime | None = None) -> ColumnElement[bool]:
    """A WHERE clause: in force at ``at`` and expiring within ``EXPIRY_WARNING`` (the SQL
    form of ``Consent.expires_soon_at``): staff are warned, and reminded, to renew it.
    ``warning_ends`` is ``expiry_warning_ends(at)``, passed in when ``at`` is a bind
    parameter (a statement built once for every moment)."""
    if warning_ends is None:
        warning_ends = expiry_warning_ends(at)
    return and_(in_force_at(at), Consent.expires_at <= warning_ends)


def in_force_at(at: datetime) -> ColumnElement[bool]:
    """A WHERE clause: the consent was in force at ``at`` (given, not withdrawn, not expired).

    Exposed for the consent feature's own lists (which show what is current); it is the
    same test that ``can_share`` applies, so the lists can never disagree with the rule.
    """
    _require_aware(at)
    return and_(
        Consent.given_at <= at,
        or_(Consent.withdrawn_at.is_(None), Consent.withdrawn_at > at),
        Consent.expires_at > at,
    )


def shared_categories(
    case_id: uuid.UUID, organisation_id: uuid.UUID, at: datetime | None = None
) -> set[str]:
    """Every category of the case's information that may go to the organisation at ``at``
    (default: now). One query. An empty set means nothing at all may be shared."""
    at = at or utcnow()
    rows = db.session.scalars(
        select(Consent.categories).where(
            Consent.case_id == case_id,
            Consent.organisation_id == organisation_id,
            in_force_at(at),
        )
    )
    return {category for categories in rows for category in categories} & _KNOWN_CATEGORIES


def shared_categories_by_organisation(
    case_id: uuid.UUID, organisation_ids, at: datetime | None = None
) -> dict[uuid.UUID, set[str]]:
    """``shared_categories`` for several organisations at once (one query): each
    organisation's set, empty where nothing at all may be shared."""
    return _categories_by(Consent.organisation_id, Consent.case_id == case_id, organisation_ids, at)


def shared_categories_by_case(
    organisation_id: uuid.UUID, case_ids, at: datetime | None = None
) -> dict[uuid.UUID, set[str]]:
    """``shared_categories`` with one organisation for several cases at once (one query):
    each case's set, empty where nothing at all may be shared (a partner's lists)."""
    return _categories_by(Consent.case_id, Consent.organisation_id == organisation_id, case_ids, at)


def _categories_by(key, fixed, keys, at: datetime | None) -> dict[uuid.UUID, set[str]]:
    """The categories in force at ``at`` under ``fixed``, by each of ``keys`` (values of
    the ``key`` column): one query."""
    ids = list(dict.fromkeys(keys))
    found: dict[uuid.UUID, set[str]] = {key_id: set() for key_id in ids}
    if not ids:
        return found
    rows = db.session.execute(
        select(key, Consent.categories).where(fixed, key.in_(ids), in_force_at(at or utcnow()))
    )
    for key_id, categories in rows:
        found[key_id] |= set(categories) & _KNOWN_CATEGORIES
    return found


def can_share(
    case_id: uuid.UUID,
    organisation_id: uuid.UUID,
    category: ConsentCategory | str,
    at: datetime | None = None,
) -> bool:
    """True only if a consent in force at ``at`` (default: now) for this case and this
    organisation covers ``category``. An unknown category is never shareable."""
    value = category.value if isinstance(category, ConsentCategory) else str(category)
    if value not in _KNOWN_CATEGORIES:
        return False
    return value in shared_categories(case_id, organisation_id, at)


def covers_at(case_id, organisation_id, category: ConsentCategory, at: datetime):
    """A WHERE clause (``EXISTS``) with the same meaning as ``can_share``: a consent in force
    at ``at`` for the case and organisation (columns or values) covers ``category``. For
    lists and searches that must decide per row in SQL."""
    _require_aware(at)
    # The categories are a JSON list of known names, none of which holds another with
    # its quotes: the quoted name is in the list's text exactly when it is in the list.
    quoted = f'%"{ConsentCategory(category).value}"%'
    return (
        select(Consent.id)
        .where(
            Consent.case_id == case_id,
            Consent.organisation_id == organisation_id,
            in_force_at(at),
            cast(Consent.categories, String).like(quoted),
        )
        .exists()
    )


def _require_aware(at: datetime) -> None:
    """A naive datetime is refused (a bind parameter is checked when it is bound)."""
    if isinstance(at, datetime) and at.tzinfo is None:
        raise ValueError("pass an aware datetime (UTC), not a naive one")
