"""The demo data `make run` loads: through the real services, and only into an empty database."""

from sqlalchemy import func, select

from app.cases.models import Case
from app.evidence.models import Appointment, ComplianceConcern
from app.extensions import db


def test_demo_data_loads_once_and_keeps_the_audit_chain_intact(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0, first.output
    assert "Loaded demonstration data." in first.output
    assert "keyworker@demo.hub.example" in first.output
    statuses = sorted(db.session.scalars(select(Case.status)))
    assert statuses == ["active", "eligible", "ineligible"]
    # The active case has a partner's attendance evidence and a concern to decide.
    assert db.session.scalar(select(func.count()).select_from(Appointment)) == 3
    assert db.session.scalar(select(func.count()).select_from(ComplianceConcern)) == 1
    second = runner.invoke(args=["demo", "load"])
    assert "already has data" in second.output
    assert db.session.scalar(select(func.count()).select_from(Case)) == 3
    verified = runner.invoke(args=["audit", "verify"])
    assert verified.exit_code == 0 and "chain intact" in verified.output
