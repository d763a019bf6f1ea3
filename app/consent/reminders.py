"""The consent reminder (daily): a consent to share that is in force and expires within
``DAYS`` days, on a case still open, reminds the case's keyworker once, so that a new
consent can be taken before referrals stop (app.consent.rules decides what is in force).
The reminder names neither the person nor the organisation."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from app.auth.models import User
from app.cases.models import OPEN_CASE_STATUSES, Case
from app.consent import rules
from app.consent.models import Consent
from app.database import utcnow
from app.dates import today_in_london
from app.extensions import db
from app.notifications.reminders import remind_once
from app.notifications.services import notify
from app.text import long_date

KIND = "consent.expiring"


def send_reminders(now: datetime | None = None) -> int:
    now = now or utcnow()
    query = (
        select(Consent.id, Consent.case_id, Consent.expires_at, Case.keyworker_id)
        .join(Case, Case.id == Consent.case_id)
        .where(
            rules.expiring_soon_at(now),
            Case.status.in_(OPEN_CASE_STATUSES),
            Case.keyworker_id.is_not(None),
        )
    )

    def remind(row) -> int:
        written = notify(
            db.session.get(User, row.keyworker_id),
            KIND,
            "Consent to share expiring",
            f"A consent to share information on one of your cases expires on "
            f"{long_date(today_in_london(row.expires_at))}. If the person agrees, record a "
            "new consent before then. Sign in to the hub to see it.",
            link_path=f"/cases/{row.case_id}/consents",
            object_type="consent",
            object_id=row.id,
        )
        return 0 if written is None else 1

    return remind_once(KIND, query, Consent.id, remind)
