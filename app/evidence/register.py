"""The attendance register: a partner organisation's sessions of one day or one week that
have taken place and still wait for their attendance, recorded together in one submit.

Each row is its own recording (``attendance.record_attendance``: its own policy check,
audit entry and transaction), so one row's problem never stops the others: the valid
rows are saved and each refused row comes back with its message. Only the appointments
the register lists can be recorded through it, whatever ids a form sends.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select

from app.database import utcnow
from app.dates import LONDON
from app.errors import DomainError, InvalidInput
from app.evidence.attendance import AttendanceAnswer, record_attendance
from app.evidence.lists import awaiting_attendance_at
from app.evidence.models import Appointment
from app.evidence.policy import recorder_scope
from app.extensions import db
from app.pagination import Page
from app.referrals.reference import reference

PER_PAGE = 50
PERIODS = ("day", "week")


@dataclass(frozen=True)
class Period:
    kind: str  # day or week
    first: date
    last: date

    @classmethod
    def of(cls, kind: str, day: date) -> Period:
        if kind == "week":
            monday = day - timedelta(days=day.weekday())
            return cls("week", monday, monday + timedelta(days=6))
        return cls("day", day, day)

    @property
    def bounds(self) -> tuple[datetime, datetime]:
        """The period's first and after-last moments in UK time, as UTC."""
        start = datetime.combine(self.first, time.min, tzinfo=LONDON)
        end = datetime.combine(self.last + timedelta(days=1), time.min, tzinfo=LONDON)
        return start.astimezone(UTC), end.astimezone(UTC)

    def step(self, direction: int) -> date:
        return self.first + timedelta(days=direction * (7 if self.kind == "week" else 1))


@dataclass(frozen=True)
class RegisterRow:
    id: uuid.UUID
    starts_at: datetime
    mode: str
    location: str | None
    referral_id: uuid.UUID
    reference: str

    def when(self, kind: str) -> str:
        """'2:00pm' in a day's register; 'Tuesday 3 March, 2:00pm' in a week's (UK time)."""
        local = self.starts_at.astimezone(LONDON)
        clock = f"{local:%I}".lstrip("0") + f":{local:%M}" + ("am" if local.hour < 12 else "pm")
        return clock if kind == "day" else f"{local:%A} {local.day} {local:%B}, {clock}"


@dataclass(frozen=True)
class Register:
    period: Period
    rows: list[RegisterRow]
    page: Page


def register(user, period: Period, *, page: int = 1) -> Register:
    """The sessions of ``period`` that ``user``'s organisation ran, that have started and
    wait for attendance (open referrals only: not on hold, so never past consent),
    oldest first. Plain columns: no person or case record is read."""
    start, end = period.bounds
    where = (
        recorder_scope(user),
        Appointment.referral_id.is_not(None),
        awaiting_attendance_at(utcnow()),
        Appointment.starts_at >= start,
        Appointment.starts_at < end,
    )
    total = db.session.scalar(select(func.count()).select_from(Appointment).where(*where))
    found = db.session.execute(
        select(
            Appointment.id,
            Appointment.starts_at,
            Appointment.mode,
            Appointment.location,
            Appointment.referral_id,
        )
        .where(*where)
        .order_by(Appointment.starts_at, Appointment.id)
        .limit(PER_PAGE)
        .offset((page - 1) * PER_PAGE)
    ).all()
    rows = [RegisterRow(*row, reference=reference(row.referral_id)) for row in found]
    return Register(period, rows, Page(page, PER_PAGE, total or 0))


def record_register(
    user, listed: list[RegisterRow], answers: dict[uuid.UUID, AttendanceAnswer]
) -> tuple[list[uuid.UUID], dict[uuid.UUID, dict[str | None, str]]]:
    """Record each answered row that the register listed, one at a time. Returns the
    ids saved and, per refused id, the service's errors (field -> message)."""
    saved: list[uuid.UUID] = []
    refused: dict[uuid.UUID, dict[str | None, str]] = {}
    for row in listed:
        answer = answers.get(row.id)
        if answer is None:
            continue
        try:
            record_attendance(user, row.id, answer)
        except InvalidInput as invalid:
            db.session.rollback()
            refused[row.id] = dict(invalid.errors)
        except DomainError as problem:
            db.session.rollback()
            refused[row.id] = {None: problem.message}
        else:
            saved.append(row.id)
    return saved, refused
