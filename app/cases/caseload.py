"""Caseloads: the keyworker's own cases, the supervisor's team view and the API's list.

Each list is one page of cases plus a fixed number of eager loads (the contract, the
consents, the assessments, the keyworker), so the number of SQL statements does not
grow with the number of cases. The next due action and the warnings are derived from
what was loaded, never by querying per row.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import Select, exists, func, select
from sqlalchemy.orm import contains_eager, lazyload, selectinload

from app.assessments.models import AssessmentStage, NeedsAssessment
from app.audit import services as audit
from app.auth.roles import Role
from app.cases.models import CLOSED_STATUSES, Case, CaseStatus, Person
from app.cases.policy import case_scope
from app.cases.team import keyworker_counts, total_of
from app.consent.models import EXPIRY_WARNING, Consent, ConsentStatus, expires_soon_at
from app.consent.models import status_at as consent_status_at
from app.contracts.models import Contract
from app.database import utcnow
from app.dates import CONTRACT_WEEKS, contract_week, today_in_london
from app.extensions import db
from app.victims.models import Victim

PAGE_SIZE = 25
EXIT_REASSESSMENT_WEEK = 14
UNALLOCATED = "none"

SORT_COLUMNS = {
    "crime_reference": "Crime reference",
    "name": "Name",
    "status": "Status",
    "created": "Recorded",
    "contract_end": "Contract end",
}
DEFAULT_SORT = "created"


@dataclass(frozen=True)
class Filters:
    status: str | None = None
    # The team view only: a keyworker's id, or UNALLOCATED.
    keyworker: uuid.UUID | str | None = None


@dataclass(frozen=True)
class Sort:
    key: str = DEFAULT_SORT
    descending: bool = True

    @classmethod
    def parse(cls, key: str | None, order: str | None) -> Sort:
        if key not in SORT_COLUMNS:
            return cls()
        return cls(key, descending=order == "desc")


@dataclass(frozen=True)
class Row:
    case: Case
    name: str
    status: str
    contract_week: str | None
    next_action: str | None
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Caseload:
    rows: list[Row]
    total: int
    page: int
    per_page: int


def parse_status(raw: str | None) -> str | None:
    return raw if raw in {s.value for s in CaseStatus} else None


def parse_keyworker(raw: str | None) -> uuid.UUID | str | None:
    if raw == UNALLOCATED:
        return UNALLOCATED
    try:
        return uuid.UUID(raw) if raw else None
    except ValueError:
        return None


def _filtered(query: Select, user, filters: Filters) -> Select:
    query = query.where(case_scope(user))
    if filters.status:
        query = query.where(Case.status == filters.status)
    if filters.keyworker == UNALLOCATED:
        query = query.where(Case.keyworker_id.is_(None))
    elif isinstance(filters.keyworker, uuid.UUID):
        query = query.where(Case.keyworker_id == filters.keyworker)
    return query


def _ordering(sort: Sort) -> list:
    columns = {
        "crime_reference": [Case.crime_reference],
        "name": [Person.family_name, Person.given_name],
        "status": [Case.status],
        "created": [Case.created_at],
        "contract_end": [Contract.end_date],
    }[sort.key]
    ordered = [c.desc() if sort.descending else c.asc() for c in columns]
    if sort.key == "contract_end":
        ordered = [c.nulls_last() for c in ordered]
    return [*ordered, Case.created_at.desc(), Case.id]


def caseload(
    user, filters: Filters, sort: Sort, page: int, *, purpose: str, total: int | None = None
) -> Caseload:
    """One page of the cases ``user`` may see, with what is due on each (``total``: how
    many there are, when the caller knows). Audited."""
    if total is None:
        total = db.session.scalar(_filtered(select(func.count(Case.id)), user, filters)) or 0
    # The page's cases are chosen by their ids alone, then read whole: a deep page
    # (OFFSET 4,975 sorted by name at 200,000 cases) then steps over narrow index rows,
    # not over every skipped case's person and contract.
    on_page = (
        _filtered(select(Case.id), user, filters)
        .join(Case.person)
        .outerjoin(Case.contract)
        .order_by(*_ordering(sort))
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    )
    cases = db.session.scalars(
        select(Case)
        .where(Case.id.in_(on_page.scalar_subquery()))
        .join(Case.person)
        .outerjoin(Case.contract)
        .options(
            contains_eager(Case.person),
            contains_eager(Case.contract),
            selectinload(Case.keyworker),
        )
        .order_by(*_ordering(sort))
    ).all()
    today, now = today_in_london(), utcnow()
    from app.tasks.queue import case_kinds  # the work queue's rules, for the same cases
    from app.tasks.rules import Moment

    ids = [case.id for case in cases]
    kinds = case_kinds(ids, Moment(now, today))
    recorded = _recorded(ids)
    _audit_listing(user, purpose, page, total, cases)
    rows = [_row(case, today, now, kinds.get(case.id, set()), recorded[case.id]) for case in cases]
    return Caseload(rows=rows, total=total, page=page, per_page=PAGE_SIZE)


@dataclass(frozen=True)
class Recorded:
    """What ``due`` needs of a case's assessments and consents."""

    stages: frozenset[str]
    consents: tuple[tuple[datetime, datetime | None], ...]  # (expires, withdrawn)


def _recorded(case_ids: list[uuid.UUID]) -> dict[uuid.UUID, Recorded]:
    """Each case's assessment stages and consent dates, read as plain columns: a page's
    consents and assessments as ORM rows (each consent with its organisation) took about
    8 ms of Python at 25 cases, and only these columns are used."""
    stages: dict[uuid.UUID, set[str]] = defaultdict(set)
    consents: dict[uuid.UUID, list] = defaultdict(list)
    if case_ids:
        assessed = select(NeedsAssessment.case_id, NeedsAssessment.stage)
        for case_id, stage in db.session.execute(
            assessed.where(NeedsAssessment.case_id.in_(case_ids))
        ):
            stages[case_id].add(stage)
        dated = select(Consent.case_id, Consent.expires_at, Consent.withdrawn_at)
        for case_id, expires_at, withdrawn_at in db.session.execute(
            dated.where(Consent.case_id.in_(case_ids))
        ):
            consents[case_id].append((expires_at, withdrawn_at))
    return {
        case_id: Recorded(frozenset(stages[case_id]), tuple(consents[case_id]))
        for case_id in case_ids
    }


def _audit_listing(user, purpose: str, page: int, total: int, cases) -> None:
    """Audit a list read: the cases on the page (app.audit.services.record_list_read)."""
    audit.record_list_read(
        "case.listed",
        "case",
        [case.id for case in cases],
        actor=user,
        purpose=purpose,
        page=page,
        total=total,
    )


def week_text(contract: Contract | None, today: date) -> str | None:
    if contract is None:
        return None
    if today < contract.start_date:
        return "Starts " + f"{contract.start_date.day} {contract.start_date:%B %Y}"
    if today >= contract.end_date:
        return "Ended"
    return f"Week {contract_week(contract.start_date, today)} of {CONTRACT_WEEKS}"


def _row(case: Case, today: date, now: datetime, kinds: set[str], recorded: Recorded) -> Row:
    action, warnings = due(case, today, now, kinds, recorded)
    return Row(
        case=case,
        name=case.person.full_name,
        status=case.status,
        contract_week=week_text(case.contract, today),
        next_action=action,
        warnings=warnings,
    )


# What the caseload says for each kind of task open on a case (app.tasks.queue.case_kinds),
# in order: the first open one is the next action, after the steps of the case itself.
DECISIONS = (
    ("outcome_to_decide", "Outcome proposed: awaiting a supervisor's decision"),
    ("concern_to_decide", "Decide on the compliance concern"),
    ("outcome_sent_back", "Outcome sent back: propose it again"),
)
FOLLOW_UPS = (
    ("contract_ending", "Propose the outcome: the contract ends soon"),
    ("acknowledgement_overdue", "Chase the partner: a referral is not acknowledged in time"),
    ("attendance_to_record", "Record attendance at a one-to-one"),
    ("partner_update_unread", "Read the partner's update"),
    ("victim_consultation_missing", "Record the victim's consultation"),
    ("consent_expiring", f"Renew consent: it expires within {EXPIRY_WARNING.days} days"),
)


def _first(kinds: set[str], actions) -> str | None:
    return next((text for kind, text in actions if kind in kinds), None)


def due(
    case: Case,
    today: date,
    now: datetime,
    kinds: set[str] | frozenset,
    recorded: Recorded,
) -> tuple[str | None, list[str]]:
    """The next action due on a case and its warnings, from its loaded contract, its
    assessments and consents (``recorded``) and the kinds of task open on it (``kinds``,
    from the work queue's rules)."""
    if case.status == CaseStatus.INELIGIBLE:
        return None, ["Ineligible"]
    if case.status in CLOSED_STATUSES:
        return None, []
    stages = recorded.stages
    current = [
        expires_at
        for expires_at, withdrawn_at in recorded.consents
        if consent_status_at(expires_at, withdrawn_at, now) == ConsentStatus.GIVEN
    ]
    contract = case.contract
    warnings: list[str] = []
    action: str | None = None
    if case.keyworker_id is None:
        action = "Allocate to a keyworker"
    elif decision := _first(kinds, DECISIONS):
        action = decision
    elif AssessmentStage.INITIAL not in stages:
        action = "Record the needs assessment"
    elif not current:
        action = "Record consent"
    elif contract is None:
        action = "Agree the contract"
    elif today >= contract.end_date:
        action = "Record the outcome"
    elif (
        contract_week(contract.start_date, today) or 0
    ) >= EXIT_REASSESSMENT_WEEK and AssessmentStage.EXIT not in stages:
        action = "Exit reassessment due"
    else:
        action = _first(kinds, FOLLOW_UPS)
    if contract is not None and today >= contract.end_date:
        warnings.append("Contract ended: record the outcome")
    if any(expires_soon_at(expires_at, now) for expires_at in current):
        warnings.append(f"Consent expires within {EXPIRY_WARNING.days} days")
    return action, warnings


# The API's list ------------------------------------------------------------------------


@dataclass(frozen=True)
class ApiListQuery:
    page: int = 1
    per_page: int = 50
    status: str | None = None
    keyworker_id: uuid.UUID | None = None
    updated_since: datetime | None = None
    q: str | None = None  # search text (app.search.queries)


def api_list(user, query: ApiListQuery) -> tuple[list[Case], int]:
    """Cases for the API: a keyworker's own, all for a supervisor; a victim liaison user
    gets the cases that have victims (the caller shows them only id, reference, status).
    With ``q``, only the cases the search finds (victim liaison: by crime reference)."""
    from app.search.queries import among, case_ids
    from app.search.services import terms_or_invalid

    options = []
    victim_liaison = user.role == Role.VICTIM_LIAISON
    if victim_liaison:
        where = [exists().where(Victim.case_id == Case.id)]
        options.append(lazyload(Case.person))  # never loaded, so never shown
    else:
        where = [case_scope(user)]
    if query.q is not None:
        found = terms_or_invalid(query.q)
        where.append(among(Case.id, case_ids(found, names=not victim_liaison)))
    if query.status:
        where.append(Case.status == query.status)
    if query.keyworker_id:
        where.append(Case.keyworker_id == query.keyworker_id)
    if query.updated_since:
        where.append(Case.updated_at >= query.updated_since)
    only_by_keyworker = query.q is None and not query.status and not query.updated_since
    if user.role == Role.SUPERVISOR and only_by_keyworker:
        # Every case, or one keyworker's: the team's kept counts say how many.
        total = total_of(keyworker_counts(), query.keyworker_id)
    else:
        total = db.session.scalar(select(func.count(Case.id)).where(*where)) or 0
    cases = db.session.scalars(
        select(Case)
        .where(*where)
        .options(*options)
        .order_by(Case.updated_at, Case.id)
        .limit(query.per_page)
        .offset((query.page - 1) * query.per_page)
    ).all()
    purpose = "api_case_search" if query.q else "api_case_list"
    _audit_listing(user, purpose, query.page, total, cases)
    return list(cases), total
