"""Which changes are webhook events, noticed where they are written.

Every move of a referral appends a ``ReferralTransition`` (app.referrals.lifecycle, and
sending), every update posted is a ``ReferralUpdate``, and every change to an appointment
is a new or stamped ``Appointment`` or a new ``AttendanceRecord``. So rather than ask
each service (present and future) to remember to announce itself, the session is watched:
``after_flush`` notes the events those rows mean; ``before_commit`` writes one outbox row
(``WebhookDelivery``) per event per subscribed endpoint, in the same transaction, and
queues the delivery task for after the commit. A rollback drops the events with the
change. The events carry ids and versions only, never anything about the person.

Events, from the rows:

- a transition to ``sent``: ``referral.sent``; to ``on_hold``: ``referral.on_hold``; to
  ``cancelled``: ``referral.cancelled``; to anything else: ``referral.updated``;
- an update posted, or the named worker changed: ``referral.updated``;
- an appointment booked or rescheduled (on a referral), or its attendance recorded or
  corrected: ``appointment.changed``.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from itertools import chain

from sqlalchemy import event, func, inspect, select
from sqlalchemy.orm import Session

from app.database import utcnow
from app.evidence.models import Appointment, AttendanceRecord
from app.extensions import db
from app.jobs.queue import after_commit
from app.referrals.models import Referral, ReferralStatus, ReferralTransition, ReferralUpdate
from app.webhooks.models import EventType, WebhookDelivery, WebhookEndpoint

PENDING = "hub_webhook_events"
WATCHED = (Referral, ReferralTransition, ReferralUpdate, Appointment, AttendanceRecord)
# A referral's own columns whose change is news to the partner's system (its status
# changes are transitions, noticed above).
REFERRAL_FIELDS = ("assigned_worker_id",)
TRANSITION_EVENTS = {
    ReferralStatus.SENT.value: EventType.REFERRAL_SENT,
    ReferralStatus.ON_HOLD.value: EventType.REFERRAL_ON_HOLD,
    ReferralStatus.CANCELLED.value: EventType.REFERRAL_CANCELLED,
}


@dataclass(frozen=True)
class Pending:
    type: EventType
    object_type: str
    object_id: uuid.UUID
    at: datetime


def payload(event_type: str, object_type: str, object_id, version, at: datetime) -> str:
    """The body of a delivery (API.md): what happened, to which object, at which version."""
    return json.dumps(
        {
            "type": str(event_type),
            "timestamp": at.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "data": {"object": object_type, "id": str(object_id), "version": version},
        },
        separators=(",", ":"),
    )


def _note(session: Session, kind: EventType, object_type: str, object_id) -> None:
    if object_id is None:
        return
    events: dict = session.info.setdefault(PENDING, {})
    key = (kind, object_type, object_id)
    events.setdefault(key, Pending(kind, object_type, object_id, utcnow()))


def _after_flush(session: Session, _context) -> None:
    for obj in session.new:
        if isinstance(obj, ReferralTransition):
            kind = TRANSITION_EVENTS.get(obj.to_status, EventType.REFERRAL_UPDATED)
            _note(session, kind, "referral", obj.referral_id)
        elif isinstance(obj, ReferralUpdate):
            _note(session, EventType.REFERRAL_UPDATED, "referral", obj.referral_id)
        elif isinstance(obj, Appointment) and obj.referral_id is not None:
            _note(session, EventType.APPOINTMENT_CHANGED, "appointment", obj.id)
        elif isinstance(obj, AttendanceRecord):
            _note(session, EventType.APPOINTMENT_CHANGED, "appointment", obj.appointment_id)
    for obj in session.dirty:
        state = inspect(obj)
        if isinstance(obj, Referral):
            if any(state.attrs[name].history.has_changes() for name in REFERRAL_FIELDS):
                _note(session, EventType.REFERRAL_UPDATED, "referral", obj.id)
        elif (
            isinstance(obj, Appointment)
            and obj.referral_id is not None
            and state.attrs.rescheduled_at.history.has_changes()
        ):
            _note(session, EventType.APPOINTMENT_CHANGED, "appointment", obj.id)


def _before_commit(session: Session) -> None:
    if any(isinstance(obj, WATCHED) for obj in chain(session.new, session.dirty)):
        session.flush()  # so that what this commit writes is noticed before it is too late
    events: dict = session.info.pop(PENDING, None)
    if events:
        write_deliveries(session, list(events.values()))


def _ended(session: Session, transaction) -> None:
    if transaction.parent is None:
        session.info.pop(PENDING, None)


def write_deliveries(session: Session, events: list[Pending]) -> list[WebhookDelivery]:
    """One outbox row per event per live endpoint of the object's organisation that
    chose the event; the delivery task is queued for after the commit."""
    referral_ids = {e.object_id for e in events if e.object_type == "referral"}
    appointment_ids = {e.object_id for e in events if e.object_type == "appointment"}
    owners: dict = {}  # object id -> (organisation id, version)
    if referral_ids:
        for row in session.execute(
            select(Referral.id, Referral.organisation_id, Referral.version).where(
                Referral.id.in_(referral_ids)
            )
        ):
            owners[row.id] = (row.organisation_id, row.version)
    if appointment_ids:
        owners.update(_appointment_owners(session, appointment_ids))
    organisations = {owner[0] for owner in owners.values()}
    if not organisations:
        return []
    endpoints = session.scalars(
        select(WebhookEndpoint).where(
            WebhookEndpoint.organisation_id.in_(organisations),
            WebhookEndpoint.deleted_at.is_(None),
        )
    ).all()
    written = []
    for pending in events:
        if pending.object_id not in owners:
            continue
        organisation_id, version = owners[pending.object_id]
        body = payload(pending.type, pending.object_type, pending.object_id, version, pending.at)
        for endpoint in endpoints:
            if endpoint.organisation_id != organisation_id or pending.type not in endpoint.events:
                continue
            delivery = WebhookDelivery(
                id=uuid.uuid4(),
                endpoint_id=endpoint.id,
                event_type=pending.type.value,
                object_type=pending.object_type,
                object_id=str(pending.object_id),
                payload=body,
                next_attempt_at=pending.at,
                created_at=pending.at,
            )
            session.add(delivery)
            written.append(delivery)
    if written:
        after_commit("webhooks.deliver", *(d.id for d in written))
    return written


def _appointment_owners(session: Session, ids: set) -> dict:
    """An appointment's organisation (through its referral) and its version: the number
    of changes recorded on it (its booking, a rescheduling, each attendance record)."""
    records = (
        select(func.count(AttendanceRecord.id))
        .where(AttendanceRecord.appointment_id == Appointment.id)
        .correlate(Appointment)
        .scalar_subquery()
    )
    rows = session.execute(
        select(
            Appointment.id,
            Referral.organisation_id,
            Appointment.rescheduled_at,
            records.label("records"),
        )
        .join(Referral, Referral.id == Appointment.referral_id)
        .where(Appointment.id.in_(ids))
    )
    return {
        row.id: (row.organisation_id, 1 + row.records + (1 if row.rescheduled_at else 0))
        for row in rows
    }


def listen() -> None:
    """Watch the app's sessions (once per process: ``db`` is shared by every app)."""
    if not event.contains(db.session, "after_flush", _after_flush):
        event.listen(db.session, "after_flush", _after_flush)
        event.listen(db.session, "before_commit", _before_commit)
        event.listen(db.session, "after_transaction_end", _ended)
