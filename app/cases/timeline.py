"""The case timeline: each service that changes a case adds an event in its transaction."""

from __future__ import annotations

from sqlalchemy import select

from app.cases.models import Case, CaseEvent
from app.extensions import db


def add_event(case: Case, kind: str, summary: str, *, actor=None) -> CaseEvent:
    """Add a timeline event to the current transaction (the caller commits)."""
    event = CaseEvent(
        case_id=case.id, kind=kind, summary=summary[:500], actor_id=actor.id if actor else None
    )
    db.session.add(event)
    return event


def events_for(case: Case, *, limit: int = 200) -> list[CaseEvent]:
    """Newest first."""
    return list(
        db.session.scalars(
            select(CaseEvent)
            .where(CaseEvent.case_id == case.id)
            .order_by(CaseEvent.occurred_at.desc(), CaseEvent.id.desc())
            .limit(limit)
        )
    )
