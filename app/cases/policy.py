"""Who may see and change a case. Every route that takes a case id goes through here.

A keyworker sees the cases allocated to them; a supervisor sees every case; nobody else
sees case records at all (victim liaison staff get only the victim-update view, and
partners only what a referral shares). Out-of-scope cases are reported as not found.
"""

from __future__ import annotations

import uuid

from sqlalchemy import Select, exists, false, select, true
from sqlalchemy.sql.elements import ColumnElement

from app.auth.roles import Role
from app.cases.models import Case
from app.errors import NotFound
from app.extensions import db

CASE_ROLES = frozenset({Role.KEYWORKER, Role.SUPERVISOR})


def case_scope(user) -> ColumnElement[bool]:
    """A WHERE clause limiting cases to those ``user`` may see."""
    if user.role == Role.SUPERVISOR:
        return true()
    if user.role == Role.KEYWORKER:
        return Case.keyworker_id == user.id
    return false()


def can_see_case(user, case: Case) -> bool:
    """Whether ``case`` is in ``user``'s scope: the same clause as every list, asked of one
    case (so the rule is written once, in ``case_scope``)."""
    return bool(db.session.scalar(select(exists().where(Case.id == case.id, case_scope(user)))))


def scoped_cases(user) -> Select:
    return select(Case).where(case_scope(user))


def get_case_for(user, case_id: uuid.UUID, *, for_update: bool = False) -> Case:
    """The case, if ``user`` may see it; otherwise NotFound, exactly as for a missing case."""
    query = select(Case).where(Case.id == case_id, case_scope(user))
    if for_update:
        query = query.with_for_update(of=Case)
    case = db.session.scalar(query)
    if case is None:
        raise NotFound("No such case")
    return case
