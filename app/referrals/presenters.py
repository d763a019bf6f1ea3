"""What each audience is shown of a referral, built field by field (allow-lists).

``partner_view`` is the ONLY way a partner sees a referral, on the page and in the API:
a field reaches a partner only by being named here. Of the person it holds the ``shared``
object alone: the snapshot's categories that ``app.consent.rules`` allows NOW, so after a
withdrawal or expiry it is empty at once, whatever the referral's status. Once a referral
is declined or cancelled, the partner has no more use for the person's details and
``shared`` is empty too. The keyworker's name and email are there so that the partner can
always reach them; the case, the person's record and other referrals are never reached.

``partner_sees_text`` is the rule for what the keyworker and the partner wrote about the
person (the need, the message, the linked conditions' text, the partners' updates and a
decline's details): shown only while the consent in force covers everything the referral
shared. After a withdrawal (or expiry) the partner keeps the reference, the status, the
dates, the codes (decline reason, outcome) and its own appointments and attendance; the
text fields are null (``conditions`` and ``updates`` empty), in every view and list.
"""

from __future__ import annotations

from datetime import date

from app.assessments.models import NeedDomain, NeedLevel
from app.cases.models import OffenceClass
from app.consent.models import CATEGORY_LABELS, ConsentCategory
from app.contracts.models import ConditionType
from app.referrals.labels import (
    decline_reason_label,
    introduction_label,
    outcome_label,
    status_label,
)
from app.referrals.lifecycle import categories_covered, consent_covers, is_overdue
from app.referrals.models import Referral, ReferralStatus
from app.referrals.reference import reference
from app.referrals.snapshot import ordered

NO_LONGER_SHOWN = frozenset({ReferralStatus.DECLINED.value, ReferralStatus.CANCELLED.value})
CONSENT_GONE_TEXT = "Consent to share was withdrawn or has expired. Contact the keyworker."


def partner_sees_text(shared_categories, allowed: set[str]) -> bool:
    """Whether the partner may read what was written about the person on a referral that
    shared ``shared_categories``, with ``allowed`` (app.consent.rules) in force now."""
    return categories_covered(shared_categories, allowed)


def _person(user) -> dict | None:
    return {"id": user.id, "name": user.name} if user is not None else None


def partner_view(
    referral: Referral, *, allowed: set[str], keyworker, today: date, updates=()
) -> dict:
    """The partner's view. ``allowed`` is ``rules.shared_categories(...)`` now;
    ``keyworker`` the user to contact (the case's keyworker, or the sender)."""
    closed_to_partner = referral.status in NO_LONGER_SHOWN
    visible = (
        []
        if closed_to_partner
        else [c for c in ordered(referral.shared_categories or []) if c in allowed]
    )
    snapshot = referral.shared_snapshot or {}
    text = partner_sees_text(referral.shared_categories, allowed)
    return {
        "id": referral.id,
        "reference": reference(referral.id),
        "status": referral.status,
        "status_label": status_label(referral.status),
        "need": referral.need if text else None,
        "message": referral.message if text else None,
        "conditions": [
            {
                "type": c.type,
                "type_label": ConditionType(c.type).label,
                "description": c.description,
            }
            for c in (referral.conditions if text else ())
        ],
        "introduction_method": referral.introduction_method,
        "introduction_method_label": introduction_label(referral.introduction_method),
        "introduction_at": referral.introduction_at,
        "keyworker": (
            {"name": keyworker.name, "email": keyworker.email} if keyworker is not None else None
        ),
        "sent_at": referral.sent_at,
        "acknowledge_by": referral.acknowledge_by,
        "acknowledged_at": referral.acknowledged_at,
        "overdue": is_overdue(referral, today),
        "decline_reason": referral.decline_reason,
        "decline_reason_label": decline_reason_label(referral.decline_reason),
        "decline_details": referral.decline_details if text else None,
        "outcome": referral.outcome,
        "outcome_label": outcome_label(referral.outcome),
        "assigned_worker_id": referral.assigned_worker_id,
        "assigned_worker": _person(referral.assigned_worker),
        "consent_withdrawn": not closed_to_partner and not consent_covers(referral, allowed),
        "text_withheld": not text,  # the page says why the text fields are empty
        "shared": {c: _shared(c, snapshot.get(c) or {}) for c in visible},
        "updates": [
            {"author": u.author.name, "body": u.body, "created_at": u.created_at}
            for u in (updates if text else ())
        ],
        "updated_at": referral.updated_at,
        "version": referral.version,
    }


def partner_summary(referral: Referral, today: date, allowed: set[str]) -> dict:
    """A partner's list item: nothing of the person but the need, while consent lasts
    (``allowed``: the categories in force for the referral's case)."""
    return {
        "id": referral.id,
        "reference": reference(referral.id),
        "status": referral.status,
        "need": referral.need if partner_sees_text(referral.shared_categories, allowed) else None,
        "sent_at": referral.sent_at,
        "acknowledge_by": referral.acknowledge_by,
        "overdue": is_overdue(referral, today),
        "assigned_worker_id": referral.assigned_worker_id,
        "updated_at": referral.updated_at,
        "version": referral.version,
    }


def _shared(category: str, content: dict) -> dict:
    """One shared category's content, copied key by key from the snapshot."""
    if category == ConsentCategory.CONTACT_DETAILS.value:
        return {k: content.get(k) for k in ("name", "address", "postcode", "phone", "email")}
    if category == ConsentCategory.OFFENCE_SUMMARY.value:
        offence_class = content.get("offence_class")
        return {
            "description": content.get("description"),
            "offence_class": offence_class,
            "offence_class_label": OffenceClass(offence_class).label if offence_class else None,
            "committed_on": _date(content.get("committed_on")),
        }
    with_notes = category != ConsentCategory.NEEDS_SUMMARY.value
    domains = []
    for row in content.get("domains") or []:
        item = {
            "domain": row["domain"],
            "label": NeedDomain(row["domain"]).label,
            "level": row["level"],
            "level_label": NeedLevel(row["level"]).label,
        }
        if with_notes:
            item["notes"] = row.get("notes")
        domains.append(item)
    return {"assessed_on": _date(content.get("assessed_on")), "domains": domains}


def _date(value) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) else None


def category_label(category: str) -> str:
    return CATEGORY_LABELS[ConsentCategory(category)]


def staff_summary(referral: Referral, today: date) -> dict:
    return {
        "id": referral.id,
        "reference": reference(referral.id),
        "case_id": referral.case_id,
        "organisation_id": referral.organisation_id,
        "organisation_name": referral.organisation.name,
        "status": referral.status,
        "need": referral.need,
        "sent_at": referral.sent_at,
        "acknowledge_by": referral.acknowledge_by,
        "overdue": is_overdue(referral, today),
        "updated_at": referral.updated_at,
        "version": referral.version,
    }


def staff_view(referral: Referral, *, allowed: set[str], today: date) -> dict:
    """Case staff's view: the referral's whole record (they can see the case anyway),
    without the snapshot's content, which is the person's record as it was."""
    return {
        **staff_summary(referral, today),
        "message": referral.message,
        "conditions": [
            {"id": c.id, "type": c.type, "description": c.description} for c in referral.conditions
        ],
        "introduction_method": referral.introduction_method,
        "introduction_at": referral.introduction_at,
        "shared_categories": ordered(referral.shared_categories or []),
        "consent_in_force": consent_covers(referral, allowed),
        "sent_by": _person(referral.sent_by),
        "acknowledged_at": referral.acknowledged_at,
        "decline_reason": referral.decline_reason,
        "decline_details": referral.decline_details,
        "outcome": referral.outcome,
        "assigned_worker": _person(referral.assigned_worker),
        "held_from_status": referral.held_from_status,
        "transitions": [
            {
                "from_status": t.from_status,
                "to_status": t.to_status,
                "actor": _person(t.actor),
                "reason": t.reason,
                "outcome": t.outcome,
                "occurred_at": t.occurred_at,
            }
            for t in referral.transitions
        ],
        "updates": [
            {"author": u.author.name, "body": u.body, "created_at": u.created_at}
            for u in referral.updates
        ],
    }
