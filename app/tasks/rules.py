"""When something needs someone's action: one WHERE clause per kind of task.

The work queue (``app.tasks.queue``), the navigation's counts, the supervisor's overdue
table and the caseload's "Next action" (``app.cases.caseload``) all build their queries
from these clauses, so they cannot disagree. Every clause is worked out from the records
as they are at a ``Moment``: nothing here is a stored flag. Where a clause reads a stored
time (a concern's first decision, a referral's latest partner news, a victim's first
consultation or ``owed_since``), that time is a fact copied from the records in the same
flush that writes them (``app.evidence.decided``, ``app.referrals.news``,
``app.victims.consulted``, ``app.victims.owed``).

Where a rule belongs to another feature, the clause is that feature's own: attendance
awaited is ``app.evidence.lists.awaiting_attendance_at``, a consent in force is
``app.consent.rules.in_force_at``, a victim owed an update is ``app.victims.due``.

The rules:

* A **compliance concern** is to decide until a decision is recorded on it (open cases).
* An **outcome proposal** is to decide while it has no decision; one **sent back** asks the
  keyworker to propose again while it is the case's latest proposal and the case is open.
* A **referral** still ``sent`` is **new** to its partner until its acknowledge-by date,
  and **overdue** after it (``app.referrals.checks`` flags the same referrals).
* A partner's **update**, or a **decline**, is **not yet read** by the keyworker of the
  case until they open the referral's page after it (``ReferralRead``).
* **Attendance is to record** once an appointment has started, if it was not rescheduled
  and has no attendance record.
* A **contract is ending** when an active case's contract ends within
  ``CONTRACT_ENDING_DAYS`` (or has ended) while the exit reassessment or the outcome
  proposal is still to do.
* A **consent is expiring** when it is in force and expires within the consent
  feature's ``EXPIRY_WARNING`` (``app.consent.rules.expiring_soon_at``).
* A **victim consultation is missing** while a case that can still record one (eligible,
  allocated or active) has a victim with no consultation.
* A case is **unallocated** while it is open and has no keyworker.
* A **victim is owed an update** after a key decision they have not been told about
  (``app.victims.due``).
* A **reoffending check** is due from its due date until it is recorded.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import and_, bindparam, exists, or_
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement

from app.assessments.models import AssessmentStage, NeedsAssessment
from app.cases.models import OPEN_CASE_STATUSES, Case, CaseStatus
from app.consent import rules as consent_rules
from app.contracts.models import Contract
from app.database import utcnow
from app.dates import LONDON, today_in_london
from app.evidence.lists import awaiting_attendance_at
from app.evidence.models import Appointment, ComplianceConcern
from app.outcomes.checks import CheckStatus, status_clause
from app.outcomes.models import OutcomeProposal, ProposalDecision, Survey
from app.referrals.models import Referral, ReferralStatus
from app.tasks.models import ReferralRead
from app.victims import due as victim_due
from app.victims.models import Victim
from app.victims.vocabulary import CONSULTABLE

CONTRACT_ENDING_DAYS = 14
WEEK_DAYS = 7


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=LONDON).astimezone(UTC)


@dataclass(frozen=True)
class Moment:
    """The time the queue is worked out at: now (UTC) and today in the UK, with the
    instants and days the clauses compare against, all worked out here in Python."""

    now: datetime
    today: date

    @classmethod
    def at(cls, now: datetime | None = None) -> Moment:
        now = now or utcnow()
        return cls(now, today_in_london(now))

    @property
    def today_starts(self) -> datetime:
        return _start_of(self.today)

    @property
    def tomorrow_starts(self) -> datetime:
        return _start_of(self.today + timedelta(days=1))

    @property
    def week_ends(self) -> datetime:
        """The end of the seventh day from today (today counts as the first)."""
        return _start_of(self.today + timedelta(days=WEEK_DAYS))

    @property
    def contracts_end_by(self) -> date:
        """A contract ending on or before this day is ending soon."""
        return self.today + timedelta(days=CONTRACT_ENDING_DAYS)

    @property
    def consents_expire_by(self) -> datetime:
        """A consent in force that expires by this instant is expiring soon."""
        return consent_rules.expiry_warning_ends(self.now)

    def values(self) -> dict[str, object]:
        """Every value above by name: the parameters of a statement built over
        ``MomentParameters`` (``app.tasks.prepared``)."""
        return {name: getattr(self, name) for name in MOMENT_VALUES}


MOMENT_VALUES = (
    "now",
    "today",
    "today_starts",
    "tomorrow_starts",
    "week_ends",
    "contracts_end_by",
    "consents_expire_by",
)


class MomentParameters:
    """A ``Moment`` whose values are bind parameters, named as in ``Moment.values``: the
    clauses built over it make one statement for every moment. Each parameter takes its
    type from the column it is compared with, as a literal value would."""

    def __getattr__(self, name: str):
        if name not in MOMENT_VALUES:
            raise AttributeError(name)
        return bindparam(name)


def case_open() -> ColumnElement[bool]:
    return Case.status.in_(OPEN_CASE_STATUSES)


def concern_to_decide() -> ColumnElement[bool]:
    """Over ``ComplianceConcern`` joined to its ``Case``: no decision yet (the stored
    ``first_decided_at``, kept by ``app.evidence.decided``)."""
    return and_(ComplianceConcern.first_decided_at.is_(None), case_open())


def outcome_to_decide() -> ColumnElement[bool]:
    """Over ``OutcomeProposal``."""
    return OutcomeProposal.decision.is_(None)


def outcome_sent_back() -> ColumnElement[bool]:
    """Over ``OutcomeProposal`` joined to its ``Case``: the latest proposal was sent back."""
    later = aliased(OutcomeProposal)
    return and_(
        OutcomeProposal.decision == ProposalDecision.SENT_BACK.value,
        ~exists().where(
            later.case_id == OutcomeProposal.case_id,
            later.proposed_at > OutcomeProposal.proposed_at,
        ),
        case_open(),
    )


def new_referral(today: date) -> ColumnElement[bool]:
    """Over ``Referral``: sent, and its acknowledge-by date not yet passed."""
    return and_(Referral.status == ReferralStatus.SENT.value, Referral.acknowledge_by >= today)


def acknowledgement_overdue(today: date) -> ColumnElement[bool]:
    """Over ``Referral``: still sent after its acknowledge-by date."""
    return and_(Referral.status == ReferralStatus.SENT.value, Referral.acknowledge_by < today)


def read_marker(reader) -> ColumnElement[bool]:
    """The ON clause for an outer join to ``ReferralRead``: ``reader``'s marker on the
    referral (``reader`` is a user id or a column, such as ``Case.keyworker_id``)."""
    return and_(ReferralRead.referral_id == Referral.id, ReferralRead.user_id == reader)


def partner_news_unread() -> ColumnElement[bool]:
    """Over ``Referral`` outer-joined to ``ReferralRead`` (``read_marker``): an update
    the partner posted, or a decline, after the reader last opened the referral (the
    keyworker's own updates for the partner are not news to them). The latest such news
    is stored on the referral (``app.referrals.news``)."""
    seen = ReferralRead.seen_at
    news = Referral.partner_news_at
    return and_(news.is_not(None), or_(seen.is_(None), news > seen))


def attendance_to_record(moment: Moment) -> ColumnElement[bool]:
    """Over ``Appointment``."""
    return awaiting_attendance_at(moment.now)


def appointment_between(start: datetime, end: datetime) -> ColumnElement[bool]:
    """Over ``Appointment``: booked (not rescheduled) to start in [start, end)."""
    return and_(
        Appointment.rescheduled_at.is_(None),
        Appointment.starts_at >= start,
        Appointment.starts_at < end,
    )


def exit_reassessed(case_id=Case.id) -> ColumnElement[bool]:
    return exists().where(
        NeedsAssessment.case_id == case_id, NeedsAssessment.stage == AssessmentStage.EXIT.value
    )


def outcome_proposed(case_id=Case.id) -> ColumnElement[bool]:
    """A proposal is waiting for a decision, or was approved."""
    return exists().where(
        OutcomeProposal.case_id == case_id,
        or_(
            OutcomeProposal.decision.is_(None),
            OutcomeProposal.decision == ProposalDecision.APPROVED.value,
        ),
    )


def ending_survey_taken() -> ColumnElement[bool]:
    return exists().where(Survey.case_id == Case.id, Survey.respondent == "person")


def contract_ending(moment: Moment) -> ColumnElement[bool]:
    """Over ``Case`` joined to its ``Contract``. The steps still to do are asked of the
    contract's case id (the same case): so PostgreSQL asks them only of the contracts
    ending, after the join, not of every active case before it (the supervisor's "late
    by keyworker", every active case: 151 -> 67 ms at 200,000 cases)."""
    return and_(
        Case.status == CaseStatus.ACTIVE.value,
        Contract.end_date <= moment.contracts_end_by,
        or_(~exit_reassessed(Contract.case_id), ~outcome_proposed(Contract.case_id)),
    )


def consent_expiring(moment: Moment) -> ColumnElement[bool]:
    """Over ``Consent`` joined to its ``Case``: in force now, and expiring soon."""
    return and_(
        consent_rules.expiring_soon_at(moment.now, moment.consents_expire_by),
        case_open(),
    )


def consultation_missing() -> ColumnElement[bool]:
    """Over ``Case``: a victim of the case has no consultation recorded (the stored
    ``first_consulted_at``, kept by ``app.victims.consulted``)."""
    unconsulted = exists().where(Victim.case_id == Case.id, Victim.first_consulted_at.is_(None))
    return and_(Case.status.in_([s.value for s in CONSULTABLE]), unconsulted)


def victim_owed_update() -> ColumnElement[bool]:
    """Over ``Victim`` (no join needed): the victim wants updates and is owed one
    (``app.victims.due.owed``)."""
    return and_(Victim.wants_updates.is_(True), victim_due.owed(Victim))


def unallocated() -> ColumnElement[bool]:
    """Over ``Case``."""
    return and_(Case.keyworker_id.is_(None), case_open())


def reoffending_check_due(today: date) -> ColumnElement[bool]:
    """Over ``ReoffendingCheck``: the checks list's "due" (``app.outcomes.checks``)."""
    return status_clause(CheckStatus.DUE, today)
