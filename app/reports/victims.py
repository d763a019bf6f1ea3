"""Victims: consultation, updates on time against the Victims' Code, and the survey.

- victims of the cohort's cases, those whose views were recorded in a consultation, and
  those who asked for updates (and with enhanced rights);
- updates: after each key decision on a case (the contract agreed; the outcome decided)
  each victim who wants updates is owed one within 5 working days, or 1 with enhanced
  rights (the hub's due dates, ``app.victims.due``). An update to that victim or to all
  the case's victims after the decision answers it: on time when given within the
  working days allowed, late after them; with none yet it is overdue once the days
  allowed have passed, otherwise not yet due;
- the victims' ending survey (``voice.survey_summary``).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, case, func, literal, or_, select, union_all
from sqlalchemy.orm import aliased

from app.cases.models import Case, CaseEvent
from app.dates import today_in_london
from app.extensions import db
from app.reports.filters import DateBasis, ReportFilters
from app.reports.sql import EPOCH, HolidaySpan, count_where, day_number, london_date, working_days
from app.reports.voice import VICTIM_QUESTIONS, SurveySummary, survey_summary
from app.victims.due import ENHANCED_WORKING_DAYS, STANDARD_WORKING_DAYS
from app.victims.models import Victim, VictimConsultation, VictimUpdate

DEFAULT_BASIS = DateBasis.REFERRAL


@dataclass(frozen=True)
class Victims:
    victims: int
    consulted: int
    want_updates: int
    enhanced_rights: int
    updates_on_time: int
    updates_late: int
    updates_overdue: int
    updates_not_yet_due: int
    survey: SurveySummary

    @property
    def consulted_rate(self) -> float | None:
        return self.consulted / self.victims if self.victims else None

    @property
    def updates_due(self) -> int:
        return self.updates_on_time + self.updates_late + self.updates_overdue

    @property
    def on_time_rate(self) -> float | None:
        return self.updates_on_time / self.updates_due if self.updates_due else None


def victims(filters: ReportFilters) -> Victims:
    cohort = filters.cohort()
    consulted = select(VictimConsultation.victim_id).distinct().subquery("consulted")
    people = db.session.execute(
        select(
            func.count(Victim.id).label("victims"),
            count_where(consulted.c.victim_id.is_not(None)).label("consulted"),
            count_where(Victim.wants_updates.is_(True)).label("want_updates"),
            count_where(Victim.enhanced_rights.is_(True)).label("enhanced"),
        )
        .select_from(Victim)
        .outerjoin(consulted, consulted.c.victim_id == Victim.id)
        .where(Victim.case_id.in_(cohort))
    ).one()
    timeliness = _timeliness(filters, cohort)
    return Victims(
        victims=int(people.victims),
        consulted=int(people.consulted),
        want_updates=int(people.want_updates),
        enhanced_rights=int(people.enhanced),
        updates_on_time=int(timeliness.on_time),
        updates_late=int(timeliness.late),
        updates_overdue=int(timeliness.overdue),
        updates_not_yet_due=int(timeliness.not_yet_due),
        survey=survey_summary("victim", VICTIM_QUESTIONS, cohort),
    )


def _timeliness(filters: ReportFilters, cohort):
    today = today_in_london()
    holidays = HolidaySpan.between(*filters.holiday_span(today))
    allowed = case(
        (Victim.enhanced_rights.is_(True), ENHANCED_WORKING_DAYS), else_=STANDARD_WORKING_DAYS
    ).label("allowed")

    def owed_for(decided_at, source, on):
        """(decision, first update after it, days allowed) per victim wanting updates."""
        first_update = (
            select(func.min(VictimUpdate.given_at))
            .where(
                VictimUpdate.case_id == Victim.case_id,
                or_(VictimUpdate.victim_id == Victim.id, VictimUpdate.victim_id.is_(None)),
                VictimUpdate.given_at > decided_at,
            )
            .correlate(Victim, source)
            .scalar_subquery()
        )
        return (
            select(
                day_number(london_date(decided_at)).label("decided"),
                first_update.label("answered_at"),
                allowed,
            )
            .select_from(Victim)
            .join(source, on)
            .where(Victim.case_id.in_(cohort), Victim.wants_updates.is_(True))
        )

    decided = aliased(Case)
    owed = union_all(
        owed_for(
            CaseEvent.occurred_at,
            CaseEvent,
            and_(CaseEvent.case_id == Victim.case_id, CaseEvent.kind == "contract.agreed"),
        ),
        owed_for(
            decided.outcome_decided_at,
            decided,
            and_(decided.id == Victim.case_id, decided.outcome_decided_at.is_not(None)),
        ),
    ).subquery("owed")
    numbered = (
        select(
            owed.c.decided,
            owed.c.allowed,
            owed.c.answered_at,
            day_number(london_date(owed.c.answered_at)).label("answered"),
        )
        .offset(0)
        .subquery("numbered")
    )
    taken = working_days(numbered.c.decided, numbered.c.answered, holidays)
    waited = working_days(numbered.c.decided, literal((today - EPOCH).days), holidays)
    answered = numbered.c.answered_at.is_not(None)
    owed = numbered
    return db.session.execute(
        select(
            count_where(and_(answered, taken <= owed.c.allowed)).label("on_time"),
            count_where(and_(answered, taken > owed.c.allowed)).label("late"),
            count_where(and_(~answered, waited > owed.c.allowed)).label("overdue"),
            count_where(and_(~answered, waited <= owed.c.allowed)).label("not_yet_due"),
        )
    ).one()
