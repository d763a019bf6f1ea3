"""The referral notifications table: every kind reaches the audiences it names (each
user of the partner organisation, the case's keyworker), quotes the reference, links to
the referral and carries no personal data."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.referrals import messages
from tests.referrals import support


def _of_kind(user, kind):
    return [n for n in support.notifications_for(user) if n.kind == kind]


@pytest.mark.parametrize("kind", sorted(messages.MESSAGES))
def test_each_kind_reaches_its_audiences_without_personal_data(world, kind):
    audiences = {m.to for m in messages.MESSAGES[kind]}
    people = {
        world.partner: messages.To.PARTNER,
        world.colleague: messages.To.PARTNER,
        world.keyworker: messages.To.KEYWORKER,
    }
    before = {user: len(_of_kind(user, kind)) for user in people}

    messages.send(world.referral, kind)
    db.session.commit()

    for user, audience in people.items():
        new = _of_kind(user, kind)[before[user] :]
        assert len(new) == (1 if audience in audiences else 0), (user.name, kind)
        for message in new:
            assert world.ref in message.subject
            assert message.link_path == f"/referrals/{world.referral.id}"
            text = message.subject + message.body
            for personal in ("Jordan", "Ellis", world.case.crime_reference, world.org.name):
                assert personal not in text
            assert world.referral.need not in text
