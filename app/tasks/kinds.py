"""The kinds of task each role has, as data: what each is called, where it is done, and
the query and scope that find it. A test walks this table, so a kind cannot be added
without a page to do it on.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Select, and_, true
from sqlalchemy.sql.elements import ColumnElement

from app.auth.roles import Role
from app.cases.policy import case_scope
from app.outcomes.models import OutcomeProposal
from app.referrals.policy import referral_scope
from app.tasks import queries
from app.tasks.rules import Moment
from app.victims.policy import victim_case_scope

Builder = Callable[[ColumnElement, Moment], Select]


@dataclass(frozen=True)
class Kind:
    key: str  # the API's name for it
    title: str  # the heading of its section on the page
    object_type: str
    endpoint: str  # the page where it is done
    # The URL arguments for ``endpoint``, from an item's fields.
    args: Callable[[dict], dict]
    build: Builder | None
    scope: Callable[[object], ColumnElement]
    # Overdue when its due day has passed (always, for kinds that are late by nature).
    always_overdue: bool = False
    # Shown for information, not counted as work to do.
    counted: bool = True


def _object(name: str) -> Callable[[dict], dict]:
    return lambda item: {name: item["object_id"]}


def _case(item: dict) -> dict:
    return {"case_id": item["case_id"]}


def _user(item: dict) -> dict:
    return {"user_id": item["user_id"]}


def _not_own_proposals(user) -> ColumnElement:
    return and_(case_scope(user), OutcomeProposal.proposed_by_id != user.id)


def _everything(_user) -> ColumnElement:
    return true()


def _staff(key, title, object_type, endpoint, args, build, **options) -> Kind:
    return Kind(key, title, object_type, endpoint, args, build, case_scope, **options)


KEYWORKER = (
    _staff(
        "concern_to_decide",
        "Compliance concerns to decide",
        "compliance_concern",
        "evidence.decide",
        _object("concern_id"),
        queries.concerns_to_decide,
    ),
    _staff(
        "outcome_sent_back",
        "Outcome proposals sent back to you",
        "outcome_proposal",
        "outcomes.new",
        _case,
        queries.outcomes_sent_back,
    ),
    _staff(
        "partner_update_unread",
        "Partner updates and declines not yet read",
        "referral",
        "referrals.show",
        _object("referral_id"),
        queries.partner_news,
    ),
    _staff(
        "acknowledgement_overdue",
        "Referrals not acknowledged in time",
        "referral",
        "referrals.show",
        _object("referral_id"),
        queries.acknowledgements_overdue,
        always_overdue=True,
    ),
    _staff(
        "attendance_to_record",
        "Attendance to record at your one-to-ones",
        "appointment",
        "evidence.attendance",
        _object("appointment_id"),
        queries.one_to_ones_to_record,
        always_overdue=True,
    ),
    _staff(
        "contract_ending",
        "Contracts ending within 14 days",
        "case",
        "outcomes.exit_planning",
        _case,
        queries.contracts_ending,
    ),
    _staff(
        "consent_expiring",
        "Consents expiring within 30 days",
        "consent",
        "consent.index",
        _case,
        queries.consents_expiring,
    ),
    _staff(
        "victim_consultation_missing",
        "Victims not yet consulted",
        "case",
        "victims.consultation",
        _case,
        queries.consultations_missing,
    ),
    _staff(
        "appointment_today",
        "Appointments today",
        "appointment",
        "evidence.appointment",
        _object("appointment_id"),
        queries.appointments_today,
        counted=False,
    ),
    _staff(
        "appointment_this_week",
        "Appointments in the next 6 days",
        "appointment",
        "evidence.appointment",
        _object("appointment_id"),
        queries.appointments_this_week,
        counted=False,
    ),
)

SUPERVISOR = (
    Kind(
        "outcome_to_decide",
        "Outcomes to decide",
        "outcome_proposal",
        "outcomes.decide",
        lambda item: {"case_id": item["case_id"], "proposal_id": item["object_id"]},
        queries.outcomes_to_decide,
        _not_own_proposals,
    ),
    _staff(
        "unallocated_case",
        "Cases to allocate",
        "case",
        "cases.allocate",
        _case,
        queries.unallocated_cases,
    ),
)

PARTNER = (
    Kind(
        "new_referral",
        "New referrals to acknowledge",
        "referral",
        "referrals.show",
        _object("referral_id"),
        queries.partner_new_referrals,
        referral_scope,
    ),
    Kind(
        "acknowledgement_overdue",
        "Referrals past the time to acknowledge them",
        "referral",
        "referrals.show",
        _object("referral_id"),
        queries.partner_overdue_referrals,
        referral_scope,
        always_overdue=True,
    ),
    Kind(
        "attendance_to_record",
        "Attendance to record",
        "appointment",
        "evidence.attendance",
        lambda item: {"appointment_id": item["object_id"], "from": "tasks"},
        queries.partner_attendance_to_record,
        referral_scope,
        always_overdue=True,
    ),
    Kind(
        "appointment_today",
        "Appointments today",
        "appointment",
        "evidence.appointment",
        _object("appointment_id"),
        queries.partner_appointments_today,
        referral_scope,
        counted=False,
    ),
)

VICTIM_LIAISON = (
    # Worked out by app.victims.listing.owed_updates, from the stored due dates.
    Kind(
        "victim_update_due",
        "Victim updates due and overdue",
        "case",
        "victims.show",
        _case,
        None,
        victim_case_scope,
    ),
    Kind(
        "victim_consultation_missing",
        "Victims not yet consulted",
        "case",
        "victims.consultation",
        _case,
        queries.victim_consultations_missing,
        victim_case_scope,
    ),
)

ADMIN = (
    Kind(
        "reoffending_check_due",
        "Reoffending checks due",
        "reoffending_check",
        "outcomes.record_check",
        _object("check_id"),
        queries.reoffending_checks_due,
        _everything,
    ),
    Kind(
        "notification_failed",
        "Notifications that could not be sent",
        "notification",
        "users.show",
        _user,
        queries.failed_notifications,
        _everything,
    ),
    Kind(
        "organisation_email_failed",
        "Emails to partner organisations that could not be sent",
        "notification",
        "partners.show",
        lambda item: {"organisation_id": item["organisation_id"]},
        queries.failed_organisation_emails,
        _everything,
    ),
    Kind(
        "account_locked",
        "Locked accounts",
        "user",
        "users.show",
        _user,
        queries.locked_accounts,
        _everything,
    ),
)

BY_ROLE: dict[Role, tuple[Kind, ...]] = {
    Role.KEYWORKER: KEYWORKER,
    Role.SUPERVISOR: SUPERVISOR,
    Role.PARTNER: PARTNER,
    Role.VICTIM_LIAISON: VICTIM_LIAISON,
    Role.ADMIN: ADMIN,
}

# The roles with a work queue: every role that handles cases (not the analyst, who sees
# aggregates only).
TASK_ROLES = tuple(BY_ROLE)

ALL_KEYS = sorted({kind.key for kinds in BY_ROLE.values() for kind in kinds})


def kinds_for(user) -> tuple[Kind, ...]:
    return BY_ROLE.get(Role(user.role), ())
