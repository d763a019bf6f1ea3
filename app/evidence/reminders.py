"""The attendance reminder (daily): an appointment that has happened and still has no
attendance recorded two working days later (the appointment's day not counting) reminds
whoever records it, once: the partner organisation's users for an appointment on an open
referral, the case's keyworker for a one-to-one. It is the same test as the "attendance
to record" list (app.evidence.lists.awaiting_attendance_at)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select

from app.auth.models import User
from app.cases.models import Case
from app.database import utcnow
from app.dates import end_of_day_utc, today_in_london
from app.evidence.lists import awaiting_attendance_at
from app.evidence.models import Appointment
from app.extensions import db
from app.notifications.reminders import remind_once
from app.notifications.services import notify, notify_all, organisation_users
from app.referrals.models import Referral
from app.text import long_date
from app.workdays import add_working_days

KIND = "appointment.attendance_due"
WORKING_DAYS = 2


def last_day_due(today: date) -> date:
    """The latest appointment day that is ``WORKING_DAYS`` working days old by ``today``."""
    day = today
    while add_working_days(day, WORKING_DAYS) > today:
        day -= timedelta(days=1)
    return day


def send_reminders(now: datetime | None = None) -> int:
    now = now or utcnow()
    up_to = min(now, end_of_day_utc(last_day_due(today_in_london(now))))
    query = (
        select(
            Appointment.id,
            Appointment.starts_at,
            Appointment.referral_id,
            Appointment.created_by_id,
            Referral.organisation_id,
            Case.keyworker_id,
        )
        .join(Case, Case.id == Appointment.case_id)
        .outerjoin(Referral, Referral.id == Appointment.referral_id)
        .where(awaiting_attendance_at(up_to))
    )
    return remind_once(KIND, query, Appointment.id, _remind)


def _remind(row) -> int:
    subject = "Attendance to record"
    body = (
        f"An appointment on {long_date(today_in_london(row.starts_at))} still has no "
        "attendance recorded. Please record whether the person attended. "
        "Sign in to the hub to record it."
    )
    options = {
        "link_path": f"/appointments/{row.id}",
        "object_type": "appointment",
        "object_id": row.id,
    }
    if row.referral_id is not None:
        return notify_all(organisation_users(row.organisation_id), KIND, subject, body, **options)
    keyworker = db.session.get(User, row.keyworker_id or row.created_by_id)
    return 1 if notify(keyworker, KIND, subject, body, **options) is not None else 0
