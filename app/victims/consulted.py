"""Each victim's ``first_consulted_at``: when their first consultation was recorded,
stored so that "victims not yet consulted" (the keyworker's and the victim liaison
officer's work queues, the caseload's next action) reads the few unconsulted victims from
a partial index instead of looking for a consultation of every victim of every case.

Consultations are appended and never removed (erasure blanks their text, not the row),
so the value changes once, when a victim's first consultation is written. A mapper event
stamps it in the same flush, with the consultation's own time, whoever writes it through
the ORM. Bulk loaders that write with Core (``flask demo scale``) write it themselves.
"""

from __future__ import annotations

from sqlalchemy import event

from app.database import stamp_first
from app.victims.models import Victim, VictimConsultation


@event.listens_for(VictimConsultation, "after_insert")
def _stamp_first_consultation(_mapper, connection, consultation: VictimConsultation) -> None:
    stamp_first(
        connection, Victim.first_consulted_at, consultation.victim_id, consultation.recorded_at
    )
