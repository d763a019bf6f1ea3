"""Case use-cases. Each public function owns its transaction."""

from __future__ import annotations

import uuid

from app.audit import services as audit
from app.cases.models import Case
from app.cases.policy import get_case_for
from app.extensions import db


def view_case(user, case_id: uuid.UUID, *, purpose: str) -> Case:
    """Read a case (personal data) for ``user``: policy-checked and audited.

    ``purpose`` names the page or API resource that shows it (e.g. "case_page",
    "consent_list"), so the audit log says what was seen.
    """
    case = get_case_for(user, case_id)
    audit.record("case.viewed", "case", case.id, actor=user, details={"purpose": purpose})
    db.session.commit()
    return case
