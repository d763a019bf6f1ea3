"""Each compliance concern's ``first_decided_at``: when its first decision was recorded,
stored so that the work queues (the keyworker's "concerns to decide", the supervisor's
"late by keyworker") find the undecided concerns in a partial index instead of reading
every concern to look for one without a decision.

Decisions are appended and never removed, so the value changes once, when a concern's
first decision is written. A mapper event stamps it in the same flush, with the decision's
own time, whoever writes the decision through the ORM (the compliance service, the demo
data). Bulk loaders that write with Core (``flask demo scale``) write it themselves.
"""

from __future__ import annotations

from sqlalchemy import event

from app.database import stamp_first
from app.evidence.models import ComplianceConcern, ComplianceDecision


@event.listens_for(ComplianceDecision, "after_insert")
def _stamp_first_decision(_mapper, connection, decision: ComplianceDecision) -> None:
    stamp_first(
        connection, ComplianceConcern.first_decided_at, decision.concern_id, decision.decided_at
    )
