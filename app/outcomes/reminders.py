"""The reoffending-check reminder (daily): a check that has fallen due and is not done
(app.outcomes.checks.status_clause, the checkers' 'due' list) reminds the administrators,
once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from app.auth.roles import Role
from app.database import utcnow
from app.dates import today_in_london
from app.notifications.reminders import active_users, remind_once
from app.notifications.services import notify_all
from app.outcomes.checks import CheckStatus, status_clause
from app.outcomes.models import ReoffendingCheck
from app.text import long_date

KIND = "reoffending_check.due"


def send_reminders(now: datetime | None = None) -> int:
    today = today_in_london(now or utcnow())
    query = select(ReoffendingCheck.id, ReoffendingCheck.due_on).where(
        status_clause(CheckStatus.DUE, today)
    )
    admins = active_users(Role.ADMIN)

    def remind(row) -> int:
        return notify_all(
            admins,
            KIND,
            "Reoffending check due",
            f"A reoffending check fell due on {long_date(row.due_on)}. "
            "Sign in to the hub to record it.",
            link_path=f"/reoffending-checks/{row.id}",
            object_type="reoffending_check",
            object_id=row.id,
        )

    return remind_once(KIND, query, ReoffendingCheck.id, remind)
