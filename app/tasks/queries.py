"""One SELECT per kind of task and audience, built from the clauses in ``rules``.

Each builder takes the caller's scope (a WHERE clause from the feature's own policy:
``case_scope``, ``referral_scope``, ``victim_case_scope``) and a ``Moment``, and returns a
SELECT whose columns are labelled alike: ``object_id``, ``case_id``, ``due``, ``since``,
``reference``, ``detail`` and, for case staff only, ``given_name`` and ``family_name``.
The queue orders every kind alike, most urgent first: by ``due``, then ``since`` (the
oldest first), then ``object_id``. Builders for partners and victim liaison staff never
select anything of the person.
"""

from __future__ import annotations

from sqlalchemy import Select, func, literal, null, select
from sqlalchemy.sql.elements import ColumnElement

from app.auth.models import User
from app.cases.models import Case, Person
from app.consent.models import Consent
from app.contracts.models import Contract
from app.evidence.models import Appointment, ComplianceConcern
from app.notifications.models import DeliveryStatus, Notification
from app.outcomes.models import OutcomeProposal, ReoffendingCheck
from app.partners.models import Organisation
from app.referrals.models import OPEN_STATUSES, Referral
from app.tasks import rules
from app.tasks.models import ReferralRead
from app.tasks.rules import Moment


def _person() -> tuple:
    return (Case.crime_reference.label("reference"), Person.given_name, Person.family_name)


def _with_person(query: Select) -> Select:
    return query.join(Person, Person.id == Case.person_id)


# Case staff (keyworkers and supervisors): scope is a clause over Case ------------------


def concerns_to_decide(scope: ColumnElement, moment: Moment) -> Select:
    return _with_person(
        select(
            ComplianceConcern.id.label("object_id"),
            Case.id.label("case_id"),
            null().label("due"),
            ComplianceConcern.raised_at.label("since"),
            ComplianceConcern.summary.label("detail"),
            *_person(),
        ).join(Case, Case.id == ComplianceConcern.case_id)
    ).where(rules.concern_to_decide(), scope)


def outcomes_to_decide(scope: ColumnElement, moment: Moment) -> Select:
    return _with_person(
        select(
            OutcomeProposal.id.label("object_id"),
            Case.id.label("case_id"),
            null().label("due"),
            OutcomeProposal.proposed_at.label("since"),
            OutcomeProposal.result.label("detail"),
            OutcomeProposal.proposed_by_id.label("proposed_by_id"),
            *_person(),
        ).join(Case, Case.id == OutcomeProposal.case_id)
    ).where(rules.outcome_to_decide(), scope)


def outcomes_sent_back(scope: ColumnElement, moment: Moment) -> Select:
    return _with_person(
        select(
            OutcomeProposal.id.label("object_id"),
            Case.id.label("case_id"),
            null().label("due"),
            OutcomeProposal.decided_at.label("since"),
            OutcomeProposal.result.label("detail"),
            *_person(),
        ).join(Case, Case.id == OutcomeProposal.case_id)
    ).where(rules.outcome_sent_back(), scope)


def _staff_referrals(scope: ColumnElement, *extra) -> Select:
    return _with_person(
        select(
            Referral.id.label("object_id"),
            Case.id.label("case_id"),
            Organisation.name.label("detail"),
            Referral.status.label("status"),
            *extra,
            *_person(),
        )
        .join(Case, Case.id == Referral.case_id)
        .join(Organisation, Organisation.id == Referral.organisation_id)
    ).where(scope)


def acknowledgements_overdue(scope: ColumnElement, moment: Moment) -> Select:
    return _staff_referrals(
        scope, Referral.acknowledge_by.label("due"), Referral.sent_at.label("since")
    ).where(rules.acknowledgement_overdue(moment.today))


def partner_news(scope: ColumnElement, moment: Moment) -> Select:
    """Updates and declines the keyworker of the case has not read yet."""
    return (
        _staff_referrals(scope, null().label("due"), Referral.updated_at.label("since"))
        .outerjoin(ReferralRead, rules.read_marker(Case.keyworker_id))
        .where(rules.partner_news_unread())
    )


def _staff_appointments(scope: ColumnElement) -> Select:
    return _with_person(
        select(
            Appointment.id.label("object_id"),
            Case.id.label("case_id"),
            Appointment.starts_at.label("due"),
            Appointment.starts_at.label("since"),
            Organisation.name.label("detail"),
            *_person(),
        )
        .join(Case, Case.id == Appointment.case_id)
        .outerjoin(Referral, Referral.id == Appointment.referral_id)
        .outerjoin(Organisation, Organisation.id == Referral.organisation_id)
    ).where(scope)


def appointments_today(scope: ColumnElement, moment: Moment) -> Select:
    return _staff_appointments(scope).where(
        rules.appointment_between(moment.today_starts, moment.tomorrow_starts)
    )


def appointments_this_week(scope: ColumnElement, moment: Moment) -> Select:
    return _staff_appointments(scope).where(
        rules.appointment_between(moment.tomorrow_starts, moment.week_ends)
    )


def one_to_ones_to_record(scope: ColumnElement, moment: Moment) -> Select:
    """The keyworker's own sessions (no referral) that have happened, unrecorded."""
    return _staff_appointments(scope).where(
        Appointment.referral_id.is_(None), rules.attendance_to_record(moment)
    )


def contracts_ending(scope: ColumnElement, moment: Moment) -> Select:
    return _with_person(
        select(
            Case.id.label("object_id"),
            Case.id.label("case_id"),
            Contract.end_date.label("due"),
            Contract.end_date.label("since"),
            null().label("detail"),
            rules.exit_reassessed().label("exit_done"),
            rules.outcome_proposed().label("outcome_done"),
            rules.ending_survey_taken().label("survey_done"),
            *_person(),
        ).join(Contract, Contract.case_id == Case.id)
    ).where(rules.contract_ending(moment), scope)


def consents_expiring(scope: ColumnElement, moment: Moment) -> Select:
    return _with_person(
        select(
            Consent.id.label("object_id"),
            Case.id.label("case_id"),
            Consent.expires_at.label("due"),
            Consent.expires_at.label("since"),
            Organisation.name.label("detail"),
            *_person(),
        )
        .join(Case, Case.id == Consent.case_id)
        .join(Organisation, Organisation.id == Consent.organisation_id)
    ).where(rules.consent_expiring(moment), scope)


def _cases(scope: ColumnElement, *columns) -> Select:
    return select(
        Case.id.label("object_id"),
        Case.id.label("case_id"),
        null().label("due"),
        Case.created_at.label("since"),
        null().label("detail"),
        *columns,
    ).where(scope)


def consultations_missing(scope: ColumnElement, moment: Moment) -> Select:
    return _with_person(_cases(scope, *_person())).where(rules.consultation_missing())


def unallocated_cases(scope: ColumnElement, moment: Moment) -> Select:
    # Each case's person is read by its key, not joined: PostgreSQL cannot know that cases
    # without a keyworker are nearly all ineligible, so it expects about 25 times more
    # open ones than there are, and for that many joined every person of the service by
    # a hash (35 ms at 200,000 cases, against well under 1 ms read per case).
    def of_person(column):
        return select(column).where(Person.id == Case.person_id).scalar_subquery()

    return _cases(
        scope,
        Case.crime_reference.label("reference"),
        of_person(Person.given_name).label("given_name"),
        of_person(Person.family_name).label("family_name"),
    ).where(rules.unallocated())


# Victim liaison: scope is a clause over Case; nothing of the person --------------------


def victim_consultations_missing(scope: ColumnElement, moment: Moment) -> Select:
    return _cases(scope, Case.crime_reference.label("reference")).where(
        rules.consultation_missing()
    )


# Partners: scope is a clause over Referral; nothing of the person ----------------------


def _partner_referrals(scope: ColumnElement) -> Select:
    return select(
        Referral.id.label("object_id"),
        null().label("case_id"),
        Referral.acknowledge_by.label("due"),
        Referral.sent_at.label("since"),
        Referral.need.label("detail"),
        Referral.id.label("referral_id"),
        # For app.referrals.presenters.partner_sees_text: the need only while consent lasts.
        Referral.case_id.label("text_case_id"),
        Referral.shared_categories.label("text_categories"),
    ).where(scope)


def partner_new_referrals(scope: ColumnElement, moment: Moment) -> Select:
    return _partner_referrals(scope).where(rules.new_referral(moment.today))


def partner_overdue_referrals(scope: ColumnElement, moment: Moment) -> Select:
    return _partner_referrals(scope).where(rules.acknowledgement_overdue(moment.today))


def _partner_appointments(scope: ColumnElement) -> Select:
    return (
        select(
            Appointment.id.label("object_id"),
            null().label("case_id"),
            Appointment.starts_at.label("due"),
            Appointment.starts_at.label("since"),
            Appointment.mode.label("detail"),
            Referral.id.label("referral_id"),
        )
        .join(Referral, Referral.id == Appointment.referral_id)
        .where(scope)
    )


def partner_appointments_today(scope: ColumnElement, moment: Moment) -> Select:
    return _partner_appointments(scope).where(
        rules.appointment_between(moment.today_starts, moment.tomorrow_starts)
    )


def partner_attendance_to_record(scope: ColumnElement, moment: Moment) -> Select:
    """As ``app.evidence.lists.awaiting_attendance`` lists them (on open referrals). The
    rule's "on an open referral", asked again of the joined referral, lets the
    (organisation, status) index find the partner's open referrals first, instead of
    every appointment of every referral they ever had."""
    return _partner_appointments(scope).where(
        Referral.status.in_([s.value for s in OPEN_STATUSES]), rules.attendance_to_record(moment)
    )


# Administrators: no scope beyond the role ------------------------------------------------


def reoffending_checks_due(scope: ColumnElement, moment: Moment) -> Select:
    return (
        select(
            ReoffendingCheck.id.label("object_id"),
            Case.id.label("case_id"),
            ReoffendingCheck.due_on.label("due"),
            ReoffendingCheck.due_on.label("since"),
            null().label("detail"),
            Case.crime_reference.label("reference"),
        )
        .join(Case, Case.id == ReoffendingCheck.case_id)
        .where(rules.reoffending_check_due(moment.today), scope)
    )


def _failed_emails(detail, link_id) -> Select:
    """Notifications given up on after their last retry, named and linked by the
    recipient (``detail`` and ``link_id`` are its labelled columns)."""
    return select(
        Notification.id.label("object_id"),
        null().label("case_id"),
        null().label("due"),
        Notification.created_at.label("since"),
        detail.label("detail"),
        link_id,
        Notification.subject.label("reference"),
    ).where(Notification.status == DeliveryStatus.FAILED.value)


def failed_notifications(scope: ColumnElement, moment: Moment) -> Select:
    return (
        _failed_emails(User.name, Notification.recipient_id.label("user_id"))
        .join(User, User.id == Notification.recipient_id)
        .where(scope)
    )


def failed_organisation_emails(scope: ColumnElement, moment: Moment) -> Select:
    """Emails to a partner organisation's referral address that could not be sent, while
    that is still its address: once an administrator puts the address right, they go."""
    return (
        _failed_emails(Organisation.name, Notification.organisation_id.label("organisation_id"))
        .join(Organisation, Organisation.id == Notification.organisation_id)
        .where(
            func.lower(Notification.address) == func.lower(Organisation.contact_email),
            scope,
        )
    )


def locked_accounts(scope: ColumnElement, moment: Moment) -> Select:
    return select(
        User.id.label("object_id"),
        null().label("case_id"),
        null().label("due"),
        User.locked_at.label("since"),
        User.name.label("detail"),
        User.id.label("user_id"),
        literal(None).label("reference"),
    ).where(User.locked_at.is_not(None), User.active.is_(True), scope)
