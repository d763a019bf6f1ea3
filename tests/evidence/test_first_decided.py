"""A compliance concern's stored ``first_decided_at`` (app.evidence.decided): empty while
it waits for a decision, the time of its first decision once one is recorded, and never
moved by a later one. The work queues read it to find the concerns to decide."""

from __future__ import annotations

from sqlalchemy import select

from app.evidence import compliance
from app.evidence.models import ComplianceConcern, ComplianceDecision
from app.extensions import db
from tests.evidence.support import past


def _stored(concern_id):
    db.session.expire_all()
    return db.session.scalar(
        select(ComplianceConcern.first_decided_at).where(ComplianceConcern.id == concern_id)
    )


def test_the_first_decision_is_stored_and_a_later_one_leaves_it(world):
    world.attend(world.book(starts_at=past()), status="did_not_attend")
    concern_id = db.session.scalar(select(ComplianceConcern.id))
    assert _stored(concern_id) is None

    first = compliance.decide_concern(
        world.keyworker, concern_id, decision="warning", reason="Warned about the missed session"
    )
    db.session.commit()
    assert _stored(concern_id) == first.decided_at

    compliance.decide_concern(
        world.keyworker, concern_id, decision="no_action", reason="They explained, on reflection"
    )
    db.session.commit()
    times = db.session.scalars(
        select(ComplianceDecision.decided_at).where(ComplianceDecision.concern_id == concern_id)
    ).all()
    assert len(times) == 2
    assert _stored(concern_id) == min(times) == first.decided_at
