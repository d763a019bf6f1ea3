"""Each victim's ``owed_since``: the earliest key decision they have not been told about
(``app.victims.due.pending_since``), stored so that the lists of victims owed an update
(the victim liaison home, the work queue, the reminders) read one indexed column instead
of working it out for every victim on every load.

It changes only when its inputs do, and every input is written through the ORM: a key
decision's timeline event, a case's ``outcome_decided_at``, an update given, a victim
recorded. A flush listener recomputes it, with the same SQL, for the victims of each case
whose inputs the flush changed, in the same transaction. Bulk loaders that write with Core
(``flask demo scale``) call ``refresh_all`` afterwards.
"""

from __future__ import annotations

from sqlalchemy import event, inspect, update
from sqlalchemy.orm import Session

from app.cases.models import Case, CaseEvent
from app.victims.due import is_key_decision, pending_since
from app.victims.models import Victim, VictimUpdate


def _recompute():
    return update(Victim.__table__).values(owed_since=pending_since(Victim))


def refresh(connection, case_ids) -> None:
    """Recompute ``owed_since`` for the victims of ``case_ids``."""
    if case_ids:
        connection.execute(_recompute().where(Victim.__table__.c.case_id.in_(list(case_ids))))


def refresh_all(connection) -> None:
    connection.execute(_recompute())


def _changed_cases(session: Session) -> set:
    found = set()
    for obj in session.new:
        key_decision = isinstance(obj, CaseEvent) and is_key_decision(obj.kind or "")
        if key_decision or isinstance(obj, VictimUpdate | Victim):
            found.add(obj.case_id)
    for obj in session.dirty:
        if isinstance(obj, Case) and inspect(obj).attrs.outcome_decided_at.history.has_changes():
            found.add(obj.id)
        elif isinstance(obj, VictimUpdate) and inspect(obj).attrs.given_at.history.has_changes():
            found.add(obj.case_id)
    found.discard(None)
    return found


@event.listens_for(Session, "after_flush")
def _keep_owed_since(session: Session, _context) -> None:
    changed = _changed_cases(session)
    if changed:
        refresh(session.connection(), changed)
