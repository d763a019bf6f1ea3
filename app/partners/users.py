"""The users of each partner organisation: administrators and the organisation's own lead
list them; a lead adds and deactivates them; an administrator makes one the lead.

Each use-case owns its transaction, like ``app.partners.services``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import func, select

from app.audit import services as audit
from app.auth import users as user_service
from app.auth.models import User
from app.auth.roles import Role
from app.errors import Conflict, InvalidInput, NotFound
from app.extensions import db
from app.partners import policy
from app.partners.models import Organisation
from app.partners.services import PAGE_SIZE, REASON_MAX

# An organisation's users -----------------------------------------------------------------


@dataclass
class UserPage:
    users: list[User]
    total: int
    page: int
    per_page: int


def org_users(
    actor, organisation_id: uuid.UUID, *, page: int = 1, per_page: int = PAGE_SIZE
) -> UserPage:
    """The partner users of an organisation, by name: for administrators, and for the
    organisation's own lead (any other organisation is not found to a lead)."""
    if not policy.is_admin(actor):
        policy.require_lead(actor)
    if not policy.can_see_organisation_users(actor, organisation_id):
        raise NotFound("No such organisation")
    if db.session.get(Organisation, organisation_id) is None:
        raise NotFound("No such organisation")
    in_org = (User.organisation_id == organisation_id, User.role == Role.PARTNER.value)
    total = db.session.scalar(select(func.count()).select_from(User).where(*in_org))
    users = db.session.scalars(
        select(User)
        .where(*in_org)
        .order_by(User.active.desc(), User.name, User.id)
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    audit.record_list_read(
        "organisation.users_listed",
        "user",
        [user.id for user in users],
        actor=actor,
        organisation_id=str(organisation_id),
        page=page,
    )
    return UserPage(list(users), total, page, per_page)


def add_partner_user(actor, *, name: str, email: str, password: str | None = None) -> User:
    """A lead adds a partner user to their own organisation (never another one). Without
    a password they are emailed a link to choose their own."""
    organisation_id = policy.require_lead(actor)
    return user_service.create_user(
        user_service.NewUser(
            email=email or "",
            name=name or "",
            role=Role.PARTNER.value,
            password=password or None,
            organisation_id=organisation_id,
        ),
        actor=actor,
    )


def find_partner_user(organisation_id: uuid.UUID, user_id: uuid.UUID) -> User | None:
    """A partner user of that organisation, or None."""
    user = db.session.get(User, user_id)
    if user is None or user.role != Role.PARTNER.value or user.organisation_id != organisation_id:
        return None
    return user


def user_for_lead(actor, user_id: uuid.UUID) -> User:
    """One user of the lead's own organisation; any other user is not found."""
    return policy.user_of_lead_organisation(actor, user_id)


def check_can_deactivate(actor, user: User) -> None:
    """A lead cannot deactivate themself (an administrator can), nor a user who is
    already deactivated: Conflict, with the message to show."""
    if user.id == actor.id:
        raise Conflict("You cannot deactivate your own account. Ask an administrator")
    if not user.active:
        raise Conflict(f"{user.name} is already deactivated")


def deactivate_partner_user(actor, user_id: uuid.UUID, reason: str) -> User:
    """A lead deactivates a user of their own organisation; their sessions end at once."""
    user = policy.user_of_lead_organisation(actor, user_id)
    check_can_deactivate(actor, user)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput({"reason": "Enter a reason"})
    if len(reason) > REASON_MAX:
        raise InvalidInput({"reason": f"Reason must be {REASON_MAX} characters or fewer"})
    return user_service.deactivate_user(user.id, actor=actor, reason=reason)


def set_lead(actor, user_id: uuid.UUID, is_lead: bool) -> User:
    """An administrator makes a partner user their organisation's lead, or stops it."""
    policy.require_admin(actor)
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound("No such user")
    if user.role != Role.PARTNER.value:
        raise Conflict("Only partner users can be an organisation's lead")
    if user.is_organisation_lead == is_lead:
        raise Conflict(
            "This user is already their organisation's lead"
            if is_lead
            else "This user is not their organisation's lead"
        )
    user.is_organisation_lead = is_lead
    audit.record(
        "user.lead_granted" if is_lead else "user.lead_removed",
        "user",
        user.id,
        actor=actor,
        details={"organisation_id": str(user.organisation_id), "fields": ["is_organisation_lead"]},
    )
    db.session.commit()
    return user
