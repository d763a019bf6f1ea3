"""The periodic referral check (``flask referrals check``): overdue acknowledgements, and
referrals whose consent has expired."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import not_, select, update

from app.audit import services as audit
from app.cases.timeline import add_event
from app.consent import rules
from app.consent.models import Consent
from app.database import utcnow
from app.dates import today_in_london
from app.extensions import db
from app.referrals import messages
from app.referrals.lifecycle import HOLD_REASON, apply_move, consent_covers
from app.referrals.models import OPEN_STATUSES, Referral, ReferralStatus
from app.referrals.moves import find_move
from app.referrals.policy import Actor
from app.referrals.reference import reference

BATCH = 200


@dataclass
class CheckResult:
    overdue_flagged: int = 0
    held: int = 0


def check_referrals(now: datetime | None = None) -> CheckResult:
    """Run both checks as at ``now`` (default: the current time). Commits per batch.

    1. Overdue acknowledgements: a referral still ``sent`` after its acknowledge-by date is
       flagged once (``overdue_notified_at``) to its organisation's users and to the
       keyworker. The flag leaves the referral's version alone, so nobody's open form goes
       stale because of it.
    2. Expired consent: an open referral whose shared categories no consent in force still
       covers is put on hold, and both sides are told.
    """
    now = now or utcnow()
    return CheckResult(
        overdue_flagged=_flag_overdue(now, today_in_london(now)), held=_hold_lapsed(now)
    )


def _flag_overdue(now: datetime, today: date) -> int:
    flagged = 0
    last_id = None
    while True:
        query = (
            select(Referral)
            .where(
                Referral.status == ReferralStatus.SENT.value,
                Referral.acknowledge_by < today,
                Referral.overdue_notified_at.is_(None),
            )
            .order_by(Referral.id)
            .limit(BATCH)
        )
        if last_id is not None:
            query = query.where(Referral.id > last_id)
        batch = db.session.scalars(query).all()
        if not batch:
            return flagged
        for referral in batch:
            stamped = db.session.execute(
                update(Referral)
                .where(
                    Referral.id == referral.id,
                    Referral.status == ReferralStatus.SENT.value,
                    Referral.overdue_notified_at.is_(None),
                )
                .values(overdue_notified_at=now, updated_at=Referral.updated_at)
                .execution_options(synchronize_session=False)
            )
            if stamped.rowcount != 1:
                continue  # acknowledged, or flagged by another run, meanwhile
            flagged += 1
            messages.send(referral, messages.OVERDUE)
            audit.record(
                "referral.overdue",
                "referral",
                referral.id,
                details={
                    "acknowledge_by": referral.acknowledge_by.isoformat(),
                    "organisation_id": str(referral.organisation_id),
                },
            )
            add_event(
                referral.case,
                "referral.overdue",
                f"Referral {reference(referral.id)} to {referral.organisation.name} was not "
                "acknowledged in time: the organisation and the keyworker have been told",
            )
        last_id = batch[-1].id
        db.session.commit()


def _hold_lapsed(now: datetime) -> int:
    """The candidates are open referrals with no consent in force at all for their case and
    organisation (``rules.in_force_at``, the consent rule's own test); each is then checked
    with ``rules.shared_categories``, which alone decides. (A consent replaced by a
    narrower one is dealt with at once by ``lifecycle.hold_referrals_for_consent``.)"""
    in_force = (
        select(Consent.id)
        .where(
            Consent.case_id == Referral.case_id,
            Consent.organisation_id == Referral.organisation_id,
            rules.in_force_at(now),
        )
        .exists()
    )
    held = 0
    last_id = None
    while True:
        query = (
            select(Referral)
            .where(Referral.status.in_([s.value for s in OPEN_STATUSES]), not_(in_force))
            .order_by(Referral.id)
            .limit(BATCH)
        )
        if last_id is not None:
            query = query.where(Referral.id > last_id)
        batch = db.session.scalars(query).all()
        if not batch:
            return held
        for referral in batch:
            allowed = rules.shared_categories(referral.case_id, referral.organisation_id, now)
            if consent_covers(referral, allowed):
                continue
            move = find_move(Actor.SYSTEM, ReferralStatus(referral.status), ReferralStatus.ON_HOLD)
            apply_move(referral, move, None, reason_text=HOLD_REASON, now=now)
            held += 1
        last_id = batch[-1].id
        db.session.commit()
