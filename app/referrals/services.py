"""Referral use-cases that are not moves of the lifecycle: sending a referral, assigning a
partner's named worker, and posting an update for the keyworker.

Each public function owns its transaction (one commit), checks access through
``app.referrals.policy`` / ``app.cases.policy`` (out of scope: NotFound), and raises a
domain error before anything is written when the input breaks a rule.

Whether information may go to the organisation is decided by ``app.consent.rules`` only.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import select, update
from sqlalchemy.orm.exc import StaleDataError

from app.audit import services as audit
from app.auth.models import User
from app.auth.roles import Role
from app.cases.models import Case, CaseStatus
from app.cases.policy import get_case_for
from app.cases.timeline import add_event
from app.consent import rules
from app.consent.models import CATEGORY_LABELS, ConsentCategory
from app.contracts.models import Condition, Contract
from app.database import utcnow
from app.dates import today_in_london
from app.errors import Forbidden, InvalidInput, InvalidState, StaleVersion
from app.extensions import db
from app.partners.models import Capacity, Organisation
from app.referrals import messages
from app.referrals.errors import (
    ConsentRequired,
    IsaExpired,
    NotAccepting,
    ReferralClosed,
)
from app.referrals.labels import introduction_label
from app.referrals.lifecycle import stale_message
from app.referrals.models import (
    CLOSED_STATUSES,
    OPEN_STATUSES,
    IntroductionMethod,
    Referral,
    ReferralStatus,
    ReferralTransition,
    ReferralUpdate,
)
from app.referrals.policy import Actor, actor_for, get_referral_for
from app.referrals.reference import reference
from app.referrals.snapshot import ordered, take_snapshot
from app.text import and_list, as_uuid, long_date
from app.workdays import add_working_days

NEED_MAX = 500
MESSAGE_MAX = 2000
UPDATE_MAX = 2000
# Cases that can be referred: on the scheme and not yet ended.
REFERRABLE = frozenset({CaseStatus.ELIGIBLE, CaseStatus.ALLOCATED, CaseStatus.ACTIVE})
SENDER_ROLES = frozenset({Role.KEYWORKER, Role.SUPERVISOR})


def case_refusal(case: Case) -> str | None:
    """Why no referral can be made from ``case`` now (it is not, or no longer, on the
    scheme), or None if one can."""
    if CaseStatus(case.status) not in REFERRABLE:
        return f"A referral cannot be made because the case is {case.status_enum.label.lower()}"
    return None


def london_today() -> date:
    """Today in the UK (tests replace this to fix the date)."""
    return today_in_london()


def isa_expired(organisation: Organisation, today: date) -> bool:
    """The information-sharing agreement ran out before ``today`` (its expiry date is the
    last day it covers). An organisation with no expiry recorded is not refused."""
    return organisation.isa_expires_on is not None and organisation.isa_expires_on < today


# Sending ------------------------------------------------------------------------------


def send_referral(
    actor,
    case_id: uuid.UUID,
    organisation_id,
    condition_ids,
    need: str | None,
    message: str | None,
    introduction_method: str | None,
    introduction_at: datetime | None,
    shared_categories,
) -> Referral:
    """Send a warm-introduction referral from a case to a partner organisation.

    Raises Forbidden (not case staff), NotFound (case out of scope), InvalidState (the
    case is not eligible, allocated or active), InvalidInput (field errors), IsaExpired,
    NotAccepting, or ConsentRequired (a category to share that no consent in force
    covers; the message names them). Nothing is written when any of these is raised.
    """
    if actor is None or actor.role not in SENDER_ROLES:
        raise Forbidden("Only keyworkers and supervisors send referrals")
    case = get_case_for(actor, case_id, for_update=True)
    refused = case_refusal(case)
    if refused is not None:
        raise InvalidState(refused)
    today = london_today()
    clean = _validated(
        case,
        organisation_id,
        condition_ids,
        need,
        message,
        introduction_method,
        introduction_at,
        shared_categories,
    )
    organisation: Organisation = clean["organisation"]
    if isa_expired(organisation, today):
        raise IsaExpired(
            f"{organisation.name}'s information-sharing agreement expired on "
            f"{long_date(organisation.isa_expires_on)}: no new referrals can be sent to them",
            field="organisation_id",
        )
    if organisation.capacity == Capacity.NOT_ACCEPTING.value:
        raise NotAccepting(
            f"{organisation.name} is not accepting referrals at the moment",
            field="organisation_id",
        )
    categories = clean["categories"]
    refused = [c for c in categories if not rules.can_share(case.id, organisation.id, c)]
    if refused:
        labels = and_list([CATEGORY_LABELS[ConsentCategory(c)].lower() for c in refused])
        raise ConsentRequired(
            f"The person has not given consent, in force now, to share {labels} with "
            f"{organisation.name}. Record their consent first, or share less",
            refused,
        )

    now = utcnow()
    referral = Referral(
        case_id=case.id,
        organisation_id=organisation.id,
        status=ReferralStatus.SENT.value,
        need=clean["need"],
        message=clean["message"],
        introduction_method=clean["introduction_method"],
        introduction_at=clean["introduction_at"],
        shared_categories=categories,
        shared_snapshot=take_snapshot(case, categories),
        acknowledge_by=add_working_days(today, organisation.acknowledge_within_days),
        sent_by_id=actor.id,
        sent_at=now,
        updated_at=now,
    )
    referral.conditions = clean["conditions"]
    db.session.add(referral)
    db.session.flush()
    db.session.add(
        ReferralTransition(
            referral_id=referral.id,
            from_status=None,
            to_status=ReferralStatus.SENT.value,
            actor_id=actor.id,
            occurred_at=now,
        )
    )
    audit.record(
        "referral.sent",
        "referral",
        referral.id,
        actor=actor,
        details={
            "case_id": str(case.id),
            "organisation_id": str(organisation.id),
            "shared_categories": categories,
            "condition_ids": [str(c.id) for c in clean["conditions"]],
            "acknowledge_by": referral.acknowledge_by.isoformat(),
        },
    )
    introduction = ""
    if referral.introduction_method:
        introduction = f" Warm introduction: {introduction_label(referral.introduction_method)}."
    add_event(
        case,
        "referral.sent",
        f"Referral {reference(referral.id)} sent to {organisation.name}.{introduction} "
        f"To be acknowledged by {long_date(referral.acknowledge_by)}",
        actor=actor,
    )
    messages.send(referral, messages.SENT)
    db.session.commit()
    return referral


def _validated(case, organisation_id, condition_ids, need, message, method, at, categories):
    errors: dict[str, str] = {}

    organisation = None
    org_uuid = as_uuid(organisation_id)
    if org_uuid is not None:
        organisation = db.session.get(Organisation, org_uuid)
    if organisation is None or not organisation.active:
        errors["organisation_id"] = "Select an organisation from the directory"

    need = need.strip() if isinstance(need, str) else ""
    if not need:
        errors["need"] = "Enter what the person needs from the organisation"
    elif len(need) > NEED_MAX:
        errors["need"] = f"The need must be {NEED_MAX} characters or fewer"

    message = message.strip() if isinstance(message, str) else ""
    if len(message) > MESSAGE_MAX:
        errors["message"] = f"The message must be {MESSAGE_MAX} characters or fewer"

    if method in ("", None):
        method = None
    elif method not in {m.value for m in IntroductionMethod}:
        errors["introduction_method"] = "Select how the warm introduction will be made"

    if at is not None and (not isinstance(at, datetime) or at.tzinfo is None):
        errors["introduction_at"] = "Enter the date and time of the warm introduction"

    values = [categories] if isinstance(categories, str) else list(categories or [])
    known = {c.value for c in ConsentCategory}
    if not values:
        errors["shared_categories"] = "Select the information to share with the organisation"
    elif any(not isinstance(v, str) or v not in known for v in values):
        errors["shared_categories"] = "Select information from the list"

    conditions = _conditions(case, condition_ids, errors)
    if errors:
        raise InvalidInput(errors, "The referral details are not valid")
    return {
        "organisation": organisation,
        "need": need,
        "message": message or None,
        "introduction_method": method,
        "introduction_at": at,
        "categories": ordered(values),
        "conditions": conditions,
    }


def _conditions(case, condition_ids, errors: dict) -> list[Condition]:
    """The current conditions of this case's contract named by ``condition_ids``."""
    raw = [condition_ids] if isinstance(condition_ids, str | uuid.UUID) else condition_ids
    ids = []
    for value in raw or []:
        parsed = as_uuid(value)
        if parsed is None:
            errors["condition_ids"] = "Select conditions from this case's contract"
            return []
        if parsed not in ids:
            ids.append(parsed)
    if not ids:
        return []
    found = db.session.scalars(
        select(Condition)
        .join(Contract, Contract.id == Condition.contract_id)
        .where(
            Condition.id.in_(ids),
            Contract.case_id == case.id,
            Condition.superseded_at.is_(None),
        )
    ).all()
    if len(found) != len(ids):
        errors["condition_ids"] = "Select conditions from this case's contract"
        return []
    by_id = {c.id: c for c in found}
    return [by_id[i] for i in ids]


# The partner's named worker and updates ----------------------------------------------------


def worker_can_change(referral_status: str) -> bool:
    """A referral's named worker can change until the referral is closed (declined,
    completed, cancelled); on hold, it still can."""
    return referral_status not in CLOSED_STATUSES


def assign_worker(actor, referral_id: uuid.UUID, worker_id, version: int | None = None):
    """Name the partner's worker for a referral (None clears it). Partner users of the
    referral's organisation only; the worker must be an active user of it too."""
    referral = get_referral_for(actor, referral_id)
    if actor_for(actor, referral) != Actor.PARTNER:
        raise Forbidden("Only the partner organisation assigns its workers")
    if version is not None and version != referral.version:
        raise StaleVersion(stale_message(), field="version")
    if not worker_can_change(referral.status):
        raise ReferralClosed("This referral is closed: its worker can no longer change")
    worker = None
    if worker_id not in (None, ""):
        worker_uuid = as_uuid(worker_id)
        worker = db.session.get(User, worker_uuid) if worker_uuid else None
        if (
            worker is None
            or not worker.active
            or worker.role != Role.PARTNER
            or worker.organisation_id != referral.organisation_id
        ):
            raise InvalidInput({"worker_id": "Select a worker from your organisation"})
    previous = referral.assigned_worker_id
    referral.assigned_worker_id = worker.id if worker else None
    try:
        audit.record(
            "referral.worker_assigned",
            "referral",
            referral.id,
            actor=actor,
            details={
                "worker_id": str(worker.id) if worker else None,
                "previous_worker_id": str(previous) if previous else None,
            },
        )
        ref, org = reference(referral.id), referral.organisation.name
        summary = (
            f"{org} named {worker.name} as the worker for referral {ref}"
            if worker
            else f"{org} removed the named worker from referral {ref}"
        )
        add_event(referral.case, "referral.worker_assigned", summary, actor=actor)
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        raise StaleVersion(stale_message(), field="version") from None
    return referral


def post_update(actor, referral_id: uuid.UUID, body: str | None) -> ReferralUpdate:
    """A note on a referral: a partner's for the keyworker, or the keyworker's (or a
    supervisor's) for the partner, while the referral is open (not on hold: consent no
    longer covers it; nor closed). The other side is told."""
    referral = get_referral_for(actor, referral_id)
    side = actor_for(actor, referral)
    if side == Actor.PARTNER:
        kind = messages.UPDATE
    elif side == Actor.CASE_STAFF:
        kind = messages.KEYWORKER_UPDATE
        if ReferralStatus(referral.status) not in OPEN_STATUSES:
            raise ReferralClosed(
                "You can post an update only while the referral is open (not on hold, "
                "declined, completed or cancelled)"
            )
    else:
        raise Forbidden("Only the partner organisation or the case's keyworker posts updates")
    body = body.strip() if isinstance(body, str) else ""
    if not body:
        raise InvalidInput({"body": "Enter the update"})
    if len(body) > UPDATE_MAX:
        raise InvalidInput({"body": f"The update must be {UPDATE_MAX} characters or fewer"})
    now = utcnow()
    note = ReferralUpdate(referral_id=referral.id, author_id=actor.id, body=body, created_at=now)
    db.session.add(note)
    # An update is news for anyone syncing, but not a change of the referral itself: the
    # version stays, so a colleague's open form does not go stale because of a note.
    db.session.execute(
        update(Referral)
        .where(Referral.id == referral.id)
        .values(updated_at=now)
        .execution_options(synchronize_session=False)
    )
    db.session.flush()
    audit.record(
        "referral.update_posted",
        "referral",
        referral.id,
        actor=actor,
        details={"update_id": str(note.id)},
    )
    add_event(
        referral.case,
        "referral.update",
        _update_summary(referral, side),
        actor=actor,
    )
    messages.send(referral, kind)
    db.session.commit()
    return note


def _update_summary(referral: Referral, side: Actor) -> str:
    ref = reference(referral.id)
    if side == Actor.PARTNER:
        return f"{referral.organisation.name} posted an update on referral {ref}"
    return f"Update posted for {referral.organisation.name} on referral {ref}"


# Helpers ------------------------------------------------------------------------------
