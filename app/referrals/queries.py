"""Reading referrals: the partner's inbox, a referral for each audience, the case's list
and the API's list. Every read goes through ``app.referrals.policy`` (or the case policy),
and every read that shows shared information about the person is audited."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from app.audit import services as audit
from app.auth.models import User
from app.auth.roles import Role
from app.cases.models import Case
from app.cases.services import view_case
from app.consent import rules
from app.errors import InvalidInput, NotFound
from app.extensions import db
from app.pagination import Page
from app.referrals import presenters
from app.referrals.models import Referral, ReferralStatus, ReferralUpdate
from app.referrals.moves import Move, moves_for
from app.referrals.policy import Actor, actor_for, get_referral_for, referral_scope
from app.referrals.reference import id_range, reference
from app.referrals.services import london_today

S = ReferralStatus
INBOX_PAGE_SIZE = 25
CASE_PAGE_SIZE = 25
API_PAGE_SIZE = 50
API_MAX_PER_PAGE = 200

# The partner inbox's tabs: key -> (label, statuses). Every status is in exactly one tab.
TABS: dict[str, tuple[str, tuple[ReferralStatus, ...]]] = {
    "new": ("New", (S.SENT, S.ACKNOWLEDGED)),
    "accepted": ("Accepted", (S.ACCEPTED,)),
    "in_progress": ("In progress", (S.IN_PROGRESS,)),
    "closed": ("Closed", (S.DECLINED, S.COMPLETED, S.CANCELLED)),
    "on_hold": ("On hold", (S.ON_HOLD,)),
}


@dataclass
class InboxRow:
    id: uuid.UUID
    reference: str
    status: str
    need: str | None  # None: consent no longer covers it (presenters.partner_sees_text)
    sent_at: datetime
    acknowledge_by: date
    overdue: bool
    worker_name: str | None
    keyworker_name: str | None


@dataclass
class Inbox:
    tab: str
    counts: dict[str, int]
    rows: list[InboxRow]
    page: Page
    search: str | None = None
    search_error: str | None = None


def partner_inbox(user, *, tab: str = "new", page: int = 1, search: str | None = None) -> Inbox:
    """The organisation's referrals in one tab (or matching a reference search, across
    all tabs), 25 a page, with every tab's count from one grouped query. The rows are
    read as plain columns: no case or person record is loaded for the inbox."""
    tab = tab if tab in TABS else "new"
    scope = referral_scope(user)
    by_status = dict(
        db.session.execute(
            select(Referral.status, func.count()).where(scope).group_by(Referral.status)
        ).all()
    )
    counts = {
        key: sum(by_status.get(s.value, 0) for s in statuses) for key, (_, statuses) in TABS.items()
    }
    worker = aliased(User)
    keyworker = aliased(User)
    query = (
        select(
            Referral.id,
            Referral.status,
            Referral.need,
            Referral.sent_at,
            Referral.acknowledge_by,
            worker.name,
            keyworker.name,
            Referral.case_id,
            Referral.shared_categories,
        )
        .join(Case, Case.id == Referral.case_id)
        .outerjoin(worker, worker.id == Referral.assigned_worker_id)
        .outerjoin(keyworker, keyworker.id == Case.keyworker_id)
        .where(scope)
    )
    search = (search or "").strip() or None
    if search is not None:
        bounds = id_range(search)
        if bounds is None:
            empty = Page(1, INBOX_PAGE_SIZE, 0)
            return Inbox(
                tab, counts, [], empty, search, "Enter a referral reference, like RF-1A2B3C4D"
            )
        query = query.where(Referral.id.between(*bounds))
        total = db.session.scalar(select(func.count()).select_from(query.subquery()))
        order = (Referral.sent_at.desc(), Referral.id)
    else:
        statuses = [s.value for s in TABS[tab][1]]
        query = query.where(Referral.status.in_(statuses))
        total = counts[tab]
        if tab == "new":  # the most urgent first: due soonest, then oldest
            order = (Referral.acknowledge_by, Referral.sent_at, Referral.id)
        else:
            order = (Referral.updated_at.desc(), Referral.id)
    page_info = Page(page, INBOX_PAGE_SIZE, total)
    today = london_today()
    found = db.session.execute(
        query.order_by(*order).limit(INBOX_PAGE_SIZE).offset((page - 1) * INBOX_PAGE_SIZE)
    ).all()
    allowed = rules.shared_categories_by_case(user.organisation_id, [row[7] for row in found])
    rows = [
        InboxRow(
            id=row[0],
            reference=reference(row[0]),
            status=row[1],
            need=row[2] if presenters.partner_sees_text(row[8], allowed[row[7]]) else None,
            sent_at=row[3],
            acknowledge_by=row[4],
            overdue=row[1] == S.SENT.value and today > row[4],
            worker_name=row[5],
            keyworker_name=row[6],
        )
        for row in found
    ]
    audit.record_list_read(
        "referral.searched" if search is not None else "referral.listed",
        "referral",
        [row.id for row in rows],
        actor=user,
        purpose="partner_inbox",
        tab=tab,
        page=page,
        total=total,
    )
    return Inbox(tab, counts, rows, page_info, search)


# One referral ---------------------------------------------------------------------------


@dataclass
class PartnerReferral:
    view: dict
    moves: list[Move]
    workers: list[User] = field(default_factory=list)


def partner_referral(user, referral_id: uuid.UUID, *, purpose: str) -> PartnerReferral:
    """A referral as its partner organisation sees it; the read is audited (with the
    categories shown) and committed."""
    referral = get_referral_for(user, referral_id)
    actor = actor_for(user, referral)
    if actor != Actor.PARTNER:
        raise_not_found()
    view = _partner_view(referral)
    moves = moves_for(actor, referral)
    workers = organisation_workers(referral.organisation_id)
    _audit_partner_read(user, referral, view, purpose)
    return PartnerReferral(view=view, moves=moves, workers=workers)


def partner_view_of(user, referral: Referral, *, purpose: str) -> dict:
    """The partner view of a referral already loaded for ``user``; audited."""
    view = _partner_view(referral)
    _audit_partner_read(user, referral, view, purpose)
    return view


def _partner_view(referral: Referral) -> dict:
    keyworker = db.session.scalar(
        select(User).join(Case, Case.keyworker_id == User.id).where(Case.id == referral.case_id)
    )
    updates = db.session.scalars(
        select(ReferralUpdate)
        .where(ReferralUpdate.referral_id == referral.id)
        .order_by(ReferralUpdate.created_at.desc())
    ).all()
    return presenters.partner_view(
        referral,
        allowed=rules.shared_categories(referral.case_id, referral.organisation_id),
        keyworker=keyworker or referral.sent_by,
        today=london_today(),
        updates=updates,
    )


def _audit_partner_read(user, referral: Referral, view: dict, purpose: str) -> None:
    audit.record(
        "referral.viewed",
        "referral",
        referral.id,
        actor=user,
        details={"purpose": purpose, "categories_shown": list(view["shared"])},
    )
    db.session.commit()


def organisation_workers(organisation_id) -> list[User]:
    """The active partner users of an organisation, who can be named as its worker."""
    return list(
        db.session.scalars(
            select(User)
            .where(
                User.organisation_id == organisation_id,
                User.role == Role.PARTNER.value,
                User.active.is_(True),
            )
            .order_by(User.name)
        )
    )


@dataclass
class StaffReferral:
    referral: Referral
    case: Case
    view: dict
    moves: list[Move]
    can_resume: bool


def staff_referral(user, referral_id: uuid.UUID, *, purpose: str = "referral_page"):
    """A referral as the keyworker or a supervisor sees it, with its case (the case read
    is audited by ``view_case``)."""
    referral = get_referral_for(user, referral_id)
    if actor_for(user, referral) != Actor.CASE_STAFF:
        raise_not_found()
    case = view_case(user, referral.case_id, purpose=purpose)
    allowed = rules.shared_categories(referral.case_id, referral.organisation_id)
    view = presenters.staff_view(referral, allowed=allowed, today=london_today())
    moves = moves_for(Actor.CASE_STAFF, referral)
    can_resume = any(m.action == "resume" for m in moves) and view["consent_in_force"]
    return StaffReferral(referral, case, view, moves, can_resume)


def staff_view_of(user, referral: Referral, *, purpose: str, audited: bool = True) -> dict:
    """The staff view of a referral already loaded for ``user``; the read is audited
    (``audited=False`` only for the answer to the request that just wrote it)."""
    view = presenters.staff_view(
        referral,
        allowed=rules.shared_categories(referral.case_id, referral.organisation_id),
        today=london_today(),
    )
    if audited:
        audit.record(
            "referral.viewed",
            "referral",
            referral.id,
            actor=user,
            details={"purpose": purpose, "case_id": str(referral.case_id)},
        )
        db.session.commit()
    return view


def raise_not_found():
    raise NotFound("No such referral")


# Lists ------------------------------------------------------------------------------------


@dataclass
class CaseReferrals:
    case: Case
    items: list[dict]
    page: Page


def case_referrals(user, case_id: uuid.UUID, *, page: int = 1) -> CaseReferrals:
    """The case's referrals, newest first, 25 a page (policy-checked and audited)."""
    case = view_case(user, case_id, purpose="case_referrals")
    base = select(Referral).where(Referral.case_id == case.id)
    total = db.session.scalar(select(func.count()).select_from(base.subquery()))
    today = london_today()
    referrals = db.session.scalars(
        base.order_by(Referral.sent_at.desc(), Referral.id)
        .limit(CASE_PAGE_SIZE)
        .offset((page - 1) * CASE_PAGE_SIZE)
    ).all()
    items = [presenters.staff_summary(r, today) for r in referrals]
    return CaseReferrals(case, items, Page(page, CASE_PAGE_SIZE, total))


def list_referrals(
    user,
    *,
    page: int = 1,
    per_page: int = API_PAGE_SIZE,
    status: str | None = None,
    updated_since: datetime | None = None,
    case_id: uuid.UUID | None = None,
    q: str | None = None,
) -> tuple[list[dict], int]:
    """The referrals ``user`` may see, oldest change first (``updated_at``, then ``id``),
    so that a partner system can sync with ``updated_since``. Partners get summaries with
    nothing of the person; case staff get staff summaries. ``q`` searches
    (``app.search``). Every page that returns referrals is audited as a read of them."""
    from app.search import queries as search

    query = select(Referral).where(referral_scope(user))
    if q is not None:
        try:
            found = search.terms(q)
        except search.SearchTextInvalid as invalid:
            raise InvalidInput({"q": str(invalid)}, str(invalid)) from None
        partner = user.role == Role.PARTNER
        query = query.where(
            search.partner_referrals(found) if partner else search.staff_referrals(found)
        )
    if status is not None:
        query = query.where(Referral.status == status)
    if updated_since is not None:
        query = query.where(Referral.updated_at >= updated_since)
    if case_id is not None:  # partners may not send it (app.auth.filters)
        query = query.where(Referral.case_id == case_id)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    referrals = db.session.scalars(
        query.order_by(Referral.updated_at, Referral.id)
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    today = london_today()
    if user.role == Role.PARTNER:
        allowed = rules.shared_categories_by_case(
            user.organisation_id, [r.case_id for r in referrals]
        )
        items = [presenters.partner_summary(r, today, allowed[r.case_id]) for r in referrals]
    else:
        items = [presenters.staff_summary(r, today) for r in referrals]
    audit.record_list_read(
        "referral.searched" if q is not None else "referral.listed",
        "referral",
        [item["id"] for item in items],
        actor=user,
        purpose="api_list",
        page=page,
        total=total,
    )
    return items, total
