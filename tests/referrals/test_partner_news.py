"""A referral's stored ``partner_news_at`` (app.referrals.news): empty until the partner
has news for the keyworker, then the time of the latest, an update by a partner user or
a decline. The keyworker's own updates and the partner's other moves are not news, and
stamping it is not a change to the referral (its version stays). The
migration that added it fills it with the same values."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.referrals import lifecycle
from app.referrals.models import Referral, ReferralTransition, ReferralUpdate
from app.referrals.services import post_update
from tests.helpers import refilled_by_migration, stored_by_id
from tests.referrals import support


def _stored(referral_id):
    db.session.expire_all()
    return db.session.execute(
        select(Referral.partner_news_at, Referral.version, Referral.updated_at).where(
            Referral.id == referral_id
        )
    ).one()


def test_only_the_partners_updates_and_a_decline_are_news(world):
    referral_id = world.referral.id
    assert _stored(referral_id).partner_news_at is None

    post_update(world.keyworker, referral_id, "I have told them you will call")
    assert _stored(referral_id).partner_news_at is None

    lifecycle.transition(world.partner, referral_id, "acknowledged")
    assert _stored(referral_id).partner_news_at is None

    before = _stored(referral_id)
    note = post_update(world.colleague, referral_id, "We have a place from Monday")
    after = _stored(referral_id)
    assert after.partner_news_at == note.created_at
    assert after.version == before.version

    lifecycle.transition(world.partner, referral_id, "declined", reason="no_capacity")
    declined = db.session.scalar(
        select(ReferralTransition.occurred_at).where(
            ReferralTransition.referral_id == referral_id,
            ReferralTransition.to_status == "declined",
        )
    )
    assert _stored(referral_id).partner_news_at == declined > note.created_at


def test_the_migration_fills_it_as_the_events_keep_it(app, world):
    other = support.World.build()
    lifecycle.transition(world.partner, world.referral.id, "declined", reason="no_capacity")
    post_update(other.partner, other.referral.id, "Booked in for Tuesday")
    post_update(other.keyworker, other.referral.id, "Thank you")
    elsewhere = support.organisation()
    support.consent(world.case, elsewhere)
    quiet = support.send(world.case, elsewhere, world.keyworker)
    kept = stored_by_id(Referral.partner_news_at)
    assert kept[quiet.id] is None
    assert kept[world.referral.id] is not None and kept[other.referral.id] is not None
    assert db.session.scalar(select(db.func.count()).select_from(ReferralUpdate)) == 2

    assert refilled_by_migration("0019", Referral.partner_news_at) == kept
