"""The victim liaison officer's home page: the cases with victims, which updates are
due or overdue, and the officer's own recent contacts.

Its query count does not depend on the number of cases: one query counts the cases, one
counts those owing an update (and overdue), one reads the page of cases (for the "due"
and "overdue" filters, ordered most urgent first by the stored due dates, which count
working days, so the order is exact across weekends and bank holidays), one their
victims' due updates, and one the officer's recent contacts.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import case as sql_case
from sqlalchemy import distinct, func, select

from app import kept
from app.audit import services as audit
from app.auth.roles import Role
from app.cases.models import Case
from app.dates import today_in_london
from app.extensions import db
from app.pagination import Page
from app.victims import due as due_rules
from app.victims.models import Victim, VictimUpdate
from app.victims.policy import victim_case_scope, victim_scope
from app.victims.stages import STAGE_LABELS, stage_of

PAGE_SIZE = 25
RECENT_CONTACTS = 10
FILTERS = {
    "all": "All cases with victims",
    "due": "Update due or overdue",
    "overdue": "Update overdue",
}


@dataclass(frozen=True)
class HomeRow:
    case_id: uuid.UUID
    crime_reference: str
    stage: str
    victims: int
    wanting_updates: int
    due: due_rules.DueUpdate | None

    @property
    def stage_label(self) -> str:
        return STAGE_LABELS[self.stage]


@dataclass(frozen=True)
class Contact:
    case_id: uuid.UUID
    crime_reference: str
    given_at: datetime
    method: str


@dataclass(frozen=True)
class HomePage:
    rows: list[HomeRow]
    page: Page
    counts: dict[str, int]
    recent: list[Contact]
    filter: str


def _owed(user):
    """The victims in ``user``'s scope owed an update they want (one row each)."""
    return select(Victim.case_id, Victim.update_due_on, Victim.owed_since).where(
        Victim.wants_updates.is_(True), victim_scope(user), due_rules.owed()
    )


def owed_counts(user, today: date) -> tuple[int, int]:
    """How many cases in ``user``'s scope owe an update, and how many owe one overdue (a
    case is overdue when any of its victims' updates is: its most urgent one is)."""
    owed = _owed(user).subquery()
    overdue = sql_case((owed.c.update_due_on < today, owed.c.case_id))
    row = db.session.execute(
        select(func.count(distinct(owed.c.case_id)), func.count(distinct(overdue)))
    ).one()
    return int(row[0]), int(row[1])


def owed_updates(
    user, today: date, *, overdue_only: bool = False, offset: int = 0, limit: int | None = None
) -> list[tuple[uuid.UUID, due_rules.DueUpdate]]:
    """The cases in ``user``'s scope owing an update today, each with its most urgent one,
    most urgent first (by due date, then by decision time, then case): from ``offset``, at
    most ``limit`` of them. Counted, ordered and paged in SQL from the stored due dates
    (``app.victims.owed``), so a page costs the same however many are owed."""
    victims = _owed(user).add_columns(
        func.row_number()
        .over(partition_by=Victim.case_id, order_by=(Victim.update_due_on, Victim.owed_since))
        .label("urgency")
    )
    ranked = victims.subquery("victim_pending")
    query = select(ranked.c.case_id, ranked.c.update_due_on, ranked.c.owed_since).where(
        ranked.c.urgency == 1
    )
    if overdue_only:
        query = query.where(ranked.c.update_due_on < today)
    query = query.order_by(ranked.c.update_due_on, ranked.c.owed_since, ranked.c.case_id)
    rows = db.session.execute(query.offset(offset).limit(limit)).all()
    return [
        (row.case_id, due_rules.DueUpdate(row.owed_since, row.update_due_on, today)) for row in rows
    ]


CASES_WITH_VICTIMS = "cases-with-victims"
kept.forget_when_committed(
    CASES_WITH_VICTIMS, lambda i: isinstance(i, Victim) and kept.changed(i, ("case_id",))
)


def cases_with_victims(user) -> int:
    """How many cases with victims ``user`` may see (counted from the victims' index).
    A victim liaison officer may see every victim, so their count is the same for all of
    them: it is kept (``app.kept``, about 12 ms at 200,000 cases) until a victim is added
    or removed."""
    if user.role == Role.VICTIM_LIAISON:
        return kept.kept(CASES_WITH_VICTIMS, kept.counts_seconds(), lambda: _count(user)).value
    return _count(user)


def _count(user) -> int:
    cases = select(Victim.case_id).where(victim_scope(user)).distinct().subquery()
    return db.session.scalar(select(func.count()).select_from(cases)) or 0


def dues_by_case(case_ids: list[uuid.UUID], today: date) -> dict[uuid.UUID, list]:
    """For each case: (wants_updates, DueUpdate | None) per victim, in one query."""
    found: dict[uuid.UUID, list] = defaultdict(list)
    if not case_ids:
        return found
    rows = db.session.execute(
        select(
            Victim.case_id,
            Victim.wants_updates,
            Victim.enhanced_rights,
            Victim.owed_since.label("pending_at"),
        ).where(Victim.case_id.in_(case_ids))
    ).all()
    for row in rows:
        found[row.case_id].append(
            (
                bool(row.wants_updates),
                due_rules.due_update(
                    row.pending_at,
                    wants_updates=bool(row.wants_updates),
                    enhanced_rights=bool(row.enhanced_rights),
                    today=today,
                ),
            )
        )
    return found


def recent_contacts(user, limit: int = RECENT_CONTACTS) -> list[Contact]:
    rows = db.session.execute(
        select(
            VictimUpdate.case_id, Case.crime_reference, VictimUpdate.given_at, VictimUpdate.method
        )
        .join(Case, Case.id == VictimUpdate.case_id)
        .where(VictimUpdate.given_by_id == user.id)
        .order_by(VictimUpdate.given_at.desc(), VictimUpdate.id)
        .limit(limit)
    ).all()
    return [Contact(r.case_id, r.crime_reference, r.given_at, r.method) for r in rows]


def home_page(user, *, filter: str = "all", page: int = 1, today: date | None = None) -> HomePage:
    """A page of the cases with victims that ``user`` may see: newest first, or, filtered
    to due or overdue updates, most urgent first."""
    today = today or today_in_london()
    filter = filter if filter in FILTERS else "all"
    total = cases_with_victims(user)
    owed, overdue = owed_counts(user, today)
    counts = {"all": total, "due": owed, "overdue": overdue}
    pages = Page(page, PAGE_SIZE, counts[filter])
    pages = Page(min(page, pages.pages), PAGE_SIZE, counts[filter])
    start = (pages.number - 1) * PAGE_SIZE
    columns = select(Case.id, Case.crime_reference, Case.status)
    if filter == "all":
        cases = db.session.execute(
            columns.where(victim_case_scope(user))
            .order_by(Case.created_at.desc(), Case.id)
            .limit(PAGE_SIZE)
            .offset(start)
        ).all()
    else:
        chosen = [
            case_id
            for case_id, _ in owed_updates(
                user, today, overdue_only=filter == "overdue", offset=start, limit=PAGE_SIZE
            )
        ]
        found = {}
        if chosen:
            found = {row.id: row for row in db.session.execute(columns.where(Case.id.in_(chosen)))}
        cases = [found[case_id] for case_id in chosen if case_id in found]
    dues = dues_by_case([c.id for c in cases], today)
    rows = []
    for case in cases:
        victims = dues.get(case.id, [])
        rows.append(
            HomeRow(
                case_id=case.id,
                crime_reference=case.crime_reference,
                stage=stage_of(case.status)[0],
                victims=len(victims),
                wanting_updates=sum(1 for wants, _ in victims if wants),
                due=due_rules.most_urgent([due for _, due in victims]),
            )
        )
    contacts = recent_contacts(user)
    audit.record_list_read(
        "victim_case.listed",
        "case",
        list(dict.fromkeys([*(row.case_id for row in rows), *(c.case_id for c in contacts)])),
        actor=user,
        purpose="victim_liaison_home",
        filter=filter,
        page=page,
    )
    return HomePage(rows, pages, counts, contacts, filter)
