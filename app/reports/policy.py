"""Who may see which report figures.

Supervisors and analysts see every aggregate for the whole scheme. A partner sees only
its own organisation's figures, with small numbers protected; another organisation's
answer 404, as if it did not exist.
"""

from __future__ import annotations

import uuid

from app.auth.roles import Role
from app.errors import NotFound
from app.extensions import db
from app.partners.models import Organisation

WHOLE_SCHEME = frozenset({Role.SUPERVISOR.value, Role.ANALYST.value})


def organisation_for(actor, organisation_id: uuid.UUID) -> Organisation:
    """The organisation whose figures ``actor`` may see; otherwise NotFound."""
    if actor.role not in WHOLE_SCHEME and actor.organisation_id != organisation_id:
        raise NotFound("No such organisation")
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None:
        raise NotFound("No such organisation")
    return organisation


def protects_small_numbers(actor) -> bool:
    """Small-number protection applies outside the supervisor and analyst roles."""
    return actor.role not in WHOLE_SCHEME
