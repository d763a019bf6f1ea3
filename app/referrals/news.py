"""Each referral's ``partner_news_at``: when the partner organisation last had news for
the keyworker, an update posted by one of its users or the referral declined.

The keyworker's work queue lists a referral's news until the keyworker opens the
referral's page after it (``app.tasks.rules.partner_news_unread``). Stored here, that is
one comparison on the referral's own row, found through a partial index on the cases of
the keyworker, instead of a search of every referral's updates and moves on every page.

Updates and moves are appended and never removed, so the value only moves forward.
Mapper events keep it in the same flush as the update or the move, with its own time,
whoever writes it through the ORM. Bulk loaders that write with Core (``flask demo
scale``) write it themselves. The keyworker's own updates for the partner are not news
to them: only a partner user's update counts.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import event, exists, or_, update

from app.auth.models import User
from app.auth.roles import Role
from app.referrals.models import Referral, ReferralStatus, ReferralTransition, ReferralUpdate

NEWS_MOVES = frozenset({ReferralStatus.DECLINED.value})


def _news(connection, referral_id, at: datetime, *conditions) -> None:
    referrals = Referral.__table__
    connection.execute(
        update(referrals)
        .where(
            referrals.c.id == referral_id,
            or_(referrals.c.partner_news_at.is_(None), referrals.c.partner_news_at < at),
            *conditions,
        )
        # Not a change to the referral itself: its updated_at and version stay.
        .values(partner_news_at=at, updated_at=referrals.c.updated_at)
    )


@event.listens_for(ReferralUpdate, "after_insert")
def _update_posted(_mapper, connection, note: ReferralUpdate) -> None:
    users = User.__table__
    by_partner = exists().where(users.c.id == note.author_id, users.c.role == Role.PARTNER.value)
    _news(connection, note.referral_id, note.created_at, by_partner)


@event.listens_for(ReferralTransition, "after_insert")
def _moved(_mapper, connection, move: ReferralTransition) -> None:
    if move.to_status in NEWS_MOVES:
        _news(connection, move.referral_id, move.occurred_at)
