"""Who may see and change a referral. Every route that takes a referral id comes here.

- A partner user sees the referrals sent to their own organisation, and no other.
- A keyworker sees the referrals of the cases allocated to them; a supervisor sees all.
- Nobody else (administrators, victim liaison) sees referrals at all.

A referral outside the caller's scope is reported exactly as a missing one: NotFound.
"""

from __future__ import annotations

import uuid
from enum import StrEnum

from sqlalchemy import exists, false, select, true
from sqlalchemy.sql.elements import ColumnElement

from app.auth.roles import Role
from app.cases.models import Case
from app.cases.policy import can_see_case, case_scope
from app.errors import NotFound
from app.extensions import db
from app.referrals.models import Referral

CASE_ROLES = frozenset({Role.KEYWORKER, Role.SUPERVISOR})
REFERRAL_ROLES = CASE_ROLES | {Role.PARTNER}


class Actor(StrEnum):
    """The sides of a referral, as the transition table knows them."""

    PARTNER = "partner"  # a user of the organisation the referral was sent to
    CASE_STAFF = "case_staff"  # the keyworker of the case, or a supervisor
    SYSTEM = "system"  # the hub itself (consent withdrawn or expired)


def referral_scope(user) -> ColumnElement[bool]:
    """A WHERE clause limiting referrals to those ``user`` may see."""
    if user.role == Role.PARTNER:
        if user.organisation_id is None:
            return false()
        return Referral.organisation_id == user.organisation_id
    if user.role == Role.SUPERVISOR:
        return true()
    if user.role == Role.KEYWORKER:
        return exists().where(Case.id == Referral.case_id, case_scope(user))
    return false()


def get_referral_for(user, referral_id: uuid.UUID) -> Referral:
    """The referral, if ``user`` may see it; otherwise NotFound, as for a missing one."""
    referral = db.session.scalar(
        select(Referral).where(Referral.id == referral_id, referral_scope(user))
    )
    if referral is None:
        raise NotFound("No such referral")
    return referral


def actor_for(user, referral: Referral) -> Actor | None:
    """Which side of ``referral`` the user is on, or None if on neither."""
    if user is None:
        return None
    if user.role == Role.PARTNER:
        if user.organisation_id is not None and user.organisation_id == referral.organisation_id:
            return Actor.PARTNER
        return None
    if user.role in CASE_ROLES and can_see_case(user, referral.case):
        return Actor.CASE_STAFF
    return None


def is_partner(user) -> bool:
    return user is not None and user.role == Role.PARTNER
