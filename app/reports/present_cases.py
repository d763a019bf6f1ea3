"""Cards, charts and tables of the reports about the cases themselves: the funnel,
outcomes, client progress, compliance, and reoffending and evaluation."""

from __future__ import annotations

from app.cases.eligibility import RULES_BY_CODE
from app.outcomes.codes import OUTCOME_24_FROM
from app.reports.charts import Bar, bar_chart
from app.reports.compliance import DECISION_LABELS, Compliance
from app.reports.evaluation import MINIMUM_CHECKS, Evaluation
from app.reports.funnel import Funnel
from app.reports.outcomes import Outcomes
from app.reports.presenting import (
    NUMBER,
    PERCENT,
    TEXT,
    Card,
    Column,
    Presentation,
    Table,
    count,
    number,
    percent,
)
from app.reports.progress import Progress
from app.text import long_date

FIGURE = (Column("Measure", TEXT), Column("Number"))


def _counts_chart(chart_id: str, title: str, rows: list[tuple[str, int]]) -> object:
    description = "; ".join(f"{label}: {n}" for label, n in rows)
    return bar_chart(chart_id, title, description, [Bar(lbl, n, count(n)) for lbl, n in rows])


def present_funnel(report: Funnel) -> Presentation:
    stages = [
        ("Referred into the team", report.referred),
        ("Eligible", report.eligible),
        ("Allocated", report.allocated),
        ("Contract agreed", report.contracts),
        ("Completed", report.completed),
    ]
    others = [
        ("Ineligible", report.ineligible),
        ("Opted out before the contract", report.opted_out_before_contract),
        ("Opted out after the contract", report.opted_out_after_contract),
        ("Opted out (all)", report.opted_out),
        ("Breached", report.breached),
        ("Still active", report.active),
    ]
    rules = tuple(
        (RULES_BY_CODE[code].text() if code in RULES_BY_CODE else code, n)
        for code, n in sorted(report.ineligible_by_rule.items(), key=lambda item: -item[1])
    )
    return Presentation(
        cards=(
            Card("Referred into the team", count(report.referred)),
            Card("Contracts agreed", count(report.contracts)),
            Card("Completed", count(report.completed)),
            Card("Still active", count(report.active)),
            Card(
                "Median days from referral to allocation",
                number(report.median_days_to_allocation),
            ),
            Card(
                "Median days from referral to the contract", number(report.median_days_to_contract)
            ),
        ),
        charts=(_counts_chart("funnel-chart", "Cases at each stage", stages),),
        tables=(
            Table("stages", "Cases at each stage", FIGURE, tuple(stages + others)),
            Table(
                "ineligible",
                "Ineligible cases by the rule that failed",
                (Column("Rule", TEXT), Column("Cases")),
                rules,
                caption="A case that failed several rules counts under each of them.",
            ),
            Table(
                "timing",
                "Days from referral into the team",
                (Column("Measure", TEXT), Column("Median days", NUMBER)),
                (
                    ("To allocation", report.median_days_to_allocation),
                    ("To the contract agreed", report.median_days_to_contract),
                ),
            ),
            Table(
                "keyworkers",
                "Cases per keyworker",
                (
                    Column("Keyworker", TEXT),
                    Column("Active cases now"),
                    Column("Allocations"),
                    Column("Allocations per month", NUMBER),
                ),
                tuple(
                    (k.name, k.active_now, k.allocations, k.allocations_per_month)
                    for k in report.keyworkers
                ),
            ),
            Table(
                "allocations_by_month",
                "Allocations per month",
                (Column("Month", TEXT), Column("Allocations")),
                tuple((m.month, m.count) for m in report.allocations_by_month),
            ),
        ),
    )


def present_outcomes(report: Outcomes) -> Presentation:
    rows = [
        ("Outcome 24 (deferred prosecution, adult)", report.outcome_24),
        ("Outcome 23 (deferred prosecution, child)", report.outcome_23),
        (f"Outcome 22 (completions before {long_date(OUTCOME_24_FROM)})", report.outcome_22),
        ("Charge after a breach", report.charged_after_breach),
        ("Charge after opting out", report.charged_after_opt_out),
    ]
    return Presentation(
        cards=(
            Card("Completion rate", percent(report.completion_rate), f"of {report.ended} ended"),
            Card(
                "Never returned for breach",
                percent(report.never_breached_rate),
                f"of {report.contracts_ended} contracts ended",
            ),
            Card("Outcome+ (the hub's part)", count(report.outcome_plus_hub_part)),
        ),
        charts=(_counts_chart("outcomes-chart", "Outcomes", rows),),
        tables=(
            Table("outcomes", "Outcomes", (Column("Outcome", TEXT), Column("Cases")), tuple(rows)),
            Table(
                "rates",
                "Completion",
                (
                    Column("Measure", TEXT),
                    Column("Cases"),
                    Column("Of", NUMBER),
                    Column("Rate", PERCENT),
                ),
                (
                    ("Completed", report.completed, report.ended, report.completion_rate),
                    (
                        "Never returned for breach",
                        report.contracts_ended - report.breached,
                        report.contracts_ended,
                        report.never_breached_rate,
                    ),
                ),
            ),
            Table(
                "outcome_plus",
                "Outcome+ (the hub's part)",
                FIGURE,
                (
                    ("Resolutions (outcomes 22, 23 and 24)", report.resolutions),
                    ("Charges after a breach or an opt-out", report.charge),
                    ("The hub's part of Outcome+", report.outcome_plus_hub_part),
                ),
            ),
        ),
        notes=(
            "The completion rate is completed cases over all cases with a decided outcome "
            "(completed, breached or opted out).",
            f"Completions decided before {long_date(OUTCOME_24_FROM)} count as outcome 22, "
            "the code then in force.",
            "The force's Outcome+ counts positive outcomes and outcome 22, 23 and 24 "
            "resolutions across all crime. The hub counts only its own part: the "
            "resolutions of its cases and the charges after a breach or an opt-out.",
        ),
    )


def present_progress(report: Progress) -> Presentation:
    bars = [
        Bar(d.label, d.improved_rate, percent(d.improved_rate) if d.with_need else "No one")
        for d in report.domains
    ]
    return Presentation(
        cards=(
            Card("Exits", count(report.exits)),
            Card("Exits without an exit assessment", count(report.exits_lacking_exit_assessment)),
        ),
        charts=(
            bar_chart(
                "progress-chart",
                "Share who improved, by need domain",
                "; ".join(f"{b.label}: {b.text}" for b in bars),
                bars,
                maximum=1,
            ),
        ),
        tables=(
            Table(
                "domains",
                "Distance travelled by need domain",
                (
                    Column("Need domain", TEXT),
                    Column("People with both assessments"),
                    Column("Mean level at the start", NUMBER),
                    Column("Mean level at exit", NUMBER),
                    Column("Distance travelled", NUMBER),
                    Column("With a need at the start"),
                    Column("Improved"),
                    Column("Improved", PERCENT),
                    Column("Got worse"),
                ),
                tuple(
                    (
                        d.label,
                        d.people,
                        d.mean_start,
                        d.mean_exit,
                        d.distance_travelled,
                        d.with_need,
                        d.improved,
                        d.improved_rate,
                        d.worse,
                    )
                    for d in report.domains
                ),
                caption="Levels: 0 no need, 1 low, 2 medium, 3 high. Distance travelled is the "
                "mean level at the start minus at exit: positive is better.",
            ),
            Table(
                "exits",
                "Exit assessments",
                FIGURE,
                (
                    ("Exits (a contract agreed, then an outcome)", report.exits),
                    ("With an exit assessment", report.exits_with_exit_assessment),
                    ("Without an exit assessment", report.exits_lacking_exit_assessment),
                ),
            ),
        ),
    )


def present_compliance(report: Compliance) -> Presentation:
    decisions = [(DECISION_LABELS[kind], n) for kind, n in report.decisions.items()]
    rows = (
        ("Concerns raised", report.concerns),
        ("Cases with a concern", report.cases_with_concerns),
        ("Concerns waiting for a decision", report.undecided),
        ("Warnings", report.warnings),
        ("Conditions varied", report.variations),
        ("Breaches", report.breaches),
    )
    return Presentation(
        cards=tuple(Card(label, count(n)) for label, n in rows[:1] + rows[3:]),
        charts=(_counts_chart("decisions-chart", "Decisions on concerns", decisions),),
        tables=(
            Table("compliance", "Compliance", FIGURE, rows),
            Table(
                "decisions",
                "Decisions on concerns, by kind",
                (Column("Decision", TEXT), Column("Decisions")),
                tuple(decisions),
            ),
        ),
    )


def present_evaluation(report: Evaluation) -> Presentation:
    groups = report.groups
    bars = [
        Bar(
            g.label,
            g.proportion.rate,
            f"{percent(g.proportion.rate)} (95% CI {percent(g.proportion.ci_low)} to "
            f"{percent(g.proportion.ci_high)})"
            if g.proportion.rate is not None
            else "No checks done",
            g.proportion.ci_low,
            g.proportion.ci_high,
        )
        for g in groups
    ]
    diff = report.difference
    warnings = tuple(
        f"{label}: fewer than {MINIMUM_CHECKS} checks done, so the rate is uncertain."
        for label in report.small_groups
    )
    return Presentation(
        cards=tuple(
            Card(
                f"Reoffended: {g.label.lower()}",
                percent(g.proportion.rate),
                f"{g.reoffended} of {g.checked} checked",
            )
            for g in groups[:2]
        )
        + (Card("Checks pending", count(report.checks_pending), "excluded from the rates"),),
        charts=(
            bar_chart(
                "evaluation-chart",
                "Reoffended within 365 days, with 95% confidence intervals",
                "; ".join(f"{b.label}: {b.text}" for b in bars),
                bars,
                maximum=1,
            ),
        ),
        tables=(
            Table(
                "evaluation",
                "Reoffending within 365 days",
                (
                    Column("Group", TEXT),
                    Column("Cases"),
                    Column("Checks due"),
                    Column("Checks done"),
                    Column("Checks not yet due"),
                    Column("Due, not recorded"),
                    Column("Reoffended"),
                    Column("Rate", PERCENT),
                    Column("95% CI low", PERCENT),
                    Column("95% CI high", PERCENT),
                    Column("Total crime harm (days)"),
                    Column("Mean crime harm (days)", NUMBER),
                ),
                tuple(
                    (
                        g.label,
                        g.cases,
                        g.checks_due,
                        g.checked,
                        g.not_yet_due,
                        g.due_unrecorded,
                        g.reoffended,
                        g.proportion.rate,
                        g.proportion.ci_low,
                        g.proportion.ci_high,
                        g.harm_total,
                        g.harm_mean,
                    )
                    for g in groups
                ),
                caption=f"Referred in the cohort: {report.referred}. Rates are of the checks "
                "done; checks not yet due, or due and not recorded, are left out and counted.",
            ),
            Table(
                "difference",
                "Completed minus opted out",
                (
                    Column("Measure", TEXT),
                    Column("Difference", PERCENT),
                    Column("95% CI low", PERCENT),
                    Column("95% CI high", PERCENT),
                ),
                (("Reoffending rate", diff.difference, diff.ci_low, diff.ci_high),),
                caption="Newcombe's method for the difference of two proportions.",
            ),
            Table(
                "cohorts",
                "Reoffending rate by cohort",
                (
                    Column("Cohort", TEXT),
                    Column("Group", TEXT),
                    Column("Completed: checks done"),
                    Column("Completed: reoffended"),
                    Column("Completed: rate", PERCENT),
                    Column("Opted out: checks done"),
                    Column("Opted out: reoffended"),
                    Column("Opted out: rate", PERCENT),
                ),
                tuple(
                    (
                        row.dimension,
                        row.label,
                        row.completed.total,
                        row.completed.count,
                        row.completed.rate,
                        row.opted_out.total,
                        row.opted_out.count,
                        row.opted_out.rate,
                    )
                    for row in report.cohorts
                ),
            ),
        ),
        notes=(report.caveat,),
        warnings=warnings,
    )
