"""The research extract: one row per case of the cohort for an academic evaluation,
pseudonymised.

A case is named only by ``case_key``: the HMAC-SHA256 of its id under the extract key
(``RESEARCH_EXTRACT_KEY``; without one, a key derived from ``SECRET_KEY``), so the same
case has the same key in every extract made with that key, and the id cannot be worked
back from it. No name, date of birth, address, postcode or crime reference is written;
dates are given as months. ``DICTIONARY`` describes every column.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
from collections.abc import Iterator

from flask import current_app
from sqlalchemy import and_, exists, func, select
from sqlalchemy.orm import aliased

from app.assessments.models import AssessmentStage, NeedsAssessment, NeedScore
from app.cases.models import Case, Person
from app.contracts.models import Condition, ConditionType, Contract
from app.dates import today_in_london
from app.evidence.models import Appointment, AttendanceRecord
from app.evidence.queries import COUNTING
from app.extensions import db
from app.outcomes.checks import CheckStatus, status_of
from app.outcomes.models import ReoffendingCheck
from app.reports.filters import ReportFilters, age_band_of
from app.reports.funnel import first_allocations
from app.reports.sql import count_where, london_date, month_of

DICTIONARY: tuple[tuple[str, str], ...] = (
    ("case_key", "Pseudonym of the case: HMAC-SHA256 of its id under the extract key"),
    ("imported", "yes: a historic case brought in by the import; no: run in the hub"),
    ("age_band", "Age on the offence date: under_18, 18_25 or 26_plus"),
    ("sex", "female, male or not_stated"),
    (
        "ethnicity",
        "Self-defined group (2021 census): asian, black, mixed, white, other, not_stated",
    ),
    ("offence_class", "summary, either_way or indictable"),
    ("referred_month", "Month of referral into the team (YYYY-MM)"),
    ("allocated_month", "Month of the first allocation to a keyworker"),
    ("contract_start_month", "Month the contract started"),
    ("contract_end_month", "Month the contract ends or ended (16 weeks after the start)"),
    ("outcome_month", "Month the outcome was decided"),
    (
        "status",
        "The case's status: eligible, ineligible, allocated, active, completed, "
        "breached, opted_out or withdrawn",
    ),
    ("outcome_code", "24 or 23 (deferred prosecution, adult or child), 22, or charge"),
    *(
        (f"conditions_{t.value}", f"{t.label} conditions in the contract now")
        for t in ConditionType
    ),
    ("sessions_attended", "Partner and keyworker sessions attended (or attended late)"),
    (
        "distance_travelled",
        "Sum over the need domains of the start level minus the exit "
        "level (0 to 3 each); empty without both assessments",
    ),
    (
        "reoffending_check",
        "reoffended, did_not_reoffend, not_yet_due, due_not_recorded "
        "or no_check (365 days after the case ended)",
    ),
    ("reoffence_offence_class", "The reoffence's class, when recorded"),
    ("harm_days", "Crime harm of the reoffence (Cambridge Crime Harm Index, days)"),
)
COLUMNS = tuple(name for name, _ in DICTIONARY)


def extract_key() -> bytes:
    configured = current_app.config.get("RESEARCH_EXTRACT_KEY")
    if configured:
        return configured.encode("utf-8")
    secret = current_app.config["SECRET_KEY"].encode("utf-8")
    return hmac.new(secret, b"research-extract", hashlib.sha256).digest()


def case_key(case_id, key: bytes) -> str:
    return hmac.new(key, str(case_id).encode("ascii"), hashlib.sha256).hexdigest()


def _statement(filters: ReportFilters):
    cohort = filters.cohort()
    first = first_allocations()
    newer = aliased(Condition)
    current = ~exists().where(newer.supersedes_id == Condition.id)
    conditions = (
        select(
            Contract.case_id.label("case_id"),
            *(count_where(Condition.type == t.value).label(t.value) for t in ConditionType),
        )
        .join(Condition, Condition.contract_id == Contract.id)
        .where(current)
        .group_by(Contract.case_id)
        .subquery("conditions")
    )
    correction = aliased(AttendanceRecord)
    sessions = (
        select(
            Appointment.case_id.label("case_id"),
            func.count(func.distinct(Appointment.id)).label("attended"),
        )
        .join(AttendanceRecord, AttendanceRecord.appointment_id == Appointment.id)
        .where(
            Appointment.rescheduled_at.is_(None),
            AttendanceRecord.happened.is_(True),
            AttendanceRecord.status.in_(COUNTING),
            ~exists().where(correction.corrects_id == AttendanceRecord.id),
        )
        .group_by(Appointment.case_id)
        .subquery("sessions")
    )
    start, end = aliased(NeedsAssessment), aliased(NeedsAssessment)
    start_score, end_score = aliased(NeedScore), aliased(NeedScore)
    distance = (
        select(
            start.case_id.label("case_id"),
            func.sum(start_score.level - end_score.level).label("travelled"),
        )
        .join(start_score, start_score.assessment_id == start.id)
        .join(end, and_(end.case_id == start.case_id, end.stage == AssessmentStage.EXIT.value))
        .join(
            end_score,
            and_(end_score.assessment_id == end.id, end_score.domain == start_score.domain),
        )
        .where(start.stage == AssessmentStage.INITIAL.value)
        .group_by(start.case_id)
        .subquery("distance")
    )
    return (
        select(
            Case.id,
            Case.imported,
            age_band_of().label("age_band"),
            Person.sex,
            Person.ethnicity,
            Case.offence_class,
            month_of(london_date(Case.created_at)).label("referred_month"),
            month_of(london_date(first.c.at)).label("allocated_month"),
            Contract.start_date,
            Contract.end_date,
            month_of(london_date(Case.outcome_decided_at)).label("outcome_month"),
            Case.status,
            Case.outcome_code,
            *(conditions.c[t.value] for t in ConditionType),
            sessions.c.attended,
            distance.c.travelled,
            ReoffendingCheck.id.label("check_id"),
            ReoffendingCheck.due_on,
            ReoffendingCheck.checked_at,
            ReoffendingCheck.reoffended,
            ReoffendingCheck.offence_class.label("reoffence_class"),
            ReoffendingCheck.harm_days,
        )
        .select_from(Case)
        .join(Person, Person.id == Case.person_id)
        .outerjoin(Contract, Contract.case_id == Case.id)
        .outerjoin(first, first.c.case_id == Case.id)
        .outerjoin(conditions, conditions.c.case_id == Case.id)
        .outerjoin(sessions, sessions.c.case_id == Case.id)
        .outerjoin(distance, distance.c.case_id == Case.id)
        .outerjoin(ReoffendingCheck, ReoffendingCheck.case_id == Case.id)
        .where(Case.id.in_(cohort))
        .order_by(Case.created_at, Case.id)
    )


def _check_result(row, today) -> str:
    if row.check_id is None:
        return "no_check"
    status = status_of(row, today)
    if status == CheckStatus.DONE:
        return "reoffended" if row.reoffended else "did_not_reoffend"
    return "not_yet_due" if status == CheckStatus.NOT_YET_DUE else "due_not_recorded"


def _month(day) -> str:
    return day.strftime("%Y-%m") if day else ""


def rows(filters: ReportFilters) -> Iterator[list]:
    """The extract's rows (COLUMNS order), read from the database in batches."""
    key = extract_key()
    today = today_in_london()
    result = db.session.execute(_statement(filters).execution_options(yield_per=1000))
    for row in result:
        yield [
            case_key(row.id, key),
            "yes" if row.imported else "no",
            row.age_band,
            row.sex,
            row.ethnicity,
            row.offence_class,
            row.referred_month or "",
            row.allocated_month or "",
            _month(row.start_date),
            _month(row.end_date),
            row.outcome_month or "",
            row.status,
            row.outcome_code or "",
            *(int(getattr(row, t.value) or 0) for t in ConditionType),
            int(row.attended or 0),
            "" if row.travelled is None else int(row.travelled),
            _check_result(row, today),
            row.reoffence_class or "",
            "" if row.harm_days is None else row.harm_days,
        ]


def csv_lines(filters: ReportFilters, described: list[tuple[str, str]]) -> Iterator[str]:
    """The extract as CSV, a line at a time: the filters first, then the rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow(["Report", "Research extract"])
    writer.writerows([label, value] for label, value in described)
    writer.writerow([])
    writer.writerow(COLUMNS)
    yield "\ufeff" + flush()
    for row in rows(filters):
        writer.writerow(row)
        yield flush()


def dictionary_csv() -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["Column", "Meaning"])
    writer.writerows(DICTIONARY)
    return buffer.getvalue().encode("utf-8-sig")
