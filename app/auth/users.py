"""Managing accounts: create, deactivate, reactivate, lock, unlock, reset two-factor sign-in."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import func, select

from app.audit import services as audit
from app.auth import set_up, throttle
from app.auth.models import User
from app.auth.passwords import hash_password, password_problem
from app.auth.roles import Role
from app.auth.services import end_all_sessions, normalise_email
from app.database import utcnow
from app.errors import Conflict, NotFound, ValidationFailed
from app.extensions import db
from app.partners.models import Organisation

PAGE_SIZE = 50


@dataclass
class NewUser:
    email: str
    name: str
    role: str
    # Without one (the usual way) the person is emailed a link to choose their own.
    password: str | None = None
    organisation_id: uuid.UUID | None = None


def _validated(new: NewUser, *, user_id: uuid.UUID | None = None) -> dict:
    """The details cleaned, or UserInvalid naming every field at fault. ``user_id``: the
    account being changed, whose own email address is not a clash."""
    errors: dict[str, str] = {}
    try:
        email = validate_email(
            (new.email or "").strip(), check_deliverability=False
        ).normalized.lower()
    except EmailNotValidError:
        errors["email"] = "Enter an email address in the correct format, like name@example.com"
        email = None
    name = (new.name or "").strip()
    if not name:
        errors["name"] = "Enter the person's full name"
    elif len(name) > 200:
        errors["name"] = "Name must be 200 characters or fewer"
    if new.role not in {r.value for r in Role}:
        errors["role"] = "Select a role"
    organisation = None
    if new.role == Role.PARTNER:
        if new.organisation_id is None:
            errors["organisation_id"] = "Select the partner organisation"
        else:
            organisation = db.session.get(Organisation, new.organisation_id)
            if organisation is None:
                errors["organisation_id"] = "Select the partner organisation"
    elif new.organisation_id is not None:
        errors["organisation_id"] = "Only partner users belong to an organisation"
    problem = password_problem(new.password) if new.password else None
    if problem:
        errors["password"] = problem
    if email and _email_taken(email, user_id):
        errors["email"] = EMAIL_TAKEN
    if errors:
        raise UserInvalid(errors)
    return {"email": email, "name": name, "organisation": organisation}


EMAIL_TAKEN = "A user with this email address already exists"


def _email_taken(email: str, user_id: uuid.UUID | None) -> bool:
    query = select(User.id).where(User.email == email)
    if user_id is not None:
        query = query.where(User.id != user_id)
    return db.session.scalar(query) is not None


class UserInvalid(ValidationFailed):
    def __init__(self, errors: dict[str, str]):
        super().__init__("The user details are not valid")
        self.errors = errors


def create_user(new: NewUser, *, actor=None) -> User:
    """A new account. Without a password, the person is emailed a set-up link to choose
    one (app.auth.set_up); with one (the command line's first administrator), they sign
    in with it. Either way they set up two-factor sign-in when they first sign in."""
    clean = _validated(new)
    user = User(
        email=clean["email"],
        name=clean["name"],
        role=new.role,
        organisation_id=clean["organisation"].id if clean["organisation"] else None,
        password_hash=hash_password(new.password) if new.password else None,
    )
    db.session.add(user)
    db.session.flush()
    audit.record("user.created", "user", user.id, actor=actor, details={"role": new.role})
    if not user.has_password:
        set_up.queue_email(user)
    db.session.commit()
    return user


def get_user(user_id: uuid.UUID, *, actor) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound("No such user")
    audit.record("user.viewed", "user", user.id, actor=actor)
    db.session.commit()
    return user


def list_users(*, page: int = 1, per_page: int = PAGE_SIZE, actor=None):
    total = db.session.scalar(select(func.count()).select_from(User))
    users = db.session.scalars(
        select(User).order_by(User.name, User.id).limit(per_page).offset((page - 1) * per_page)
    ).all()
    audit.record_list_read(
        "user.listed", "user", [user.id for user in users], actor=actor, page=page, total=total
    )
    return users, total


def _change(user_id: uuid.UUID, actor, action: str, reason: str | None = None) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound("No such user")
    if actor is not None and user.id == actor.id and action in {"deactivate", "lock", "reset_mfa"}:
        raise Conflict("You cannot do this to your own account. Ask another administrator")
    if action == "deactivate":
        if not user.active:
            raise Conflict("This user is already deactivated")
        user.active = False
        end_all_sessions(user, "user_deactivated")
    elif action == "reactivate":
        if user.active:
            raise Conflict("This user is already active")
        user.active = True
    elif action == "lock":
        if user.locked_at:
            raise Conflict("This user is already locked")
        user.locked_at = utcnow()
        end_all_sessions(user, "user_locked")
    elif action == "unlock":
        if not user.locked_at:
            raise Conflict("This user is not locked")
        user.locked_at = None
        throttle.clear([throttle.account_key(user.email)])  # a fresh start
    elif action == "send_set_up_link":
        if user.has_password:
            raise Conflict("This user has already chosen a password")
        if not user.active:
            raise Conflict("This user is deactivated. Reactivate them first")
        set_up.queue_email(user)
    elif action == "reset_mfa":
        user.totp_secret = None
        user.totp_last_step = None
        end_all_sessions(user, "mfa_reset")
    audit.record(f"user.{action}", "user", user.id, actor=actor, reason=reason)
    db.session.commit()
    return user


def deactivate_user(user_id, *, actor, reason: str | None = None) -> User:
    return _change(user_id, actor, "deactivate", reason)


def reactivate_user(user_id, *, actor, reason: str | None = None) -> User:
    return _change(user_id, actor, "reactivate", reason)


def lock_user(user_id, *, actor, reason: str | None = None) -> User:
    """An administrator stops an account signing in (and using the API) until unlocked."""
    return _change(user_id, actor, "lock", reason)


def unlock_user(user_id, *, actor, reason: str | None = None) -> User:
    return _change(user_id, actor, "unlock", reason)


def send_set_up_link(user_id, *, actor, reason: str | None = None) -> User:
    """Email a new set-up link to a user who has not chosen a password yet."""
    return _change(user_id, actor, "send_set_up_link", reason)


def reset_mfa(user_id, *, actor, reason: str | None = None) -> User:
    return _change(user_id, actor, "reset_mfa", reason)


def find_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def find_by_id(user_id) -> User | None:
    return db.session.get(User, user_id)
