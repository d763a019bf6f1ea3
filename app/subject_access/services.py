"""Producing a subject access record: who may, and the audit entry each one writes.

* The person on a case: supervisors only (``person_record``).
* A victim: supervisors and victim liaison officers (``victim_record``), through the
  victims' own policy (``app.victims.policy``).

Each record produced, as a print view or as JSON, is audited (``subject_access.produced``
with the subject and the format, no content).
"""

from __future__ import annotations

import uuid
from enum import StrEnum

from app.audit import services as audit
from app.auth.roles import Role
from app.cases.policy import get_case_for
from app.database import utcnow
from app.errors import Forbidden
from app.extensions import db
from app.subject_access import person, victim
from app.subject_access.records import SubjectRecord
from app.victims.policy import get_victim_for

PERSON_ROLES = frozenset({Role.SUPERVISOR})
VICTIM_ROLES = frozenset({Role.SUPERVISOR, Role.VICTIM_LIAISON})


class Format(StrEnum):
    HTML = "html"
    JSON = "json"


def _check_role(actor, roles) -> None:
    if actor is None or actor.role not in {r.value for r in roles}:
        raise Forbidden("Your role cannot produce subject access records")


def person_record(actor, case_id: uuid.UUID, output: Format) -> SubjectRecord:
    """Everything the hub holds about the person on the case (supervisors; audited)."""
    _check_role(actor, PERSON_ROLES)
    case = get_case_for(actor, case_id)
    result = SubjectRecord(
        subject="person",
        subject_id=case.person_id,
        title=f"Subject access record: {case.person.full_name}",
        produced_at=utcnow(),
        produced_by=actor.name,
        sections=person.person_sections(case),
        withheld=person.WITHHELD,
    )
    audit.record(
        "subject_access.produced",
        "case",
        case.id,
        actor=actor,
        details={"subject": "person", "person_id": str(case.person_id), "format": output.value},
    )
    db.session.commit()
    return result


def victim_record(actor, victim_id: uuid.UUID, output: Format) -> SubjectRecord:
    """Everything the hub holds about one victim (supervisors, victim liaison; audited)."""
    _check_role(actor, VICTIM_ROLES)
    found = get_victim_for(actor, victim_id)
    result = SubjectRecord(
        subject="victim",
        subject_id=found.id,
        title=f"Subject access record: {found.name}",
        produced_at=utcnow(),
        produced_by=actor.name,
        sections=victim.victim_sections(found),
        withheld=victim.WITHHELD,
    )
    audit.record(
        "subject_access.produced",
        "victim",
        found.id,
        actor=actor,
        details={"subject": "victim", "case_id": str(found.case_id), "format": output.value},
    )
    db.session.commit()
    return result
