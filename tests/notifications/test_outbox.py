"""The outbox: written with the change, delivered over real SMTP, retried, never lost."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from app.audit import services as audit
from app.auth.roles import Role
from app.database import utcnow
from app.extensions import db
from app.notifications import services as notifications
from app.notifications.models import DeliveryStatus, Notification
from app.notifications.sender import MAX_ATTEMPTS, SmtpTransport, deliver_pending
from tests import factories
from tests.smtp import free_port


def _closed_port() -> int:
    return free_port()  # nothing listens there


def _queue(user, kind="referral.sent"):
    notifications.notify(
        user,
        kind,
        "New referral",
        "A keyworker has sent your organisation a referral.",
        link_path="/referrals/inbox",
    )
    db.session.commit()


def test_a_notification_commits_or_rolls_back_with_its_change(app):
    user = factories.user(Role.PARTNER)
    notifications.notify(user, "referral.sent", "New referral", "Body")
    audit.record("test.change", "thing", "1")
    db.session.rollback()  # the change failed part-way
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Notification)) == 0
    _queue(user)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Notification)) == 1


def test_delivered_over_smtp_without_personal_data(app, smtp_server):
    inbox, port = smtp_server
    user = factories.user(Role.PARTNER)
    _queue(user)
    sent, failed = deliver_pending(SmtpTransport("127.0.0.1", port))
    assert (sent, failed) == (1, 0)
    [envelope] = inbox.messages
    assert envelope.rcpt_tos == [user.email]
    content = envelope.content.decode()
    assert "Subject: New referral" in content
    assert "/referrals/inbox" in content
    notification = db.session.scalar(sa.select(Notification))
    assert notification.status == DeliveryStatus.SENT
    assert deliver_pending(SmtpTransport("127.0.0.1", port)) == (0, 0)  # never sent twice


def test_a_failed_delivery_is_retried_later_and_then_succeeds(app, smtp_server):
    inbox, port = smtp_server
    _queue(factories.user(Role.PARTNER))
    now = utcnow()
    assert deliver_pending(SmtpTransport("127.0.0.1", _closed_port()), now=now) == (0, 1)
    notification = db.session.scalar(sa.select(Notification))
    assert notification.status == DeliveryStatus.PENDING
    assert notification.attempts == 1
    assert notification.next_attempt_at > now
    # Not due yet: nothing is attempted.
    assert deliver_pending(SmtpTransport("127.0.0.1", port), now=now + timedelta(seconds=30)) == (
        0,
        0,
    )
    assert deliver_pending(SmtpTransport("127.0.0.1", port), now=now + timedelta(minutes=2)) == (
        1,
        0,
    )
    assert len(inbox.messages) == 1


def test_after_the_last_attempt_the_message_is_kept_as_failed(app):
    _queue(factories.user(Role.PARTNER))
    now = utcnow()
    for _ in range(MAX_ATTEMPTS):
        deliver_pending(SmtpTransport("127.0.0.1", _closed_port()), now=now)
        now += timedelta(days=1)
    notification = db.session.scalar(sa.select(Notification))
    db.session.refresh(notification)
    assert notification.status == DeliveryStatus.FAILED
    assert notification.attempts == MAX_ATTEMPTS


def test_deactivated_users_are_not_sent_anything(app):
    user = factories.user(Role.PARTNER, active=False)
    assert notifications.notify(user, "referral.sent", "New referral", "Body") is None


def test_the_command_line_sender_prints_to_the_console_in_development(app):
    _queue(factories.user(Role.PARTNER))
    result = app.test_cli_runner().invoke(args=["notifications", "send"])
    assert result.exit_code == 0
    assert "Subject: New referral" in result.output
    assert "Sent 1, failed 0" in result.output
