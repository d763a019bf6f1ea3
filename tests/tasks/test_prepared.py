"""The queue's statements are built once (app.tasks.prepared) and run with each caller's
values: they must answer exactly as statements built afresh for that caller and moment,
and never carry one caller's values (or one moment's) into another's answer."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

import pytest
from sqlalchemy import literal, select, union_all

from app.auth.roles import Role
from app.cases.models import Case
from app.extensions import db
from app.tasks import queue
from app.tasks.kinds import kinds_for
from app.tasks.rules import Moment
from tests import factories
from tests.referrals import support as referrals
from tests.tasks.test_counts_and_queries import ROLES, Everyone


def counts_built_afresh(user, moment: Moment) -> dict[str, int]:
    """The navigation's counts as the queue built them before it kept its statements."""
    kinds = kinds_for(user)
    row = db.session.execute(
        select(*(queue._count_of(kind, user, moment).label(kind.key) for kind in kinds))
    ).one()
    return {kind.key: int(value or 0) for kind, value in zip(kinds, row, strict=True)}


def case_kinds_built_afresh(case_ids, moment: Moment) -> dict:
    scope = Case.id.in_(case_ids)
    union = union_all(
        *(
            select(literal(key).label("kind"), sub.c.case_id)
            for key, build in queue.CASE_KINDS
            for sub in [build(scope, moment).order_by(None).subquery()]
        )
    )
    found = defaultdict(set)
    for kind, case_id in db.session.execute(union):
        found[case_id].add(kind)
    return found


@pytest.fixture
def two_of_each(app):
    """Everyone, with work, and a second user of each role with none of their own."""
    busy = Everyone()
    busy.fill(2)
    idle_org = referrals.organisation()
    idle = {
        "keyworker": factories.user(Role.KEYWORKER),
        "supervisor": factories.user(Role.SUPERVISOR),
        "partner": referrals.partner(idle_org),
        "victim_liaison": factories.user(Role.VICTIM_LIAISON),
        "admin": factories.user(Role.ADMIN),
    }
    return busy.users(), idle


@pytest.mark.parametrize("role", ROLES)
def test_each_callers_counts_are_their_own_and_as_built_afresh(two_of_each, role):
    busy, idle = two_of_each
    now = Moment.at()
    # The idle user first: a statement kept from their call must not answer for the busy.
    idle_counts = queue.counts(idle[role], now)
    busy_counts = queue.counts(busy[role], now)
    assert busy_counts == counts_built_afresh(busy[role], now)
    assert idle_counts == counts_built_afresh(idle[role], now)
    assert sum(busy_counts.values()) > 0
    if role in ("keyworker", "partner"):  # their work is their own; the others share it
        assert sum(idle_counts.values()) == 0


@pytest.mark.parametrize("role", ROLES)
def test_the_counts_move_with_the_moment_as_built_afresh(two_of_each, role):
    busy, _ = two_of_each
    now, later = Moment.at(), Moment.at(Moment.at().now + timedelta(days=21))
    assert queue.counts(busy[role], now) == counts_built_afresh(busy[role], now)
    assert queue.counts(busy[role], later) == counts_built_afresh(busy[role], later)
    if role == "partner":  # sent referrals are new today and overdue three weeks on
        assert queue.counts(busy[role], now)["new_referral"] == 2
        assert queue.counts(busy[role], later)["new_referral"] == 0
        assert queue.counts(busy[role], later)["acknowledgement_overdue"] == 2


def test_the_caseloads_kinds_are_those_of_the_cases_asked_about(two_of_each):
    busy, _ = two_of_each
    case_ids = list(db.session.scalars(select(Case.id).order_by(Case.created_at)))
    now, later = Moment.at(), Moment.at(Moment.at().now + timedelta(days=21))
    for moment in (now, later):
        assert queue.case_kinds(case_ids, moment) == case_kinds_built_afresh(case_ids, moment)
        some = case_ids[:2]
        assert queue.case_kinds(some, moment) == case_kinds_built_afresh(some, moment)
        assert set(queue.case_kinds(some, moment)) <= set(some)
    assert any(queue.case_kinds(case_ids, now).values())
