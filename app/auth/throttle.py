"""Slowing down password and code guessing, per account and per client address.

Failed attempts are counted under two keys: the account (the email address typed,
normalised, whether or not an account has it) and the client's address. Once a key has
had its allowance of failures in a row, each further attempt waits: the first delay,
then twice as long after every further failure, up to a cap. The wait ends by itself;
nothing locks an account for good (only an administrator does that).

Keys are HMAC-SHA256 digests under SECRET_KEY, so the table holds no email address or
IP address, and neither can be recovered from it by hashing guesses. A full sign-in
clears both keys; a key with no failure for FORGET_AFTER starts again from nothing.
"""

from __future__ import annotations

import hashlib
import hmac
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import case, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite

from app.auth.models import SignInThrottle
from app.database import utcnow
from app.errors import SignInThrottled
from app.extensions import db

ACCOUNT = "account"
ADDRESS = "address"
FORGET_AFTER = timedelta(hours=24)


@dataclass(frozen=True)
class Key:
    kind: str
    digest: str


def _digest(kind: str, value: str) -> str:
    secret = current_app.config["SECRET_KEY"].encode("utf-8")
    return hmac.new(secret, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()


def keys_for(*, email: str, address: str | None) -> list[Key]:
    return [
        Key(ACCOUNT, _digest(ACCOUNT, email.strip().lower())),
        Key(ADDRESS, _digest(ADDRESS, address or "unknown")),
    ]


def account_key(email: str) -> Key:
    return keys_for(email=email, address=None)[0]


def _allowance(kind: str) -> int:
    config = current_app.config
    if kind == ACCOUNT:
        return config["SIGN_IN_THROTTLE_ACCOUNT_FAILURES"]
    return config["SIGN_IN_THROTTLE_ADDRESS_FAILURES"]


def delay_after(failures: int, kind: str) -> timedelta:
    """How long the next attempt waits after ``failures`` failures in a row."""
    beyond = failures - _allowance(kind)
    if beyond < 0:
        return timedelta(0)
    config = current_app.config
    cap = timedelta(minutes=config["SIGN_IN_THROTTLE_MAX_DELAY_MINUTES"])
    first = config["SIGN_IN_THROTTLE_FIRST_DELAY_SECONDS"]
    if beyond > 32:  # long past the cap; spare the arithmetic
        return cap
    return min(timedelta(seconds=first * 2**beyond), cap)


def message(wait: timedelta) -> str:
    minutes = max(1, math.ceil(wait.total_seconds() / 60))
    return f"Too many attempts. Try again in {minutes} minute{'' if minutes == 1 else 's'}"


def check(keys: list[Key], now: datetime | None = None) -> None:
    """Refuse the attempt (SignInThrottled) while any of the keys is waiting."""
    now = now or utcnow()
    until = db.session.scalar(
        select(SignInThrottle.blocked_until)
        .where(
            SignInThrottle.key.in_([k.digest for k in keys]),
            SignInThrottle.blocked_until > now,
        )
        .order_by(SignInThrottle.blocked_until.desc())
        .limit(1)
    )
    if until is not None:
        wait = until - now
        raise SignInThrottled(message(wait), retry_after=math.ceil(wait.total_seconds()))


def _insert():
    dialect = db.session.get_bind().dialect.name
    return (postgresql if dialect == "postgresql" else sqlite).insert(SignInThrottle)


def record_failure(keys: list[Key], now: datetime | None = None) -> None:
    """Count a failure under each key (the caller commits)."""
    now = now or utcnow()
    forgotten = now - FORGET_AFTER
    db.session.execute(delete(SignInThrottle).where(SignInThrottle.last_failure_at < forgotten))
    for key in keys:
        # One statement, so two failures at once both count.
        statement = _insert().values(key=key.digest, kind=key.kind, failures=1, last_failure_at=now)
        db.session.execute(
            statement.on_conflict_do_update(
                index_elements=[SignInThrottle.key],
                set_={
                    "failures": case(
                        (SignInThrottle.last_failure_at < forgotten, 1),
                        else_=SignInThrottle.failures + 1,
                    ),
                    "last_failure_at": now,
                },
            )
        )
        failures = db.session.scalar(
            select(SignInThrottle.failures).where(SignInThrottle.key == key.digest)
        )
        delay = delay_after(failures, key.kind)
        if delay:
            db.session.execute(
                update(SignInThrottle)
                .where(SignInThrottle.key == key.digest)
                .values(blocked_until=now + delay)
            )


def clear(keys: list[Key]) -> None:
    """Forget the failures under these keys (the caller commits)."""
    db.session.execute(
        delete(SignInThrottle).where(SignInThrottle.key.in_([k.digest for k in keys]))
    )
