"""The victim-update reminder (daily): a victim whose update falls due by the next working
day (app.victims.due decides when one is due), or is already due, reminds the victim
liaison staff once for each decision the victim is owed an update about (or, where the
force has no liaison user, the case's keyworker). The reminder says only that an update
is due and by when: never who the victim is or what was decided."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from app.auth.models import User
from app.auth.roles import Role
from app.cases.models import Case
from app.database import utcnow
from app.dates import today_in_london
from app.extensions import db
from app.notifications.reminders import active_users, remind_once
from app.notifications.services import notify_all
from app.text import long_date
from app.victims import due as due_rules
from app.victims.models import Victim
from app.workdays import add_working_days

KIND = "victim_update.due"


def send_reminders(now: datetime | None = None) -> int:
    now = now or utcnow()
    today = today_in_london(now)
    by = add_working_days(today, 1)
    pending_at = Victim.owed_since.label("pending_at")
    query = (
        select(Victim.id, Victim.case_id, Victim.enhanced_rights, pending_at, Case.keyworker_id)
        .join(Case, Case.id == Victim.case_id)
        .where(Victim.wants_updates.is_(True), pending_at.is_not(None))
    )
    liaison = active_users(Role.VICTIM_LIAISON)

    def remind(row) -> int:
        due_on = due_rules.due_on(row.pending_at, bool(row.enhanced_rights))
        if due_on > by:
            return 0
        keyworker = db.session.get(User, row.keyworker_id) if row.keyworker_id else None
        recipients = liaison or [keyworker]
        return notify_all(
            recipients,
            KIND,
            "Victim update due",
            f"A victim is due an update about a decision on their case by "
            f"{long_date(due_on)}. Sign in to the hub to see it.",
            link_path=f"/victims/cases/{row.case_id}",
            object_type="victim",
            object_id=row.id,
        )

    return remind_once(KIND, query, Victim.id, remind, since=lambda row: row.pending_at)
