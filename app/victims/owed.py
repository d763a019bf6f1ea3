"""Each victim's ``owed_since``: the earliest key decision they have not been told about
(``app.victims.due.pending_since``), stored so that the lists of victims owed an update
(the victim liaison home, the work queue, the reminders) read one indexed column instead
of working it out for every victim on every load; and beside it ``update_due_on``, the
last day to tell them (``app.victims.due.due_on``: working days, worked out in Python),
so those lists count, order and page the owed updates in SQL, however many there are.

It changes only when its inputs do, and every input is written through the ORM: a key
decision's timeline event, a case's ``outcome_decided_at``, an update given, a victim
recorded, a victim's enhanced rights changed. A flush listener recomputes both, with the
same SQL and the same Python, for the victims of each case whose inputs the flush
changed, in the same transaction. Bulk loaders that write with Core
(``flask demo scale``) call ``refresh_all`` afterwards.
"""

from __future__ import annotations

from sqlalchemy import bindparam, event, inspect, or_, select, update
from sqlalchemy.orm import Session

from app.cases.models import Case, CaseEvent
from app.victims.due import due_on, is_key_decision, pending_since
from app.victims.models import Victim, VictimUpdate


def _recompute():
    return update(Victim.__table__).values(owed_since=pending_since(Victim))


def _keep_due_dates(connection, case_ids=None) -> None:
    """Set ``update_due_on`` from ``owed_since`` where it differs (all victims when
    ``case_ids`` is None)."""
    victims = Victim.__table__
    query = select(
        victims.c.id, victims.c.owed_since, victims.c.enhanced_rights, victims.c.update_due_on
    ).where(or_(victims.c.owed_since.is_not(None), victims.c.update_due_on.is_not(None)))
    if case_ids is not None:
        query = query.where(victims.c.case_id.in_(list(case_ids)))
    changes = []
    for victim_id, owed_since, enhanced, stored in connection.execute(query):
        due = due_on(owed_since, bool(enhanced)) if owed_since is not None else None
        if due != stored:
            changes.append({"victim": victim_id, "due": due})
    if changes:
        connection.execute(
            update(victims)
            .where(victims.c.id == bindparam("victim"))
            .values(update_due_on=bindparam("due")),
            changes,
        )


def refresh(connection, case_ids) -> None:
    """Recompute ``owed_since`` and ``update_due_on`` for the victims of ``case_ids``."""
    if case_ids:
        connection.execute(_recompute().where(Victim.__table__.c.case_id.in_(list(case_ids))))
        _keep_due_dates(connection, case_ids)


def refresh_all(connection) -> None:
    connection.execute(_recompute())
    _keep_due_dates(connection)


def _changed_cases(session: Session) -> set:
    found = set()
    for obj in session.new:
        key_decision = isinstance(obj, CaseEvent) and is_key_decision(obj.kind or "")
        if key_decision or isinstance(obj, VictimUpdate | Victim):
            found.add(obj.case_id)
    watched = {Case: "outcome_decided_at", Victim: "enhanced_rights", VictimUpdate: "given_at"}
    for obj in session.dirty:
        attribute = watched.get(type(obj))
        if attribute and getattr(inspect(obj).attrs, attribute).history.has_changes():
            found.add(obj.id if isinstance(obj, Case) else obj.case_id)
    found.discard(None)
    return found


@event.listens_for(Session, "after_flush")
def _keep_owed_since(session: Session, _context) -> None:
    changed = _changed_cases(session)
    if changed:
        refresh(session.connection(), changed)
