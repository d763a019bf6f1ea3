"""Cards, charts and tables of the reports about services and experience: partners,
victims and people's voice."""

from __future__ import annotations

from app.reports.charts import Bar, bar_chart
from app.reports.partners import DECLINE_REASON_LABELS, PartnerRow, Partners
from app.reports.presenting import (
    NUMBER,
    PERCENT,
    TEXT,
    Card,
    Column,
    Presentation,
    Table,
    count,
    percent,
)
from app.reports.victims import Victims
from app.reports.voice import ANSWERS, SurveySummary, Voice

PARTNER_COLUMNS = (
    Column("Sent"),
    Column("Acknowledged"),
    Column("Acknowledged within the SLA"),
    Column("Within the SLA", PERCENT),
    Column("Median working days to acknowledge", NUMBER),
    Column("90th percentile working days to acknowledge", NUMBER),
    Column("Accepted"),
    Column("Declined"),
    Column("Acceptance rate", PERCENT),
    Column("Median days to the first appointment", NUMBER),
    Column("Sessions that took place"),
    Column("Attended (or late)"),
    Column("Attendance rate", PERCENT),
    Column("Achieved"),
    Column("Partly achieved"),
    Column("Not achieved"),
    Column("Open past the SLA now"),
)


def partner_cells(row: PartnerRow) -> tuple:
    return (
        row.sent,
        row.acknowledged,
        row.acknowledged_within_sla,
        row.sla_rate,
        row.median_working_days_to_acknowledge,
        row.p90_working_days_to_acknowledge,
        row.accepted,
        row.declined,
        row.acceptance_rate,
        row.median_days_to_first_appointment,
        row.sessions,
        row.attended,
        row.attendance_rate,
        row.achieved,
        row.partially_achieved,
        row.not_achieved,
        row.open_past_sla,
    )


def present_partners(report: Partners) -> Presentation:
    organisations = report.organisations
    bars = [
        Bar(row.name, row.attendance_rate, percent(row.attendance_rate)) for row in organisations
    ]
    tables = [
        Table(
            "organisations",
            "By organisation",
            (Column("Organisation", TEXT), *PARTNER_COLUMNS),
            tuple((row.name, *partner_cells(row)) for row in organisations),
        )
    ]
    if report.service_types:
        tables.append(
            Table(
                "service_types",
                "By service type",
                (Column("Service type", TEXT), *PARTNER_COLUMNS),
                tuple((row.name, *partner_cells(row)) for row in report.service_types),
                caption="An organisation with several service types counts under each.",
            )
        )
    tables.append(
        Table(
            "decline_reasons",
            "Decline reasons",
            (Column("Organisation", TEXT), Column("Reason", TEXT), Column("Referrals")),
            tuple(
                (row.name, DECLINE_REASON_LABELS.get(reason, reason), n)
                for row in organisations
                for reason, n in row.decline_reasons
            ),
        )
    )
    notes = [
        "Working days exclude weekends and England and Wales bank holidays. The SLA is "
        "the organisation's acknowledgement time, fixed when each referral was sent.",
        "Attendance: sessions attended or attended late, over the sessions that took place.",
    ]
    if report.protected:
        notes.append(
            "To protect the people behind small numbers, a count from 1 to 4 shows as "
            "“fewer than 5” and the rates built on it are not shown."
        )
    cards = ()
    if len(organisations) == 1:
        row = organisations[0]
        cards = (
            Card("Referrals sent", count(row.sent)),
            Card("Acknowledged within the SLA", percent(row.sla_rate)),
            Card("Acceptance rate", percent(row.acceptance_rate)),
            Card("Attendance rate", percent(row.attendance_rate)),
        )
    return Presentation(
        cards=cards,
        charts=(
            bar_chart(
                "attendance-chart",
                "Attendance rate by organisation",
                "; ".join(f"{b.label}: {b.text}" for b in bars) or "No sessions",
                bars,
                maximum=1,
            ),
        )
        if bars
        else (),
        tables=tuple(tables),
        notes=tuple(notes),
    )


def survey_table(key: str, title: str, survey: SurveySummary) -> Table:
    return Table(
        key,
        title,
        (
            Column("Question", TEXT),
            Column("Answered"),
            *(Column(f"Answered {n}") for n in ANSWERS),
            Column("Mean (1 to 5)", NUMBER),
            Column("Answered 4 or 5", PERCENT),
        ),
        tuple((q.label, q.answered, *q.answers, q.mean, q.positive_rate) for q in survey.questions),
        caption=f"Surveys: {survey.surveys}. Answers run from 1 (worst) to 5 (best).",
    )


def _survey_chart(chart_id: str, title: str, survey: SurveySummary):
    bars = [Bar(q.label, q.positive_rate, percent(q.positive_rate)) for q in survey.questions]
    return bar_chart(
        chart_id, title, "; ".join(f"{b.label}: {b.text}" for b in bars), bars, maximum=1
    )


def present_victims(report: Victims) -> Presentation:
    rows = (
        ("Victims", report.victims),
        ("Views recorded in a consultation", report.consulted),
        ("Asked for updates", report.want_updates),
        ("With enhanced rights", report.enhanced_rights),
        ("Updates due", report.updates_due),
        ("Updates given on time", report.updates_on_time),
        ("Updates given late", report.updates_late),
        ("Updates overdue, not given", report.updates_overdue),
        ("Updates not yet due", report.updates_not_yet_due),
    )
    return Presentation(
        cards=(
            Card("Victims", count(report.victims)),
            Card("Consulted", percent(report.consulted_rate)),
            Card("Updates on time", percent(report.on_time_rate), f"of {report.updates_due} due"),
        ),
        charts=(_survey_chart("victim-survey-chart", "Victims answering 4 or 5", report.survey),),
        tables=(
            Table("victims", "Victims", (Column("Measure", TEXT), Column("Number")), rows),
            survey_table("victim_survey", "Victims' ending survey", report.survey),
        ),
        notes=(
            "After the contract is agreed and after the outcome, each victim who wants "
            "updates is due one within 5 working days (1 with enhanced rights), as the "
            "Victims' Code sets out.",
        ),
    )


def present_voice(report: Voice) -> Presentation:
    return Presentation(
        cards=(
            Card("Ending surveys", count(report.survey.surveys)),
            Card("Response rate", percent(report.response_rate), f"of {report.ended} ended"),
        )
        + tuple(
            Card(f"{q.label}: 4 or 5", percent(q.positive_rate)) for q in report.survey.questions
        ),
        charts=(_survey_chart("voice-chart", "People answering 4 or 5", report.survey),),
        tables=(survey_table("person_survey", "The person's ending survey", report.survey),),
        notes=(
            "Perceived police legitimacy: how far the person agrees that the police act "
            "fairly, asked in the ending survey.",
        ),
    )
