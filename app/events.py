"""In-process domain events: how one feature tells others that something happened
without importing them (blinker signals, as Flask's own signals are).

The rules, for every event here:

- The sender calls ``event.send(obj, **details)`` inside its own transaction, before it
  commits. Each receiver runs there and then, in that same transaction, and does not
  commit: the change and its consequences commit together or not at all. An exception
  in a receiver reaches the sender, whose transaction then rolls back.
- A receiving package connects its receivers when it is imported (``create_app``
  imports every feature). Connecting the same function again changes nothing: blinker
  keeps one connection per receiver, so a receiver never runs twice for one event.
- This module imports nothing from the app, so every feature may import it.

Webhook events (app.webhooks.capture) are not signals: they are noticed from the rows
every change already writes (a referral's transitions and updates, appointments and
their attendance records), in the same transaction, so no service has to remember to
announce a change for partners' systems to hear of it.

Events:

``consent_withdrawn``
    A consent stopped being in force by withdrawal: withdrawn by hand, or replaced by
    a new consent to the same organisation. Sent by ``app.consent.services`` with the
    consent (already stamped withdrawn) as the sender and ``replaced_by``: the new
    consent, or ``None``. Received by ``app.referrals.subscribers``, which puts on hold
    the open referrals the consents still in force no longer cover.

``attendance_recorded``
    An attendance record was added to an appointment (a first record or a correction,
    ``record.corrects_id`` then naming the record it corrects). Sent by
    ``app.evidence.attendance`` with the appointment as the sender and ``record``: the
    new attendance record, and ``actor``: who recorded it. Received by
    ``app.referrals.subscribers``, which starts an accepted referral whose first session
    took place.
"""

from __future__ import annotations

from blinker import Namespace

_events = Namespace()

consent_withdrawn = _events.signal(
    "consent-withdrawn",
    doc="A consent stopped being in force by withdrawal; sender: the consent; "
    "replaced_by: the consent replacing it, or None.",
)

attendance_recorded = _events.signal(
    "attendance-recorded",
    doc="An attendance record (or a correction) was added; sender: the appointment; "
    "record: the attendance record; actor: who recorded it.",
)
