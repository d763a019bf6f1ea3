"""The demo data `make run` loads: through the real services, and only into an empty database;
then two years of history for the reports, the same every time."""

from sqlalchemy import func, select

from app.cases.models import Case
from app.evidence.models import Appointment, ComplianceConcern
from app.extensions import db
from app.outcomes.models import ReoffendingCheck
from app.reports.evaluation import evaluation
from app.reports.filters import ReportFilters
from app.reports.funnel import funnel

DEMO = Case.crime_reference.like("DEMO/%")


def test_demo_data_loads_once_and_keeps_the_audit_chain_intact(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0, first.output
    assert "Loaded demonstration data." in first.output
    assert "keyworker@demo.hub.example" in first.output
    statuses = sorted(db.session.scalars(select(Case.status).where(DEMO)))
    assert statuses == ["active", "eligible", "ineligible"]
    # The active case has a partner's attendance evidence and a concern to decide.
    demo_case = select(Case.id).where(DEMO)
    assert (
        db.session.scalar(
            select(func.count()).select_from(Appointment).where(Appointment.case_id.in_(demo_case))
        )
        == 3
    )
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(ComplianceConcern)
            .where(ComplianceConcern.case_id.in_(demo_case))
        )
        == 1
    )
    cases = db.session.scalar(select(func.count()).select_from(Case))
    second = runner.invoke(args=["demo", "load"])
    assert "already has data" in second.output
    assert db.session.scalar(select(func.count()).select_from(Case)) == cases
    verified = runner.invoke(args=["audit", "verify"])
    assert verified.exit_code == 0 and "chain intact" in verified.output


def test_the_history_gives_the_reports_something_to_show(app):
    assert app.test_cli_runner().invoke(args=["demo", "load"]).exit_code == 0
    everything = ReportFilters()
    shown = funnel(everything)
    assert shown.referred > 300
    assert 0 < shown.ineligible < shown.eligible
    assert shown.completed > shown.breached > 0 and shown.opted_out > 0 and shown.active > 0
    ended = shown.completed + shown.breached + shown.opted_out
    assert db.session.scalar(select(func.count()).select_from(ReoffendingCheck)) == ended
    table = evaluation(everything)
    completed, opted_out = table.group("completed"), table.group("opted_out")
    assert completed.checked >= 30 and opted_out.checked > 0 and table.checks_pending > 0
    # Drawn around the practice note's rate for completers (19%).
    assert 0.05 < completed.proportion.rate < 0.35
