"""The work queue: what needs the caller's action now, for the page and the API alike.

A fixed number of queries whatever the number of records: one per kind of task (its
first items with the count of all, by a window function), one for the navigation's
counts (every kind as a scalar subquery of one statement), one for a supervisor's table
of keyworkers' overdue items, and one for the caseload's view of a page of cases.
Items are frozen dataclasses of plain values: no ORM object leaves this module.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache, lru_cache

from sqlalchemy import CompoundSelect, Select, bindparam, distinct, func, literal, select, union_all

from app import kept
from app.audit import services as audit
from app.auth.models import User
from app.auth.roles import Role
from app.cases.models import Case
from app.dates import today_in_london
from app.extensions import db
from app.referrals.reference import reference
from app.tasks import prepared, queries, rules
from app.tasks.kinds import Kind, kinds_for
from app.tasks.rules import Moment
from app.victims.listing import owed_counts, owed_updates
from app.victims.models import Victim
from app.victims.policy import victim_scope

PER_KIND = 25
PER_KIND_MAX = 200
CASE_STAFF = frozenset({Role.KEYWORKER.value, Role.SUPERVISOR.value})


@dataclass(frozen=True)
class Task:
    kind: str
    object_type: str
    object_id: uuid.UUID
    case_id: uuid.UUID | None
    due: date | None
    overdue: bool
    since: datetime | date | None
    reference: str | None  # the crime reference, or a referral's reference
    name: str | None  # the person's name: case staff only
    detail: str | None
    endpoint: str
    args: dict = field(default_factory=dict)
    still_to_do: tuple[str, ...] = ()


@dataclass(frozen=True)
class Section:
    kind: Kind
    tasks: tuple[Task, ...]
    total: int


@dataclass(frozen=True)
class KeyworkerOverdue:
    keyworker_id: uuid.UUID
    name: str
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True)
class WorkQueue:
    sections: tuple[Section, ...]
    overdue_by_keyworker: tuple[KeyworkerOverdue, ...] = ()
    overdue_worked_out_at: datetime | None = None

    @property
    def counts(self) -> dict[str, int]:
        return {section.kind.key: section.total for section in self.sections}

    @property
    def total(self) -> int:
        return sum(s.total for s in self.sections if s.kind.counted)


def _as_date(value) -> date | None:
    if isinstance(value, datetime):
        return today_in_london(value)
    return value


def _task(kind: Kind, row: dict, today: date) -> Task:
    due = _as_date(row.get("due"))
    overdue = kind.always_overdue or (due is not None and due < today)
    ref = row.get("reference")
    if row.get("referral_id") is not None or kind.object_type == "referral":
        ref = reference(row.get("referral_id") or row["object_id"])
    given, family = row.get("given_name"), row.get("family_name")
    still_to_do = ()
    if kind.key == "contract_ending":
        still_to_do = tuple(
            text
            for text, done in (
                ("Exit reassessment", row.get("exit_done")),
                ("Outcome proposal", row.get("outcome_done")),
                ("Ending survey, once the outcome is decided", row.get("survey_done")),
            )
            if not done
        )
    return Task(
        kind=kind.key,
        object_type=kind.object_type,
        object_id=row["object_id"],
        case_id=row.get("case_id"),
        due=due,
        overdue=overdue,
        since=row.get("since"),
        reference=ref,
        name=f"{given} {family}" if given is not None else None,
        detail=row.get("detail"),
        endpoint=kind.endpoint,
        args=kind.args(row),
        still_to_do=still_to_do,
    )


def _section(kind: Kind, user, moment: Moment, limit: int) -> Section:
    if kind.build is None:
        return _victim_updates(kind, user, moment, limit)
    query = _section_statement(kind, prepared.stand_in_for(user), limit)
    rows = [
        dict(row._mapping) for row in db.session.execute(query, prepared.values_for(user, moment))
    ]
    _withhold_text(user, rows)
    total = rows[0]["total"] if rows else 0
    return Section(kind, tuple(_task(kind, row, moment.today) for row in rows), total)


@lru_cache(maxsize=256)
def _section_statement(kind: Kind, user: prepared.StandIn, limit: int) -> Select:
    # The kind's rows are found first (through the scope's own index: a keyworker's
    # cases, a partner's referrals), then ordered, most urgent first: told to order and
    # limit at once, PostgreSQL tends to walk a whole table in order instead.
    found = (
        kind.build(kind.scope(user), prepared.moment_parameters())
        .order_by(None)
        .cte(f"{kind.key}_rows")
        .prefix_with("MATERIALIZED", dialect="postgresql")
    )
    return (
        select(found, func.count().over().label("total"))
        .order_by(found.c.due, found.c.since, found.c.object_id)
        .limit(limit)
    )


def _withhold_text(user, rows: list[dict]) -> None:
    """A partner's referral tasks show the referral's need only while consent covers it
    (app.referrals.presenters.partner_sees_text); one query for the page's cases."""
    if not rows or "text_categories" not in rows[0]:
        return
    from app.consent.rules import shared_categories_by_case
    from app.referrals.presenters import partner_sees_text

    allowed = shared_categories_by_case(user.organisation_id, [r["text_case_id"] for r in rows])
    for row in rows:
        if not partner_sees_text(row["text_categories"], allowed[row["text_case_id"]]):
            row["detail"] = None


def _victim_updates(kind: Kind, user, moment: Moment, limit: int) -> Section:
    """Cases owing a victim an update, most urgent first (app.victims.listing)."""
    chosen = owed_updates(user, moment.today, limit=limit)
    total, _overdue = owed_counts(user, moment.today)
    references = (
        dict(
            db.session.execute(
                select(Case.id, Case.crime_reference).where(
                    Case.id.in_([case_id for case_id, _ in chosen])
                )
            ).all()
        )
        if chosen
        else {}
    )
    tasks = tuple(
        Task(
            kind=kind.key,
            object_type=kind.object_type,
            object_id=case_id,
            case_id=case_id,
            due=due.due_on,
            overdue=due.overdue,
            since=due.decided_at,
            reference=references.get(case_id),
            name=None,
            detail=None,
            endpoint=kind.endpoint,
            args=kind.args({"case_id": case_id}),
        )
        for case_id, due in chosen
    )
    return Section(kind, tasks, total)


def work_queue(
    user,
    *,
    per_kind: int = PER_KIND,
    only: str | None = None,
    moment: Moment | None = None,
    purpose: str = "tasks_page",
) -> WorkQueue:
    """The caller's tasks: up to ``per_kind`` of each kind (or only of kind ``only``),
    most urgent first, with every kind's full count. A list that names people (case
    staff's) is audited as a read."""
    moment = moment or Moment.at()
    limit = max(1, min(per_kind, PER_KIND_MAX))
    sections = tuple(
        _section(kind, user, moment, limit)
        for kind in kinds_for(user)
        if only is None or kind.key == only
    )
    overdue, worked_out_at = (), None
    if user.role == Role.SUPERVISOR.value and only is None:
        found = kept_overdue_by_keyworker(moment)
        overdue, worked_out_at = found.value, found.worked_out_at
    if user.role in CASE_STAFF:
        shown = dict.fromkeys(t.case_id for s in sections for t in s.tasks if t.case_id)
        audit.record_list_read(
            "task.listed",
            "case",
            list(shown),
            actor=user,
            purpose=purpose,
            counts={s.kind.key: s.total for s in sections},
        )
    return WorkQueue(sections, overdue, worked_out_at)


def _count_of(kind: Kind, user, moment):
    if kind.build is None:  # victims owed an update: the cases with one
        return (
            select(func.count(distinct(Victim.case_id)))
            .where(victim_scope(user), rules.victim_owed_update())
            .scalar_subquery()
        )
    inner = kind.build(kind.scope(user), moment).order_by(None).subquery()
    return select(func.count()).select_from(inner).scalar_subquery()


def counts(user, moment: Moment | None = None) -> dict[str, int]:
    """Every kind's count for ``user``, in one statement (for the navigation)."""
    moment = moment or Moment.at()
    kinds = kinds_for(user)
    if not kinds:
        return {}
    statement = _counts_statement(prepared.stand_in_for(user))
    row = db.session.execute(statement, prepared.values_for(user, moment)).one()
    return {kind.key: int(value or 0) for kind, value in zip(kinds, row, strict=True)}


@cache
def _counts_statement(user: prepared.StandIn) -> Select:
    moment = prepared.moment_parameters()
    return select(*(_count_of(kind, user, moment).label(kind.key) for kind in kinds_for(user)))


# What the caseload and the supervisor's table need ----------------------------------------

# The keyworker's kinds that are about one case, in the caseload's order of importance.
CASE_KINDS: tuple[tuple[str, object], ...] = (
    ("outcome_to_decide", queries.outcomes_to_decide),
    ("concern_to_decide", queries.concerns_to_decide),
    ("outcome_sent_back", queries.outcomes_sent_back),
    ("contract_ending", queries.contracts_ending),
    ("acknowledgement_overdue", queries.acknowledgements_overdue),
    ("attendance_to_record", queries.one_to_ones_to_record),
    ("partner_update_unread", queries.partner_news),
    ("victim_consultation_missing", queries.consultations_missing),
    ("consent_expiring", queries.consents_expiring),
)


def _tagged(key: str, query: Select, *columns) -> Select:
    inner = query.order_by(None).subquery()
    return select(literal(key).label("kind"), *(inner.c[c] for c in columns))


def case_kinds(case_ids: list[uuid.UUID], moment: Moment | None = None) -> dict:
    """For each of ``case_ids``: the kinds of task open on it, in one query."""
    if not case_ids:
        return {}
    moment = moment or Moment.at()
    found: dict[uuid.UUID, set[str]] = defaultdict(set)
    values = {**prepared.values_for(None, moment), "case_ids": list(case_ids)}
    for kind, case_id in db.session.execute(_case_kinds_statement(), values):
        found[case_id].add(kind)
    return found


@cache
def _case_kinds_statement() -> CompoundSelect:
    scope = Case.id.in_(bindparam("case_ids", expanding=True))
    moment = prepared.moment_parameters()
    return union_all(*(_tagged(key, build(scope, moment), "case_id") for key, build in CASE_KINDS))


def kept_overdue_by_keyworker(moment: Moment) -> kept.Kept[tuple[KeyworkerOverdue, ...]]:
    """The supervisor's table of every keyworker's late items: the same for every
    supervisor, and a whole-service aggregate (about 90 ms at 200,000 cases), so it is
    kept for ``KEPT_COUNTS_SECONDS`` (``app.kept``) and the page says when it was worked
    out. Late items come from many records and from time passing, so it is not forgotten
    on a change: it is at most that old."""
    key = f"overdue-by-keyworker:{moment.today.isoformat()}"
    return kept.kept(key, kept.counts_seconds(), lambda: overdue_by_keyworker(moment))


def overdue_by_keyworker(moment: Moment | None = None) -> tuple[KeyworkerOverdue, ...]:
    """Every keyworker with late items, their counts by kind, most first (one query)."""
    moment = moment or Moment.at()
    rows = db.session.execute(_overdue_statement(), prepared.values_for(None, moment)).all()
    by_keyworker: dict[uuid.UUID, tuple[str, dict[str, int]]] = {}
    for keyworker_id, name, kind, n in rows:
        by_keyworker.setdefault(keyworker_id, (name, {}))[1][kind] = int(n)
    found = [KeyworkerOverdue(k, name, counts) for k, (name, counts) in by_keyworker.items()]
    return tuple(sorted(found, key=lambda o: (-o.total, o.name, str(o.keyworker_id))))


@cache
def _overdue_statement() -> Select:
    moment = prepared.moment_parameters()
    everyone = Case.keyworker_id.is_not(None)

    def late(key: str, query: Select) -> Select:
        inner = query.order_by(None).add_columns(Case.keyworker_id.label("keyworker_id"))
        sub = inner.subquery()
        selected = select(literal(key).label("kind"), sub.c.keyworker_id)
        if key == "contract_ended":
            selected = selected.where(sub.c.due < moment.today)
        return selected

    union = union_all(
        late("acknowledgement_overdue", queries.acknowledgements_overdue(everyone, moment)),
        late("attendance_to_record", queries.one_to_ones_to_record(everyone, moment)),
        late("contract_ended", queries.contracts_ending(everyone, moment)),
        late("concern_to_decide", queries.concerns_to_decide(everyone, moment)),
    ).subquery()
    return (
        select(union.c.keyworker_id, User.name, union.c.kind, func.count())
        .join(User, User.id == union.c.keyworker_id)
        .group_by(union.c.keyworker_id, User.name, union.c.kind)
    )
