"""Partners: how each organisation (and each service type) answered the warm
introductions made for the cohort's cases, like a provider performance report.

Definitions (SQL aggregates over the referrals of the cohort's cases):

- sent: referrals sent; acknowledged: with an acknowledgement; within the SLA:
  acknowledged by the referral's acknowledge-by date (the organisation's working days
  from sending, fixed when it was sent);
- working days to acknowledge (median and 90th percentile, interpolated as
  ``percentile_cont``): working days after the day it was sent up to the day it was
  acknowledged (UK dates, England and Wales bank holidays excluded);
- accepted: ever moved to ``accepted``; declined: declined now, with the reasons;
  acceptance rate: accepted over accepted and declined;
- days to the first appointment: calendar days from sending to the first appointment
  booked on the referral that was not rescheduled (median);
- sessions: appointments on the referrals, not rescheduled, whose attendance record
  (the last correction, if any) says the session took place; attended: those attended
  or attended late; the attendance rate is attended over sessions;
- referral outcomes: achieved, partly achieved, not achieved;
- open past the SLA now: still waiting to be acknowledged after the acknowledge-by date.

An organisation with several service types counts under each of them.

``protected`` is the partner's view: each count from 1 to 4 reads "fewer than 5" and
every rate, median or percentile built on such a count is withheld.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, fields, replace

from sqlalchemy import String, Text, and_, case, cast, exists, func, literal, select, union_all
from sqlalchemy.orm import aliased

from app.dates import today_in_london
from app.evidence.models import Appointment, AttendanceRecord
from app.evidence.queries import COUNTING
from app.extensions import db
from app.partners.models import Organisation, ServiceType
from app.referrals.models import DeclineReason, Referral, ReferralStatus, ReferralTransition
from app.reports.filters import DateBasis, ReportFilters
from app.reports.sql import (
    MEDIAN,
    P90,
    HolidaySpan,
    count_where,
    day_number,
    days_between,
    interpolate,
    london_date,
    percentile_columns,
    working_days,
)

DEFAULT_BASIS = DateBasis.REFERRAL
FEWER_THAN_5 = "fewer than 5"
DECLINE_REASON_LABELS = {
    DeclineReason.NO_CAPACITY.value: "No capacity",
    DeclineReason.NOT_ELIGIBLE.value: "Not eligible for the service",
    DeclineReason.OUTSIDE_AREA.value: "Outside the area",
    DeclineReason.PERSON_DECLINED.value: "The person declined",
    DeclineReason.OTHER.value: "Other",
}
COUNT_FIELDS = (
    "sent",
    "acknowledged",
    "acknowledged_within_sla",
    "accepted",
    "declined",
    "sessions",
    "attended",
    "achieved",
    "partially_achieved",
    "not_achieved",
    "open_past_sla",
)
# Each derived figure and the counts it is built on (withheld when one is 1 to 4).
BUILT_ON = {
    "median_working_days_to_acknowledge": ("acknowledged",),
    "p90_working_days_to_acknowledge": ("acknowledged",),
    "acceptance_rate": ("accepted", "declined"),
    "median_days_to_first_appointment": ("sent",),
    "attendance_rate": ("sessions", "attended"),
    "sla_rate": ("acknowledged_within_sla", "sent"),
}

Count = int | str  # a number, or "fewer than 5" in the partner's view


@dataclass(frozen=True)
class PartnerRow:
    key: str  # the organisation's id, or the service type
    name: str
    sent: Count = 0
    acknowledged: Count = 0
    acknowledged_within_sla: Count = 0
    accepted: Count = 0
    declined: Count = 0
    sessions: Count = 0
    attended: Count = 0
    achieved: Count = 0
    partially_achieved: Count = 0
    not_achieved: Count = 0
    open_past_sla: Count = 0
    median_working_days_to_acknowledge: float | None = None
    p90_working_days_to_acknowledge: float | None = None
    median_days_to_first_appointment: float | None = None
    acceptance_rate: float | None = None
    attendance_rate: float | None = None
    sla_rate: float | None = None
    decline_reasons: tuple[tuple[str, Count], ...] = ()

    @property
    def organisation_id(self) -> uuid.UUID | None:
        try:
            return uuid.UUID(self.key)
        except ValueError:
            return None


@dataclass(frozen=True)
class Partners:
    organisations: tuple[PartnerRow, ...]
    service_types: tuple[PartnerRow, ...]
    protected: bool = False


def _rate(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


def _with_rates(row: PartnerRow) -> PartnerRow:
    return replace(
        row,
        acceptance_rate=_rate(row.accepted, row.accepted + row.declined),
        attendance_rate=_rate(row.attended, row.sessions),
        sla_rate=_rate(row.acknowledged_within_sla, row.sent),
    )


def _small(value) -> bool:
    return isinstance(value, int) and 1 <= value <= 4


def protected(row: PartnerRow) -> PartnerRow:
    """The row as a partner sees it (small-number protection, see the module)."""
    changes = {name: FEWER_THAN_5 for name in COUNT_FIELDS if _small(getattr(row, name))}
    for derived, counts in BUILT_ON.items():
        if any(_small(getattr(row, name)) for name in counts):
            changes[derived] = None
    changes["decline_reasons"] = tuple(
        (reason, FEWER_THAN_5 if _small(n) else n) for reason, n in row.decline_reasons
    )
    return replace(row, **changes)


def partners(
    filters: ReportFilters, organisation_id: uuid.UUID | None = None, *, protect: bool = False
) -> Partners:
    """Every organisation's figures, or only ``organisation_id``'s (with ``protect``, as
    its partner sees them)."""
    scope = [Referral.case_id.in_(filters.cohort())]
    if organisation_id is not None:
        scope.append(Referral.organisation_id == organisation_id)
    today = today_in_london()
    holidays = HolidaySpan.between(*filters.holiday_span(today))
    counts = {row.organisation_id: row for row in _counts(scope, today)}
    sessions = {row.organisation_id: row for row in _sessions(scope)}
    timings = _timings(scope, holidays)
    reasons: dict = {}
    for row in _decline_reasons(scope):
        reasons.setdefault(row.organisation_id, []).append((row.reason, int(row.n)))
    wanted = set(counts) | ({organisation_id} if organisation_id else set())
    organisations = db.session.execute(
        select(Organisation.id, Organisation.name, Organisation.service_types).where(
            Organisation.id.in_(wanted)
        )
    ).all()
    rows = []
    for org in organisations:
        row = counts.get(org.id)
        session = sessions.get(org.id)
        ack = timings.get(("org", org.id.hex), {})
        values = {name: int(getattr(row, name)) if row else 0 for name in COUNT_FIELDS[:5]}
        values |= {name: int(getattr(row, name)) if row else 0 for name in COUNT_FIELDS[7:]}
        values["sessions"] = int(session.sessions) if session else 0
        values["attended"] = int(session.attended) if session else 0
        rows.append(
            (
                org.service_types or [],
                _with_rates(
                    PartnerRow(
                        key=str(org.id),
                        name=org.name,
                        **values,
                        **ack,
                        decline_reasons=tuple(sorted(reasons.get(org.id, []))),
                    )
                ),
            )
        )
    by_organisation = tuple(sorted((row for _, row in rows), key=lambda r: (r.name, r.key)))
    by_type = _service_type_rows(rows, timings)
    if protect:
        by_organisation = tuple(protected(row) for row in by_organisation)
        by_type = ()
    return Partners(organisations=by_organisation, service_types=by_type, protected=protect)


def _counts(scope, today):
    accepted = (
        select(ReferralTransition.referral_id)
        .where(ReferralTransition.to_status == ReferralStatus.ACCEPTED.value)
        .distinct()
        .subquery("accepted")
    )
    acknowledged = Referral.acknowledged_at.is_not(None)
    return db.session.execute(
        select(
            Referral.organisation_id,
            func.count(Referral.id).label("sent"),
            count_where(acknowledged).label("acknowledged"),
            count_where(
                and_(acknowledged, london_date(Referral.acknowledged_at) <= Referral.acknowledge_by)
            ).label("acknowledged_within_sla"),
            count_where(accepted.c.referral_id.is_not(None)).label("accepted"),
            count_where(Referral.status == ReferralStatus.DECLINED.value).label("declined"),
            count_where(Referral.outcome == "achieved").label("achieved"),
            count_where(Referral.outcome == "partially_achieved").label("partially_achieved"),
            count_where(Referral.outcome == "not_achieved").label("not_achieved"),
            count_where(
                and_(
                    Referral.status == ReferralStatus.SENT.value,
                    Referral.acknowledge_by < today,
                )
            ).label("open_past_sla"),
        )
        .outerjoin(accepted, accepted.c.referral_id == Referral.id)
        .where(*scope)
        .group_by(Referral.organisation_id)
    ).all()


def _sessions(scope):
    correction = aliased(AttendanceRecord)
    standing = ~exists().where(correction.corrects_id == AttendanceRecord.id)
    return db.session.execute(
        select(
            Referral.organisation_id,
            func.count(func.distinct(Appointment.id)).label("sessions"),
            func.count(
                func.distinct(case((AttendanceRecord.status.in_(COUNTING), Appointment.id)))
            ).label("attended"),
        )
        .select_from(Appointment)
        .join(Referral, Referral.id == Appointment.referral_id)
        .join(AttendanceRecord, AttendanceRecord.appointment_id == Appointment.id)
        .where(
            *scope,
            Appointment.rescheduled_at.is_(None),
            AttendanceRecord.happened.is_(True),
            standing,
        )
        .group_by(Referral.organisation_id)
    ).all()


def _types_table():
    return union_all(
        *(select(literal(t.value).label("service_type")) for t in ServiceType)
    ).subquery("service_types")


def _by_org_and_type(values_for):
    """The union of ``values_for(kind, key)`` per organisation and per service type."""
    types = _types_table()
    per_org = values_for(literal("org"), cast(Referral.organisation_id, String))
    per_type = (
        values_for(literal("type"), types.c.service_type)
        .join(Organisation, Organisation.id == Referral.organisation_id)
        .join(
            types,
            cast(Organisation.service_types, Text).like('%"' + types.c.service_type + '"%'),
        )
    )
    return union_all(per_org, per_type).subquery("timings")


def _timings(scope, holidays: HolidaySpan) -> dict:
    def acknowledgement(kind, key):
        return (
            select(
                kind.label("kind"),
                key.label("key"),
                day_number(london_date(Referral.sent_at)).label("sent"),
                day_number(london_date(Referral.acknowledged_at)).label("acknowledged"),
            )
            .select_from(Referral)
            .where(*scope, Referral.acknowledged_at.is_not(None))
        )

    first_appointment = (
        select(Appointment.referral_id, func.min(Appointment.starts_at).label("at"))
        .where(Appointment.referral_id.is_not(None), Appointment.rescheduled_at.is_(None))
        .group_by(Appointment.referral_id)
        .subquery("first_appointments")
    )

    def to_first_appointment(kind, key):
        return (
            select(
                kind.label("kind"),
                key.label("key"),
                days_between(
                    london_date(Referral.sent_at), london_date(first_appointment.c.at)
                ).label("days"),
            )
            .select_from(Referral)
            .join(first_appointment, first_appointment.c.referral_id == Referral.id)
            .where(*scope)
        )

    found: dict = {}
    dates = _by_org_and_type(acknowledgement)
    ack = select(
        dates.c.kind,
        dates.c.key,
        working_days(dates.c.sent, dates.c.acknowledged, holidays).label("days"),
    ).subquery("acknowledgements")
    for row in db.session.execute(
        percentile_columns(ack, "days", groups=("kind", "key"), quantiles=(MEDIAN, P90))
    ):
        found.setdefault((row.kind, _key(row.kind, row.key)), {}).update(
            median_working_days_to_acknowledge=interpolate(row, MEDIAN),
            p90_working_days_to_acknowledge=interpolate(row, P90),
        )
    first = _by_org_and_type(to_first_appointment)
    for row in db.session.execute(percentile_columns(first, "days", groups=("kind", "key"))):
        found.setdefault((row.kind, _key(row.kind, row.key)), {}).update(
            median_days_to_first_appointment=interpolate(row, MEDIAN)
        )
    return found


def _key(kind: str, key: str) -> str:
    return uuid.UUID(key).hex if kind == "org" else key


def _decline_reasons(scope):
    reason = func.coalesce(Referral.decline_reason, DeclineReason.OTHER.value)
    return db.session.execute(
        select(Referral.organisation_id, reason.label("reason"), func.count().label("n"))
        .where(*scope, Referral.status == ReferralStatus.DECLINED.value)
        .group_by(Referral.organisation_id, reason)
    ).all()


def _service_type_rows(rows, timings) -> tuple[PartnerRow, ...]:
    summed: dict[str, dict] = {}
    reasons: dict[str, dict[str, int]] = {}
    for service_types, row in rows:
        for service_type in service_types:
            totals = summed.setdefault(service_type, dict.fromkeys(COUNT_FIELDS, 0))
            for name in COUNT_FIELDS:
                totals[name] += getattr(row, name)
            for reason, n in row.decline_reasons:
                by_reason = reasons.setdefault(service_type, {})
                by_reason[reason] = by_reason.get(reason, 0) + n
    result = []
    for service_type in ServiceType:
        if service_type.value not in summed:
            continue
        result.append(
            _with_rates(
                PartnerRow(
                    key=service_type.value,
                    name=service_type.label,
                    **summed[service_type.value],
                    **timings.get(("type", service_type.value), {}),
                    decline_reasons=tuple(sorted(reasons.get(service_type.value, {}).items())),
                )
            )
        )
    return tuple(result)


def field_names() -> list[str]:
    return [f.name for f in fields(PartnerRow)]
