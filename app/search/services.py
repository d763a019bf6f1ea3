"""Searching, for each role that may: a page of what the text finds in the caller's scope.

* Keyworkers and supervisors: their cases (a keyworker's own, a supervisor's all), by
  the person's name, date of birth, crime reference or a referral's reference.
* Partners: their organisation's referrals, by reference, or by the person's name where
  a consent in force shares the person's contact details with the organisation. The
  name is shown only where it is shared now.
* Victim liaison staff: the cases with victims, by crime reference only.

Results naming people are audited as reads (which records were shown, never the text
searched for). Two queries a page (the count and the rows), whatever the numbers.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import case as when
from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from app.audit import services as audit
from app.auth.models import User
from app.auth.roles import Role
from app.cases.models import Case, Person
from app.cases.policy import case_scope
from app.errors import Forbidden, InvalidInput
from app.extensions import db
from app.pagination import Page
from app.referrals.models import Referral
from app.referrals.policy import referral_scope
from app.referrals.reference import reference
from app.search import queries
from app.victims.policy import victim_case_scope

PAGE_SIZE = 25
SEARCH_ROLES = frozenset({Role.KEYWORKER, Role.SUPERVISOR, Role.PARTNER, Role.VICTIM_LIAISON})
HINTS = {
    Role.KEYWORKER: "Name, date of birth, crime reference or referral reference",
    Role.SUPERVISOR: "Name, date of birth, crime reference or referral reference",
    Role.PARTNER: "Referral reference, or the person's name",
    Role.VICTIM_LIAISON: "Crime reference",
}


@dataclass(frozen=True)
class CaseResult:
    case_id: uuid.UUID
    crime_reference: str
    status: str
    name: str | None = None  # case staff only
    date_of_birth: date | None = None
    keyworker: str | None = None


@dataclass(frozen=True)
class ReferralResult:
    referral_id: uuid.UUID
    reference: str
    status: str
    need: str
    sent_at: datetime
    name: str | None  # only while the person's contact details are shared


@dataclass(frozen=True)
class Results:
    text: str
    audience: str  # "cases", "victim_cases" or "referrals"
    rows: tuple
    page: Page


def terms_or_invalid(text: str | None) -> queries.Terms:
    try:
        return queries.terms(text)
    except queries.SearchTextInvalid as invalid:
        raise InvalidInput({"q": str(invalid)}, str(invalid)) from None


def search(user, text: str | None, *, page: int = 1) -> Results:
    """What ``text`` finds for ``user`` (InvalidInput on ``q`` for text that cannot be
    searched for; Forbidden for roles that have no search)."""
    role = Role(user.role)
    if role not in SEARCH_ROLES:
        raise Forbidden("Your role has no search")
    found = terms_or_invalid(text)
    if role == Role.PARTNER:
        return _referrals(user, found, page)
    if role == Role.VICTIM_LIAISON:
        return _victim_cases(user, found, page)
    return _cases(user, found, page)


def _count(query) -> int:
    return db.session.scalar(select(func.count()).select_from(query.subquery())) or 0


def _page(query, page: int):
    return db.session.execute(query.limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).all()


def _cases(user, found: queries.Terms, page: int) -> Results:
    keyworker = aliased(User)
    query = (
        select(
            Case.id,
            Case.crime_reference,
            Case.status,
            Person.given_name,
            Person.family_name,
            Person.date_of_birth,
            keyworker.name,
        )
        .join(Person, Person.id == Case.person_id)
        .outerjoin(keyworker, keyworker.id == Case.keyworker_id)
        .where(case_scope(user), Case.id.in_(queries.case_ids(found)))
    )
    total = _count(query)
    rows = tuple(
        CaseResult(row[0], row[1], row[2], f"{row[3]} {row[4]}", row[5], row[6])
        for row in _page(query.order_by(Case.created_at.desc(), Case.id), page)
    )
    if rows:
        _audit(user, "case.searched", "case", total, page, [r.case_id for r in rows])
    return Results(found.text, "cases", rows, Page(page, PAGE_SIZE, total))


def _victim_cases(user, found: queries.Terms, page: int) -> Results:
    query = select(Case.id, Case.crime_reference, Case.status).where(
        victim_case_scope(user), Case.id.in_(queries.case_ids(found, names=False))
    )
    total = _count(query)
    rows = tuple(
        CaseResult(row[0], row[1], row[2])
        for row in _page(query.order_by(Case.created_at.desc(), Case.id), page)
    )
    return Results(found.text, "victim_cases", rows, Page(page, PAGE_SIZE, total))


def _referrals(user, found: queries.Terms, page: int) -> Results:
    shared = queries.contact_details_shared()
    query = (
        select(
            Referral.id,
            Referral.status,
            Referral.need,
            Referral.sent_at,
            when((shared, Person.given_name), else_=None),
            when((shared, Person.family_name), else_=None),
        )
        .join(Case, Case.id == Referral.case_id)
        .join(Person, Person.id == Case.person_id)
        .where(referral_scope(user), queries.partner_referrals(found))
    )
    total = _count(query)
    rows = tuple(
        ReferralResult(
            row[0],
            reference(row[0]),
            row[1],
            row[2],
            row[3],
            f"{row[4]} {row[5]}" if row[4] is not None else None,
        )
        for row in _page(query.order_by(Referral.sent_at.desc(), Referral.id), page)
    )
    if rows:
        _audit(user, "referral.searched", "referral", total, page, [r.referral_id for r in rows])
    return Results(found.text, "referrals", rows, Page(page, PAGE_SIZE, total))


def _audit(user, action: str, object_type: str, total: int, page: int, shown: list) -> None:
    """A search that shows people is a read of each record shown (the text searched for
    is not kept: it may be a name)."""
    audit.record(
        action,
        object_type,
        "*",
        actor=user,
        details={"total": total, "page": page, "shown": [str(i) for i in shown]},
    )
    db.session.commit()
