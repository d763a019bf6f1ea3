"""The notifications a referral sends, written to the outbox in the change's transaction.

``MESSAGES`` is the table: for each kind of notification, who hears (the partner
organisation's users, the case's keyworker, or both) and the subject and body each
audience is sent. ``send(referral, kind)`` is the one builder. In the templates,
``{ref}`` is the referral reference, ``{due}`` its acknowledgement date and
``{sign_in}`` the closing line.

Partner messages go to the referral's named worker once one is named, and until then to
every active user of the organisation; each user hears only of the kinds they have not
turned off (``PARTNER_CHOICES``, app.notifications.preferences). The kinds in
``PARTNER_CHOICES`` also go to the organisation's referral address (its contact email).

Subjects and bodies say what happened, quote the referral reference and link to the
referral in the hub: never a name, a crime reference, an organisation or a need, since
any of those could tell a reader something about the person.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from app.notifications.services import notify, notify_address, notify_all, organisation_users
from app.referrals.models import Referral
from app.referrals.reference import reference
from app.text import long_date

SIGN_IN = "Sign in to the hub to see it."


class To(StrEnum):
    PARTNER = "partner"  # every active user of the referral's organisation
    KEYWORKER = "keyworker"  # the case's keyworker (``keyworker_of``)


@dataclass(frozen=True)
class Message:
    to: To
    subject: str
    body: str


SENT = "referral.sent"
DECLINED = "referral.declined"
COMPLETED = "referral.completed"
CANCELLED = "referral.cancelled"
RESUMED = "referral.resumed"
ON_HOLD = "referral.on_hold"
OVERDUE = "referral.overdue"
UPDATE = "referral.update"
KEYWORKER_UPDATE = "referral.keyworker_update"

MESSAGES: dict[str, tuple[Message, ...]] = {
    SENT: (
        Message(
            To.PARTNER,
            "New referral {ref}",
            "A keyworker has sent your organisation a new referral, {ref}. Please acknowledge "
            "it by {due}. {sign_in}",
        ),
    ),
    DECLINED: (
        Message(
            To.KEYWORKER,
            "Referral {ref} was declined",
            "The partner organisation declined referral {ref}. {sign_in} The reason is "
            "shown on the referral.",
        ),
    ),
    COMPLETED: (
        Message(
            To.KEYWORKER,
            "Referral {ref} was completed",
            "The partner organisation completed its work on referral {ref} and recorded the "
            "outcome. {sign_in}",
        ),
    ),
    CANCELLED: (
        Message(
            To.PARTNER,
            "Referral {ref} was cancelled",
            "The keyworker cancelled referral {ref}. Please do no more work on it. {sign_in}",
        ),
    ),
    RESUMED: (
        Message(
            To.PARTNER,
            "Referral {ref} has resumed",
            "Referral {ref} is no longer on hold: consent to share is in force again. {sign_in}",
        ),
    ),
    ON_HOLD: (
        Message(
            To.PARTNER,
            "Referral {ref} is on hold",
            "Consent to share information for referral {ref} was withdrawn or has expired. "
            "The referral is on hold and its shared details are no longer shown. Contact the "
            "keyworker before doing any more work on it. {sign_in}",
        ),
        Message(
            To.KEYWORKER,
            "Referral {ref} is on hold",
            "Consent to share information for referral {ref} was withdrawn or has expired, "
            "so the referral is on hold. Record consent again and resume it, or cancel it. "
            "{sign_in}",
        ),
    ),
    OVERDUE: (
        Message(
            To.PARTNER,
            "Referral {ref} is overdue for acknowledgement",
            "Referral {ref} was due to be acknowledged by {due} and has not been. Please "
            "acknowledge it now. {sign_in}",
        ),
        Message(
            To.KEYWORKER,
            "Referral {ref} is overdue for acknowledgement",
            "The partner organisation has not acknowledged referral {ref}, which was due by "
            "{due}. You may want to contact them. {sign_in}",
        ),
    ),
    UPDATE: (
        Message(
            To.KEYWORKER,
            "New update on referral {ref}",
            "The partner organisation posted an update on referral {ref}. {sign_in}",
        ),
    ),
    KEYWORKER_UPDATE: (
        Message(
            To.PARTNER,
            "Update from the keyworker on referral {ref}",
            "The keyworker posted an update on referral {ref}. {sign_in}",
        ),
    ),
}

# The emails a partner user may turn off (on by default), as their preferences page
# names them; the same kinds go to the organisation's referral address.
PARTNER_CHOICES: dict[str, str] = {
    SENT: "A new referral is sent to your organisation",
    CANCELLED: "A referral is cancelled",
    ON_HOLD: "A referral is put on hold because consent was withdrawn or has expired",
    KEYWORKER_UPDATE: "The keyworker posts an update on a referral",
}


def link(referral: Referral) -> str:
    return f"/referrals/{referral.id}"


def keyworker_of(referral: Referral):
    """Who hears about the referral on the case side: the case's keyworker, or failing
    one (an unallocated case), whoever sent it."""
    return referral.case.keyworker or referral.sent_by


def partner_recipients(referral: Referral) -> list:
    """The referral's named worker, if one is named and active; else the organisation's
    active users."""
    worker = referral.assigned_worker
    if worker is not None and worker.active:
        return [worker]
    return organisation_users(referral.organisation_id)


def send(referral: Referral, kind: str) -> None:
    """Queue the notifications of ``kind`` (a key of ``MESSAGES``) about ``referral``
    (the caller commits)."""
    values = {
        "ref": reference(referral.id),
        "due": long_date(referral.acknowledge_by),
        "sign_in": SIGN_IN,
    }
    where = {"link_path": link(referral), "object_type": "referral", "object_id": referral.id}
    for message in MESSAGES[kind]:
        subject = message.subject.format_map(values)
        body = message.body.format_map(values)
        if message.to is To.PARTNER:
            recipients = partner_recipients(referral)
            notify_all(recipients, kind, subject, body, **where)
            address = referral.organisation.contact_email
            known = {user.email.casefold() for user in recipients}
            if kind in PARTNER_CHOICES and address and address.casefold() not in known:
                notify_address(
                    address,
                    kind,
                    subject,
                    body,
                    organisation_id=referral.organisation_id,
                    **where,
                )
        else:
            notify(keyworker_of(referral), kind, subject, body, **where)
