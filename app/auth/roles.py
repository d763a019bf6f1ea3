"""The hub's roles. A user has exactly one."""

from enum import StrEnum


class Role(StrEnum):
    KEYWORKER = "keyworker"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"
    PARTNER = "partner"
    VICTIM_LIAISON = "victim_liaison"
    # Performance and evaluation staff: aggregate reports only, never a person, case or
    # referral (every other page and API route answers 403).
    ANALYST = "analyst"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.KEYWORKER: "Keyworker",
    Role.SUPERVISOR: "Supervisor",
    Role.ADMIN: "Administrator",
    Role.PARTNER: "Partner organisation",
    Role.VICTIM_LIAISON: "Victim liaison",
    Role.ANALYST: "Performance analyst",
}

STAFF_ROLES = frozenset({Role.KEYWORKER, Role.SUPERVISOR, Role.ADMIN, Role.VICTIM_LIAISON})
