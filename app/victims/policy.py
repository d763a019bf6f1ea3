"""Who may see the victim-update view and the victims of a case, and record what they
were told.

* ``victim_liaison`` users: the victim side of every case that has victims, and nothing
  else of any case (the case policy in ``app.cases.policy`` gives them no case at all).
* The keyworker of the case and supervisors: the same, for the cases the case policy
  lets them see (``app.cases.policy.get_case_for``).
* Partners and administrators: never (Forbidden: 403 on pages and in the API).

A case that does not exist, is out of the caller's scope, or has no victims is reported
as not found, exactly alike.
"""

from __future__ import annotations

import uuid

from sqlalchemy import exists, false, select, true
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement

from app.auth.roles import Role
from app.cases.models import Case
from app.cases.policy import case_scope, get_case_for
from app.errors import Forbidden, NotFound
from app.extensions import db
from app.victims.models import Victim

VICTIM_ROLES = frozenset({Role.VICTIM_LIAISON, Role.KEYWORKER, Role.SUPERVISOR})


def may_use_victim_view(user) -> bool:
    """The role test alone (no case): victim liaison, keyworkers and supervisors."""
    return user is not None and getattr(user, "role", None) in VICTIM_ROLES


def has_victims() -> ColumnElement[bool]:
    """The case has at least one victim (correlated to ``Case`` only, so it can be used in
    a query that also selects from ``victims``)."""
    victim = aliased(Victim)
    return exists().where(victim.case_id == Case.id).correlate(Case)


def victim_case_scope(user) -> ColumnElement[bool]:
    """A WHERE clause over ``Case``: the cases whose victim side ``user`` may see."""
    if not may_use_victim_view(user):
        return false()
    if user.role == Role.VICTIM_LIAISON:
        return has_victims()
    return case_scope(user) & has_victims()


def victim_scope(user) -> ColumnElement[bool]:
    """The same scope as ``victim_case_scope``, as a WHERE clause over ``Victim``: for a
    query that starts from the victims (counts, the owed updates). A liaison officer's
    scope is every victim, so their queries read the victims' own indexes and never join
    every case to find the ones that have victims."""
    if not may_use_victim_view(user):
        return false()
    if user.role == Role.VICTIM_LIAISON:
        return true()
    return Victim.case_id.in_(select(Case.id).where(case_scope(user)))


def check_case(user, case_id: uuid.UUID) -> uuid.UUID:
    """The id of the case, if ``user`` may see its victim side; Forbidden for roles that
    never may; NotFound for a missing, out-of-scope or victimless case."""
    if not may_use_victim_view(user):
        raise Forbidden("Your role cannot see victim updates")
    if user.role != Role.VICTIM_LIAISON:
        get_case_for(user, case_id)  # NotFound when the case is not theirs
    found = db.session.scalar(select(Case.id).where(Case.id == case_id, has_victims()))
    if found is None:
        raise NotFound("No such case")
    return found


def get_victim_for(user, victim_id: uuid.UUID) -> Victim:
    """A victim, if ``user`` may see the victim side of its case; otherwise as above."""
    if not may_use_victim_view(user):
        raise Forbidden("Your role cannot see victim updates")
    victim = db.session.get(Victim, victim_id)
    if victim is None:
        raise NotFound("No such victim")
    check_case(user, victim.case_id)
    return victim
