"""The notifications a referral sends, written to the outbox in the change's transaction.

Subjects and bodies say what happened, quote the referral reference and link to the
referral in the hub: never a name, a crime reference, an organisation or a need, since
any of those could tell a reader something about the person.
"""

from __future__ import annotations

from app.notifications.services import notify, notify_all, organisation_users
from app.referrals.models import Referral
from app.referrals.reference import reference
from app.text import long_date

SIGN_IN = "Sign in to the hub to see it."


def link(referral: Referral) -> str:
    return f"/referrals/{referral.id}"


def keyworker_of(referral: Referral):
    """Who hears about the referral on the case side: the case's keyworker, or failing
    one (an unallocated case), whoever sent it."""
    return referral.case.keyworker or referral.sent_by


def _to_partner(referral: Referral, kind: str, subject: str, body: str) -> int:
    return notify_all(
        organisation_users(referral.organisation_id),
        kind,
        subject,
        body,
        link_path=link(referral),
        object_type="referral",
        object_id=referral.id,
    )


def _to_keyworker(referral: Referral, kind: str, subject: str, body: str) -> None:
    notify(
        keyworker_of(referral),
        kind,
        subject,
        body,
        link_path=link(referral),
        object_type="referral",
        object_id=referral.id,
    )


def sent(referral: Referral) -> None:
    ref = reference(referral.id)
    _to_partner(
        referral,
        "referral.sent",
        f"New referral {ref}",
        f"A keyworker has sent your organisation a new referral, {ref}. Please acknowledge "
        f"it by {long_date(referral.acknowledge_by)}. {SIGN_IN}",
    )


def declined(referral: Referral) -> None:
    ref = reference(referral.id)
    _to_keyworker(
        referral,
        "referral.declined",
        f"Referral {ref} was declined",
        f"The partner organisation declined referral {ref}. {SIGN_IN} The reason is shown "
        "on the referral.",
    )


def completed(referral: Referral) -> None:
    ref = reference(referral.id)
    _to_keyworker(
        referral,
        "referral.completed",
        f"Referral {ref} was completed",
        f"The partner organisation completed its work on referral {ref} and recorded the "
        f"outcome. {SIGN_IN}",
    )


def cancelled(referral: Referral) -> None:
    ref = reference(referral.id)
    _to_partner(
        referral,
        "referral.cancelled",
        f"Referral {ref} was cancelled",
        f"The keyworker cancelled referral {ref}. Please do no more work on it. {SIGN_IN}",
    )


def resumed(referral: Referral) -> None:
    ref = reference(referral.id)
    _to_partner(
        referral,
        "referral.resumed",
        f"Referral {ref} has resumed",
        f"Referral {ref} is no longer on hold: consent to share is in force again. {SIGN_IN}",
    )


def held(referral: Referral) -> None:
    ref = reference(referral.id)
    _to_partner(
        referral,
        "referral.on_hold",
        f"Referral {ref} is on hold",
        f"Consent to share information for referral {ref} was withdrawn or has expired. "
        "The referral is on hold and its shared details are no longer shown. Contact the "
        f"keyworker before doing any more work on it. {SIGN_IN}",
    )
    _to_keyworker(
        referral,
        "referral.on_hold",
        f"Referral {ref} is on hold",
        f"Consent to share information for referral {ref} was withdrawn or has expired, "
        "so the referral is on hold. Record consent again and resume it, or cancel it. "
        f"{SIGN_IN}",
    )


def overdue(referral: Referral) -> None:
    ref = reference(referral.id)
    due = long_date(referral.acknowledge_by)
    _to_partner(
        referral,
        "referral.overdue",
        f"Referral {ref} is overdue for acknowledgement",
        f"Referral {ref} was due to be acknowledged by {due} and has not been. Please "
        f"acknowledge it now. {SIGN_IN}",
    )
    _to_keyworker(
        referral,
        "referral.overdue",
        f"Referral {ref} is overdue for acknowledgement",
        f"The partner organisation has not acknowledged referral {ref}, which was due by "
        f"{due}. You may want to contact them. {SIGN_IN}",
    )


def update_posted(referral: Referral) -> None:
    ref = reference(referral.id)
    _to_keyworker(
        referral,
        "referral.update",
        f"New update on referral {ref}",
        f"The partner organisation posted an update on referral {ref}. {SIGN_IN}",
    )
