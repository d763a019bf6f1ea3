"""A task queued inside a transaction is handed over only once that transaction commits,
with ids only; a rolled-back change queues nothing. The tests run in manual mode: queued
tasks wait in the runner until the test runs them."""

from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa

from app.auth.roles import Role
from app.extensions import db
from app.jobs.queue import after_commit
from app.jobs.runner import runner_of
from app.notifications import services as notifications
from app.notifications.models import DeliveryStatus, Notification
from tests import factories
from tests.referrals import support


def test_nothing_is_handed_over_before_the_commit(app):
    runner = runner_of(app)
    user = factories.user(Role.PARTNER)
    notification = notifications.notify(user, "referral.sent", "New referral", "Body")
    db.session.flush()
    assert runner.queued == []
    db.session.commit()
    assert runner.queued == [("notifications.deliver", [str(notification.id)])]


def test_a_rolled_back_change_queues_nothing(app):
    runner = runner_of(app)
    user = factories.user(Role.PARTNER)
    notifications.notify(user, "referral.sent", "New referral", "Body")
    db.session.rollback()
    db.session.commit()  # a later, empty transaction does not revive it
    assert runner.queued == []
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Notification)) == 0


def test_one_transaction_sends_each_task_once_with_all_its_ids(app):
    runner = runner_of(app)
    first, second = uuid.uuid4(), uuid.uuid4()
    after_commit("notifications.deliver", first)
    after_commit("notifications.deliver", second, first)
    after_commit("notifications.sweep")
    db.session.commit()
    assert runner.queued == [
        ("notifications.deliver", [str(first), str(second)]),
        ("notifications.sweep", []),
    ]


def test_a_task_takes_ids_only(app):
    with pytest.raises(ValueError):
        after_commit("notifications.deliver", "jordan.ellis@example.org")
    with pytest.raises(KeyError):
        after_commit("notifications.delivr", uuid.uuid4())


def test_sending_a_referral_delivers_its_messages_once_committed(app, capsys):
    world = support.World.build()
    runner = runner_of(app)
    assert [task for task, _ in runner.queued] == ["notifications.deliver"]
    assert runner.run_queued() >= 1
    delivered = db.session.scalars(
        sa.select(Notification).where(Notification.recipient_id == world.partner.id)
    ).all()
    assert [n.status for n in delivered] == [DeliveryStatus.SENT]
    printed = capsys.readouterr().out
    assert f"To: {world.partner.email}" in printed
    assert f"New referral {world.ref}" in printed
    # Running the same task again sends nothing twice.
    runner.submit("notifications.deliver", [str(delivered[0].id)])
    runner.run_queued()
    assert capsys.readouterr().out.count(f"To: {world.partner.email}") == 0
