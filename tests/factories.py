"""The one place that makes test data."""

from __future__ import annotations

import itertools
import time
from functools import cache

from app.auth import mfa
from app.auth.models import User
from app.auth.passwords import hash_password
from app.auth.roles import Role
from app.extensions import db
from app.partners.models import Organisation, ServiceType

PASSWORD = "correct horse battery staple"  # noqa: S105
_sequence = itertools.count(1)


@cache
def _password_hash() -> str:
    return hash_password(PASSWORD)


def organisation(**fields) -> Organisation:
    n = next(_sequence)
    values = {
        "name": f"Partner organisation {n}",
        "service_types": [ServiceType.HOUSING.value],
        "areas": ["North"],
    }
    values.update(fields)
    org = Organisation(**values)
    db.session.add(org)
    db.session.commit()
    return org


def user(role: Role | str = Role.KEYWORKER, *, enrolled: bool = True, **fields) -> User:
    role = Role(role)
    n = next(_sequence)
    values = {
        "email": f"user{n}@hub.example",
        "name": f"Test {role.label} {n}",
        "role": role.value,
        "password_hash": _password_hash(),
        "totp_secret": mfa.new_secret() if enrolled else None,
    }
    if role == Role.PARTNER and "organisation_id" not in fields and "organisation" not in fields:
        values["organisation_id"] = organisation().id
    values.update(fields)
    account = User(**values)
    db.session.add(account)
    db.session.commit()
    return account


def next_code(account: User) -> str:
    """A valid code that has not been used yet (the current step, or the next if used)."""
    db.session.refresh(account)
    now = time.time()
    step = int(now // mfa.TOTP_INTERVAL)
    if account.totp_last_step is not None and account.totp_last_step >= step:
        step = account.totp_last_step + 1
    return mfa.code_for(account.totp_secret, at=step * mfa.TOTP_INTERVAL)
