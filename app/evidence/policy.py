"""Who may see and record appointments, attendance and compliance concerns. Every route
that takes an appointment or concern id comes here.

- An appointment on a referral is in the scope of whoever may see the referral
  (``app.referrals.policy``): users of the organisation it was sent to, and the case's
  staff. A one-to-one session (an appointment on the case alone) is in the case's scope
  (``app.cases.policy``): its keyworker, and supervisors. Case staff see every
  appointment on their cases, partners' and one-to-ones alike.
- A compliance concern is in the case's scope.
- The side that runs an appointment answers for it: a partner user books, reschedules and
  records attendance for appointments on their organisation's referrals; case staff do
  so for one-to-one sessions. Neither records the other's attendance.

Scope is a WHERE clause, used by single reads and lists alike; an object outside it is
reported exactly as a missing one: NotFound. Acting for the other side is Forbidden.
"""

from __future__ import annotations

import uuid

from sqlalchemy import exists, false, select
from sqlalchemy.sql.elements import ColumnElement

from app.auth.roles import Role
from app.cases.models import Case
from app.cases.policy import CASE_ROLES, case_scope, get_case_for
from app.errors import Forbidden, NotFound
from app.evidence.models import Appointment, ComplianceConcern
from app.extensions import db
from app.referrals.models import Referral
from app.referrals.policy import referral_scope

CASE_STAFF = CASE_ROLES

PARTNER_RUNS = "Only the partner organisation records its own appointments"
STAFF_RUNS = "Only the keyworker records their one-to-one sessions"


# Scope --------------------------------------------------------------------------------


def appointment_scope(user) -> ColumnElement[bool]:
    """A WHERE clause limiting appointments to those ``user`` may see."""
    if user.role == Role.PARTNER:
        return exists().where(Referral.id == Appointment.referral_id, referral_scope(user))
    if user.role in CASE_STAFF:
        return exists().where(Case.id == Appointment.case_id, case_scope(user))
    return false()


def get_appointment_for(user, appointment_id: uuid.UUID) -> Appointment:
    """The appointment, if ``user`` may see it; otherwise NotFound, as for a missing one."""
    appointment = None
    if user is not None:
        appointment = db.session.scalar(
            select(Appointment).where(Appointment.id == appointment_id, appointment_scope(user))
        )
    if appointment is None:
        raise NotFound("No such appointment")
    return appointment


def concern_scope(user) -> ColumnElement[bool]:
    """A WHERE clause limiting compliance concerns to those on cases ``user`` may see."""
    return exists().where(Case.id == ComplianceConcern.case_id, case_scope(user))


def get_concern_for(user, concern_id: uuid.UUID) -> tuple[ComplianceConcern, Case]:
    """The concern and its case, if ``user`` may see the case; otherwise NotFound."""
    concern = None
    if user is not None:
        concern = db.session.scalar(
            select(ComplianceConcern).where(ComplianceConcern.id == concern_id, concern_scope(user))
        )
    if concern is None:
        raise NotFound("No such compliance concern")
    return concern, get_case_for(user, concern.case_id)


# The side that runs an appointment ---------------------------------------------------


def runs_referral_appointments(user) -> bool | None:
    """Which appointments ``user``'s side runs: True for a partner user (those on their
    organisation's referrals), False for case staff (one-to-one sessions), None for
    anyone else (they run none)."""
    if user is None:
        return None
    if user.role == Role.PARTNER:
        return True
    if user.role in CASE_STAFF:
        return False
    return None


def recorder_scope(user) -> ColumnElement[bool]:
    """A WHERE clause limiting appointments to those in scope that ``user`` records."""
    side = runs_referral_appointments(user)
    if side is None:
        return false()
    on_referral = (
        Appointment.referral_id.is_not(None) if side else Appointment.referral_id.is_(None)
    )
    return on_referral & appointment_scope(user)


def check_recorder(user, appointment: Appointment) -> None:
    """The side that runs an appointment answers for it; anyone else is Forbidden."""
    on_referral = appointment.referral_id is not None
    if runs_referral_appointments(user) is not on_referral:
        raise Forbidden(PARTNER_RUNS if on_referral else STAFF_RUNS)


def can_record(user, appointment: Appointment) -> bool:
    try:
        check_recorder(user, appointment)
    except Forbidden:
        return False
    return True


def check_books_on_referrals(user) -> None:
    """Only partner users book appointments on a referral."""
    if runs_referral_appointments(user) is not True:
        raise Forbidden("Only the partner organisation books appointments on a referral")


def check_case_staff(user, message: str) -> None:
    """Only case staff (a keyworker or a supervisor) do this; ``message`` says what."""
    if user is None or user.role not in CASE_STAFF:
        raise Forbidden(message)
