"""The quick test for "a victim is owed an update" (app.victims.due.owed) says the same
as the rule it stands for (pending_since IS NOT NULL) in every case worth telling apart."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.cases.models import Case
from app.database import utcnow
from app.extensions import db
from app.victims import due
from app.victims.models import Victim, VictimUpdate
from tests import factories
from tests.victims.support import event, victim


def _told(case, at, who=None):
    db.session.add(
        VictimUpdate(
            case_id=case.id,
            victim_id=who.id if who else None,
            method="phone",
            summary="Told them",
            given_at=at,
            given_by_id=case.keyworker_id,
        )
    )
    db.session.commit()


def test_owed_agrees_with_pending_since(app):
    now = utcnow()
    made = {}

    def case_with_victim(name, **victim_fields):
        case = factories.case()
        made[name] = (case, victim(case, **victim_fields))
        return made[name]

    case, _ = case_with_victim("decided, never told")
    event(case, "contract.agreed", now - timedelta(days=3))
    case, hurt = case_with_victim("told after the decision")
    event(case, "contract.agreed", now - timedelta(days=3))
    _told(case, now - timedelta(days=1), hurt)
    case, _ = case_with_victim("all victims told after it")
    event(case, "contract.agreed", now - timedelta(days=3))
    _told(case, now - timedelta(days=1))
    case, hurt = case_with_victim("decided after being told")
    _told(case, now - timedelta(days=5), hurt)
    event(case, "case.completed", now - timedelta(days=1))
    case, hurt = case_with_victim("outcome decided after being told")
    _told(case, now - timedelta(days=5), hurt)
    case.outcome_decided_at = now - timedelta(days=1)
    db.session.commit()
    case, hurt = case_with_victim("only a proposal since")
    _told(case, now - timedelta(days=5), hurt)
    event(case, "case.outcome_proposed", now - timedelta(days=1))
    case_with_victim("nothing decided")

    rows = db.session.execute(
        select(
            Victim.id,
            due.owed(Victim).label("owed"),
            due.pending_since(Victim).label("pending"),
        ).join(Case, Case.id == Victim.case_id)
    ).all()
    by_victim = {row.id: (bool(row.owed), row.pending is not None) for row in rows}
    owed = {name for name, (_case, hurt) in made.items() if by_victim[hurt.id][0]}
    assert all(quick == rule for quick, rule in by_victim.values())
    assert owed == {
        "decided, never told",
        "decided after being told",
        "outcome decided after being told",
    }
