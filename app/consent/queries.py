"""Reading consents: the list of a case's consents, the case's consent page, the summary
the person takes away, and the consent on the withdrawal page. Each read of a case is
policy-checked and audited through ``app.cases.services.view_case``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import and_, func, not_, or_, select
from sqlalchemy.orm import selectinload

from app.cases.models import Case
from app.cases.services import view_case
from app.consent.models import Consent, ConsentCategory, ConsentStatus
from app.consent.rules import in_force_at
from app.consent.services import (
    CATEGORY_FOR_PERSON,
    PAGE_SIZE,
    can_record_consent,
    default_expiry,
    ordered_categories,
)
from app.database import utcnow
from app.dates import today_in_london
from app.errors import NotFound
from app.extensions import db


@dataclass
class ConsentList:
    case: Case
    items: list[Consent]
    total: int
    page: int
    per_page: int


@dataclass
class ConsentOverview:
    """The consent page of a case: what is in force now, and the history."""

    case: Case
    current: list[Consent]
    history: list[Consent]
    history_total: int
    history_page: int
    per_page: int
    default_expiry: date
    can_record: bool


@dataclass
class ConsentSummary:
    """What the person is given: what is shared, with whom, until when, how to withdraw."""

    case: Case
    consents: list[Consent]
    keyworker: object | None
    prepared_on: date
    categories_for_person: dict[str, list[str]] = field(default_factory=dict)


def _loaded():
    return (selectinload(Consent.recorded_by), selectinload(Consent.withdrawn_by))


def _status_is(status: str, now: datetime):
    """A WHERE clause for ``Consent.status_at(now) == status`` (given, withdrawn, expired)."""
    withdrawn = and_(Consent.withdrawn_at.is_not(None), Consent.withdrawn_at <= now)
    if status == ConsentStatus.WITHDRAWN:
        return withdrawn
    if status == ConsentStatus.EXPIRED:
        return and_(not_(withdrawn), Consent.expires_at <= now)
    return in_force_at(now)


def list_consents(
    actor,
    case_id: uuid.UUID,
    *,
    page: int = 1,
    per_page: int = PAGE_SIZE,
    updated_since: datetime | None = None,
    status: str | None = None,
    purpose: str = "consent_list",
) -> ConsentList:
    """Every consent of the case (in force, withdrawn and expired), newest first.

    ``updated_since`` keeps those given or withdrawn at or after that time (a consent is
    otherwise never changed); ``status`` keeps those given (in force), withdrawn or
    expired now. Policy-checked and audited as a read of the case.
    """
    case = view_case(actor, case_id, purpose=purpose)
    query = select(Consent).where(Consent.case_id == case.id)
    if status is not None:
        query = query.where(_status_is(status, utcnow()))
    if updated_since is not None:
        query = query.where(
            or_(Consent.given_at >= updated_since, Consent.withdrawn_at >= updated_since)
        )
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    items = db.session.scalars(
        query.options(*_loaded())
        .order_by(Consent.given_at.desc(), Consent.id)
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    return ConsentList(case=case, items=list(items), total=total, page=page, per_page=per_page)


def consent_overview(actor, case_id: uuid.UUID, *, history_page: int = 1) -> ConsentOverview:
    """The consents in force now (one per organisation at most), and a page of history."""
    case = view_case(actor, case_id, purpose="consent_page")
    now = utcnow()
    current = db.session.scalars(
        select(Consent)
        .where(Consent.case_id == case.id, in_force_at(now))
        .options(*_loaded())
        .order_by(Consent.given_at.desc(), Consent.id)
    ).all()
    history_query = select(Consent).where(Consent.case_id == case.id, not_(in_force_at(now)))
    history_total = db.session.scalar(select(func.count()).select_from(history_query.subquery()))
    history = db.session.scalars(
        history_query.options(*_loaded())
        .order_by(Consent.given_at.desc(), Consent.id)
        .limit(PAGE_SIZE)
        .offset((history_page - 1) * PAGE_SIZE)
    ).all()
    return ConsentOverview(
        case=case,
        current=list(current),
        history=list(history),
        history_total=history_total,
        history_page=history_page,
        per_page=PAGE_SIZE,
        default_expiry=default_expiry(case),
        can_record=can_record_consent(case),
    )


def consent_summary(actor, case_id: uuid.UUID) -> ConsentSummary:
    """The consents in force now, worded for the person, with their keyworker's name."""
    case = view_case(actor, case_id, purpose="consent_summary")
    now = utcnow()
    consents = list(
        db.session.scalars(
            select(Consent)
            .where(Consent.case_id == case.id, in_force_at(now))
            .order_by(Consent.given_at.desc(), Consent.id)
        )
    )
    consents.sort(key=lambda c: c.organisation.name.casefold())
    return ConsentSummary(
        case=case,
        consents=consents,
        keyworker=case.keyworker,
        prepared_on=today_in_london(now),
        categories_for_person={
            str(c.id): [
                CATEGORY_FOR_PERSON[ConsentCategory(v)] for v in ordered_categories(c.categories)
            ]
            for c in consents
        },
    )


def consent_for_withdrawal(actor, consent_id: uuid.UUID) -> Consent:
    """A consent and its case, for the withdrawal page: policy-checked and audited."""
    consent = db.session.get(Consent, consent_id)
    if consent is None:
        raise NotFound("No such consent")
    view_case(actor, consent.case_id, purpose="consent_withdrawal")
    return consent
