"""Counting the evidence: what counts toward each condition, and how attendance reads. The
lists of appointments, of attendance still to record and of concerns are
``app.evidence.lists``.

``ContractEvidence`` loads everything a contract's conditions need in a fixed number of
queries (however many conditions, referrals or appointments there are), so pages that show
every condition's status keep a flat query count. ``app.contracts.progress.condition_status``
is the one place that turns this evidence into a status.

What counts (decided here, and shown to users on the condition page):

* **Attendance** counts toward a condition's ``required_sessions`` when the appointment is on
  a referral linked to the condition (or to an earlier revision of it, so sessions attended
  before a variation still count), was not rescheduled, and its current attendance record
  (the last correction, if any) says ``attended`` or ``late``. Keyworkers' one-to-one
  sessions are on the case, not on a referral: they are evidence on the timeline and the
  evidence page, but count toward no condition.
* **Acknowledgement, acceptance and completion** of a linked referral are evidence; a linked
  referral completed as ``achieved`` meets a condition that requires no sessions.
* **Keyworker entries** are notes against one revision of a condition; an entry that marks
  the condition met meets that revision (not a later variation of it).
* Evidence after the day a status is asked for (``on``) is left out, so "met by the end
  date" means met by then.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.contracts.models import Condition, Contract
from app.dates import end_of_day_utc
from app.evidence.models import (
    AbsenceReason,
    Appointment,
    AttendanceRecord,
    AttendanceStatus,
    ConditionEvidence,
)
from app.extensions import db
from app.partners.models import Organisation
from app.referrals.models import Referral, ReferralTransition, referral_conditions

COUNTING = frozenset({AttendanceStatus.ATTENDED.value, AttendanceStatus.LATE.value})
REFERRAL_EVIDENCE = {
    "acknowledged": "Referral acknowledged",
    "accepted": "Referral accepted",
    "completed": "Referral completed",
}
STATUS_LABELS = {
    "attended": "Attended",
    "late": "Attended late",
    "did_not_attend": "Did not attend",
}
ABSENCE_LABELS = {
    AbsenceReason.PERSONS_ACCEPTABLE_REASON.value: "The person gave an acceptable reason",
    AbsenceReason.PARTNER_CANCELLED.value: "The partner cancelled",
    AbsenceReason.LOGISTICS.value: "Logistics (for example transport or the venue)",
    AbsenceReason.NO_REASON.value: "No reason, or a reason that is not acceptable",
}
MODE_LABELS = {"in_person": "In person", "phone": "Phone", "video": "Video"}
KEYWORKER_SOURCE = "Keyworker"


def current_record(records: list[AttendanceRecord]) -> AttendanceRecord | None:
    """The record that stands: the one no other record corrects (corrections are a chain)."""
    corrected = {r.corrects_id for r in records if r.corrects_id is not None}
    standing = [r for r in records if r.id not in corrected]
    return max(standing, key=lambda r: r.recorded_at) if standing else None


def attendance_text(record: AttendanceRecord) -> str:
    if not record.happened:
        reason = ABSENCE_LABELS.get(record.absence_reason or "", "no reason given")
        return f"Did not happen: {reason.lower()}"
    text = STATUS_LABELS.get(record.status, record.status)
    if record.status == AttendanceStatus.DID_NOT_ATTEND.value:
        acceptable = "acceptable" if record.acceptable_absence else "not acceptable"
        text += f" ({acceptable} reason)"
    return text


@dataclass(frozen=True)
class EvidenceItem:
    kind: str  # acknowledged, accepted, completed, attendance, one_to_one, keyworker_entry
    source: str  # the partner organisation's name, or "Keyworker"
    at: datetime
    text: str
    recorded_by: str | None = None


@dataclass
class ConditionEvidenceSummary:
    sessions_attended: int = 0
    items: list[EvidenceItem] = field(default_factory=list)
    marked_met: bool = False
    referral_achieved: bool = False


@dataclass
class _Session:
    referral_id: uuid.UUID
    source: str
    starts_at: datetime
    record: AttendanceRecord | None


class ContractEvidence:
    """Every piece of evidence for one contract's conditions, loaded in five queries."""

    def __init__(self, contract: Contract):
        self.contract = contract
        conditions = list(contract.conditions)
        self._by_id = {c.id: c for c in conditions}
        ids = list(self._by_id)
        links = (
            db.session.execute(
                select(referral_conditions.c.condition_id, referral_conditions.c.referral_id).where(
                    referral_conditions.c.condition_id.in_(ids)
                )
            ).all()
            if ids
            else []
        )
        self._referrals_of: dict[uuid.UUID, set[uuid.UUID]] = defaultdict(set)
        for condition_id, referral_id in links:
            self._referrals_of[condition_id].add(referral_id)
        referral_ids = {referral_id for _, referral_id in links}
        self._org_of: dict[uuid.UUID, str] = {}
        self._transitions: dict[uuid.UUID, list[ReferralTransition]] = defaultdict(list)
        self._sessions: dict[uuid.UUID, list[_Session]] = defaultdict(list)
        if referral_ids:
            self._org_of = dict(
                db.session.execute(
                    select(Referral.id, Organisation.name)
                    .join(Organisation, Organisation.id == Referral.organisation_id)
                    .where(Referral.id.in_(referral_ids))
                ).all()
            )
            for transition in db.session.scalars(
                select(ReferralTransition)
                .where(
                    ReferralTransition.referral_id.in_(referral_ids),
                    ReferralTransition.to_status.in_(list(REFERRAL_EVIDENCE)),
                )
                .order_by(ReferralTransition.occurred_at, ReferralTransition.id)
            ):
                self._transitions[transition.referral_id].append(transition)
            appointments = db.session.scalars(
                select(Appointment)
                .where(Appointment.referral_id.in_(referral_ids))
                .options(selectinload(Appointment.attendance))
            ).all()
            for appointment in appointments:
                if appointment.rescheduled_at is not None:
                    continue
                self._sessions[appointment.referral_id].append(
                    _Session(
                        appointment.referral_id,
                        self._org_of.get(appointment.referral_id, ""),
                        appointment.starts_at,
                        current_record(list(appointment.attendance)),
                    )
                )
        self._entries: dict[uuid.UUID, list[ConditionEvidence]] = defaultdict(list)
        if ids:
            for entry in db.session.scalars(
                select(ConditionEvidence)
                .where(ConditionEvidence.condition_id.in_(ids))
                .order_by(ConditionEvidence.recorded_at)
            ):
                self._entries[entry.condition_id].append(entry)

    def _lineage(self, condition: Condition) -> list[uuid.UUID]:
        """The condition and every earlier revision of it."""
        lineage, current = [], condition
        while current is not None:
            lineage.append(current.id)
            current = self._by_id.get(current.supersedes_id) if current.supersedes_id else None
        return lineage

    def for_condition(
        self, condition: Condition, on: date | None = None
    ) -> ConditionEvidenceSummary:
        cutoff = end_of_day_utc(on) if on is not None else None
        summary = ConditionEvidenceSummary()
        referral_ids: set[uuid.UUID] = set()
        for condition_id in self._lineage(condition):
            referral_ids |= self._referrals_of.get(condition_id, set())
        for referral_id in referral_ids:
            source = self._org_of.get(referral_id, "")
            for transition in self._transitions.get(referral_id, []):
                if cutoff is not None and transition.occurred_at > cutoff:
                    continue
                text = REFERRAL_EVIDENCE[transition.to_status]
                if transition.outcome:
                    text += f": {transition.outcome.replace('_', ' ')}"
                    if transition.outcome == "achieved":
                        summary.referral_achieved = True
                summary.items.append(
                    EvidenceItem(
                        transition.to_status,
                        source,
                        transition.occurred_at,
                        text,
                        transition.actor.name if transition.actor else None,
                    )
                )
            for session in self._sessions.get(referral_id, []):
                record = session.record
                if record is None or (cutoff is not None and session.starts_at > cutoff):
                    continue
                if record.happened and record.status in COUNTING:
                    summary.sessions_attended += 1
                summary.items.append(
                    EvidenceItem(
                        "attendance",
                        source,
                        session.starts_at,
                        attendance_text(record),
                        record.recorded_by.name if record.recorded_by else None,
                    )
                )
        for entry in self._entries.get(condition.id, []):
            if cutoff is not None and entry.recorded_at > cutoff:
                continue
            summary.marked_met = summary.marked_met or entry.marks_met
            summary.items.append(
                EvidenceItem(
                    "keyworker_entry",
                    KEYWORKER_SOURCE,
                    entry.recorded_at,
                    ("Marked as met: " if entry.marks_met else "") + entry.note,
                    entry.recorded_by.name if entry.recorded_by else None,
                )
            )
        summary.items.sort(key=lambda item: item.at)
        return summary
