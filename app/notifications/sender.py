"""Delivering the outbox: email over SMTP, or the console in development.

Each message is sent and marked in its own short transaction. A failure is recorded and
retried later with a growing delay; after the last attempt the message is marked failed
and stays in the outbox for an administrator. The change that queued it is never undone.

The outbox table is the source of truth; two background tasks (app.jobs.registry) drive
it: ``notifications.deliver`` sends the messages a transaction wrote as soon as it has
committed, and ``notifications.sweep`` runs every minute for retries and for anything
whose task was lost. Each message is claimed with ``SKIP LOCKED`` on PostgreSQL, so
several workers never send the same message, and either task may safely run twice.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
import sys
import uuid
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import Protocol

from flask import current_app

from app import outbox
from app.auth import set_up
from app.database import utcnow
from app.extensions import db
from app.notifications.models import DeliveryStatus, Notification

log = logging.getLogger(__name__)

RETRY_DELAYS = [
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=12),
]
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
BATCH = 100


class Transport(Protocol):
    def send(self, message: EmailMessage) -> None: ...


class ConsoleTransport:
    """Development: print each message instead of sending it."""

    def __init__(self, stream=None):
        self.stream = stream or sys.stdout

    def send(self, message: EmailMessage) -> None:
        self.stream.write(f"--- email ---\n{message}\n")
        self.stream.flush()


class SmtpTransport:
    def __init__(
        self, host: str, port: int, *, username=None, password=None, starttls=False, timeout=10
    ):
        self.host, self.port = host, port
        self.username, self.password = username, password
        self.starttls, self.timeout = starttls, timeout

    def send(self, message: EmailMessage) -> None:
        with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
            if self.starttls:
                smtp.starttls(context=ssl.create_default_context())
            if self.username:
                smtp.login(self.username, self.password or "")
            smtp.send_message(message)


def transport_from_config(config) -> Transport:
    if config.get("NOTIFY_TRANSPORT", "console") == "smtp":
        return SmtpTransport(
            config["SMTP_HOST"],
            int(config["SMTP_PORT"]),
            username=config.get("SMTP_USERNAME"),
            password=config.get("SMTP_PASSWORD"),
            starttls=bool(config.get("SMTP_STARTTLS")),
        )
    return ConsoleTransport()


def _email(notification: Notification, link: str | None = None) -> EmailMessage:
    config = current_app.config
    message = EmailMessage()
    message["From"] = config.get("MAIL_FROM", "hub@localhost")
    message["To"] = notification.address or notification.recipient.email
    message["Subject"] = notification.subject
    base_url = config.get("BASE_URL", "").rstrip("/")
    line = ""
    if link:
        line = f"\n\n{base_url}{link}"
    elif notification.link_path:
        line = f"\n\nSign in to see it: {base_url}{notification.link_path}"
    message.set_content(f"{notification.body}{line}\n\n{config['SERVICE_NAME']}")
    return message


def _secret_link(notification: Notification, now: datetime):
    """A set-up email's link, made now so that its token is never stored (only its hash)."""
    if notification.kind != set_up.KIND:
        return None
    return set_up.issue_link(notification.recipient, now)


def deliver_pending(
    transport: Transport | None = None, *, now: datetime | None = None, limit: int = BATCH
):
    """Send the messages that are due, each in its own transaction. Returns (sent, failed)."""
    now = now or utcnow()
    due = outbox.due_ids(Notification, now, limit)
    db.session.rollback()
    return deliver(due, transport, now=now)


def sweep(transport: Transport | None = None, *, now: datetime | None = None):
    """Deliver everything due, batch after batch (the periodic job: retries, and messages
    whose task was lost). Stops when a batch leaves work to another sender."""
    total_sent = total_failed = 0
    while True:
        sent, failed = deliver_pending(transport, now=now)
        total_sent, total_failed = total_sent + sent, total_failed + failed
        if sent + failed < BATCH:
            return total_sent, total_failed


def deliver(notification_ids, transport: Transport | None = None, *, now: datetime | None = None):
    """Send these messages if they are still due, each claimed, sent and marked in its own
    transaction; one that another sender holds, or has sent, is left alone. Returns
    (sent, failed)."""
    transport = transport or transport_from_config(current_app.config)
    now = now or utcnow()
    sent = failed = 0
    for notification_id in notification_ids:
        notification = outbox.claim(Notification, uuid.UUID(str(notification_id)), now)
        if notification is None:
            db.session.rollback()
            continue
        notification.attempts += 1
        secret_link = _secret_link(notification, now)
        try:
            transport.send(_email(notification, secret_link.path if secret_link else None))
        except (OSError, smtplib.SMTPException) as error:
            failed += 1
            if secret_link:
                db.session.delete(secret_link.link)  # never sent: the next attempt makes another
            notification.last_error = type(error).__name__
            if notification.attempts >= MAX_ATTEMPTS:
                notification.status = DeliveryStatus.FAILED.value
            else:
                notification.next_attempt_at = now + RETRY_DELAYS[notification.attempts - 1]
            log.warning(
                "notification delivery failed",
                extra={"notification_id": str(notification.id), "attempt": notification.attempts},
            )
        else:
            sent += 1
            notification.status = DeliveryStatus.SENT.value
            notification.sent_at = now
            notification.last_error = None
        db.session.commit()
    return sent, failed
