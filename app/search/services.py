"""Searching, for each role that may: a page of what the text finds in the caller's scope.

* Keyworkers and supervisors: their cases (a keyworker's own, a supervisor's all), by
  the person's name, date of birth, crime reference or a referral's reference.
* Partners: their organisation's referrals, by reference, or by the person's name where
  a consent in force shares the person's contact details with the organisation. The
  name is shown only where it is shared now.
* Victim liaison staff: the cases with victims, by crime reference only.

Results naming people are audited as reads (which records were shown, never the text
searched for). One query a page (its rows with the count of all), whatever the numbers.
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
from app.consent.rules import shared_categories_by_case
from app.errors import Forbidden, InvalidInput
from app.extensions import db
from app.pagination import Page
from app.referrals.models import Referral
from app.referrals.policy import referral_scope
from app.referrals.presenters import partner_sees_text
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
    need: str | None  # None once consent no longer covers it (partner_sees_text)
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


def _top(matches, order, page: int):
    """One page of ``matches`` (a UNION of ``id`` and the column to order by, newest
    first), with the count of all of them, as a subquery to join the details to."""
    found = matches.subquery()
    when_column = found.c[1]
    return (
        select(found.c.id, when_column.label("at"), func.count().over().label("total"))
        .order_by(when_column.desc(), found.c.id)
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
        .subquery()
    )


def _total(matches, rows) -> int:
    """The count of all matches: from the page's rows, or (a page past the last) counted."""
    if rows:
        return rows[0].total
    return db.session.scalar(select(func.count()).select_from(matches.subquery())) or 0


def _cases(user, found: queries.Terms, page: int) -> Results:
    matches = queries.case_matches(found, case_scope(user))
    top = _top(matches, Case.created_at, page)
    keyworker = aliased(User)
    rows = db.session.execute(
        select(
            top.c.total,
            Case.id,
            Case.crime_reference,
            Case.status,
            Person.given_name,
            Person.family_name,
            Person.date_of_birth,
            keyworker.name.label("keyworker"),
        )
        .select_from(top)
        .join(Case, Case.id == top.c.id)
        .join(Person, Person.id == Case.person_id)
        .outerjoin(keyworker, keyworker.id == Case.keyworker_id)
        .order_by(top.c.at.desc(), top.c.id)
    ).all()
    total = _total(matches, rows)
    results = tuple(
        CaseResult(
            r.id,
            r.crime_reference,
            r.status,
            f"{r.given_name} {r.family_name}",
            r.date_of_birth,
            r.keyworker,
        )
        for r in rows
    )
    if results:
        _audit(user, "case.searched", "case", total, page, [r.case_id for r in results])
    return Results(found.text, "cases", results, Page(page, PAGE_SIZE, total))


def _victim_cases(user, found: queries.Terms, page: int) -> Results:
    matches = queries.case_matches(found, victim_case_scope(user), names=False)
    top = _top(matches, Case.created_at, page)
    rows = db.session.execute(
        select(top.c.total, Case.id, Case.crime_reference, Case.status)
        .select_from(top)
        .join(Case, Case.id == top.c.id)
        .order_by(top.c.at.desc(), top.c.id)
    ).all()
    total = _total(matches, rows)
    results = tuple(CaseResult(r.id, r.crime_reference, r.status) for r in rows)
    return Results(found.text, "victim_cases", results, Page(page, PAGE_SIZE, total))


def _referrals(user, found: queries.Terms, page: int) -> Results:
    matches = queries.partner_matches(found, referral_scope(user))
    top = _top(matches, Referral.sent_at, page)
    shared = queries.contact_details_shared()
    rows = db.session.execute(
        select(
            top.c.total,
            Referral.id,
            Referral.status,
            Referral.need,
            Referral.sent_at,
            Referral.case_id,
            Referral.shared_categories,
            when((shared, Person.given_name), else_=None).label("given_name"),
            when((shared, Person.family_name), else_=None).label("family_name"),
        )
        .select_from(top)
        .join(Referral, Referral.id == top.c.id)
        .join(Case, Case.id == Referral.case_id)
        .join(Person, Person.id == Case.person_id)
        .order_by(top.c.at.desc(), top.c.id)
    ).all()
    total = _total(matches, rows)
    allowed = shared_categories_by_case(user.organisation_id, [r.case_id for r in rows])
    results = tuple(
        ReferralResult(
            r.id,
            reference(r.id),
            r.status,
            r.need if partner_sees_text(r.shared_categories, allowed[r.case_id]) else None,
            r.sent_at,
            f"{r.given_name} {r.family_name}" if r.given_name is not None else None,
        )
        for r in rows
    )
    if results:
        _audit(user, "referral.searched", "referral", total, page, [r.referral_id for r in results])
    return Results(found.text, "referrals", results, Page(page, PAGE_SIZE, total))


def _audit(user, action: str, object_type: str, total: int, page: int, shown: list) -> None:
    """A search that shows people is a read of each record shown (the text searched for
    is not kept: it may be a name)."""
    audit.record_list_read(action, object_type, shown, actor=user, total=total, page=page)
