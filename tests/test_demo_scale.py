"""`flask demo scale`: generated data at national proportions that agree with each other
as the services would have left them, with a valid audit chain, only into an empty
database and never in production."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import aliased

from app import demo_scale
from app.cases.models import Case, CaseAllocation, Person
from app.contracts.models import Condition, Contract
from app.dates import today_in_london
from app.evidence.models import Appointment, AttendanceRecord
from app.extensions import db
from app.outcomes.models import OutcomeProposal, ReoffendingCheck
from app.referrals.models import Referral, ReferralTransition, referral_conditions
from app.victims.due import due_on, pending_since
from app.victims.models import Victim, VictimUpdate

ENDED = ("completed", "breached", "opted_out")
OPEN_REFERRAL = ("sent", "acknowledged", "accepted", "in_progress")


def count(query) -> int:
    return db.session.scalar(select(func.count()).select_from(query.subquery()))


@pytest.fixture
def generated(app):
    result = app.test_cli_runner().invoke(args=["demo", "scale", "--cases", "60"])
    assert result.exit_code == 0, result.output
    assert "Generated 60 cases." in result.output
    return app


def test_every_row_belongs_to_a_case_that_exists(generated):
    assert db.session.scalar(select(func.count()).select_from(Case)) == 60
    assert (
        count(
            select(Case.id)
            .outerjoin(Person, Case.person_id == Person.id)
            .where(Person.id.is_(None))
        )
        == 0
    )
    for model in (Referral, Appointment, Victim, VictimUpdate, Contract, CaseAllocation):
        orphans = (
            select(model.id).outerjoin(Case, model.case_id == Case.id).where(Case.id.is_(None))
        )
        assert count(orphans) == 0, model.__name__
    assert count(select(Referral.id)) > 60 * 2
    # An appointment belongs to its referral's case; a referral's condition to its case's contract.
    assert (
        count(select(Appointment.id).join(Referral).where(Referral.case_id != Appointment.case_id))
        == 0
    )
    linked = (
        select(Referral.id)
        .join(referral_conditions, referral_conditions.c.referral_id == Referral.id)
        .join(Condition, Condition.id == referral_conditions.c.condition_id)
        .join(Contract, Contract.id == Condition.contract_id)
        .where(Contract.case_id != Referral.case_id)
    )
    assert count(linked) == 0
    # Attendance is recorded only for sessions that have happened.
    future = (
        select(AttendanceRecord.id)
        .join(Appointment)
        .where(Appointment.starts_at > AttendanceRecord.recorded_at)
    )
    assert count(future) == 0


def test_statuses_agree_with_the_moves_that_led_to_them(generated):
    later = aliased(ReferralTransition)
    last_moves = (
        select(ReferralTransition)
        .where(
            ~select(later.id)
            .where(
                later.referral_id == ReferralTransition.referral_id,
                later.id > ReferralTransition.id,
            )
            .exists()
        )
        .subquery()
    )
    disagree = (
        select(Referral.id)
        .join(last_moves, last_moves.c.referral_id == Referral.id)
        .where(last_moves.c.to_status != Referral.status)
    )
    assert count(disagree) == 0
    assert (
        count(
            select(Referral.id).where(
                ~select(ReferralTransition.id)
                .where(ReferralTransition.referral_id == Referral.id)
                .exists()
            )
        )
        == 0
    )
    # Each move starts where the one before it ended.
    moves = db.session.execute(
        select(
            ReferralTransition.referral_id,
            ReferralTransition.from_status,
            ReferralTransition.to_status,
        ).order_by(ReferralTransition.referral_id, ReferralTransition.id)
    ).all()
    previous = {}
    for referral_id, source, target in moves:
        assert source == previous.get(referral_id), (referral_id, source, previous.get(referral_id))
        previous[referral_id] = target
    # An ended case's outcome was decided and approved, it has a reoffending check, and
    # none of its referrals is still open.
    ended = select(Case.id).where(Case.status.in_(ENDED))
    assert count(ended) > 0
    assert count(ended.where(Case.outcome_decided_at.is_(None))) == 0
    approved = select(OutcomeProposal.case_id).where(OutcomeProposal.decision == "approved")
    assert count(ended.where(Case.id.not_in(approved))) == 0
    assert count(ended.where(Case.id.not_in(select(ReoffendingCheck.case_id)))) == 0
    assert (
        count(
            select(Referral.id)
            .join(Case)
            .where(Case.status.in_(ENDED), Referral.status.in_(OPEN_REFERRAL))
        )
        == 0
    )
    # An active case has a contract; an unallocated one has no keyworker.
    assert (
        count(
            select(Case.id).where(Case.status == "active", Case.id.not_in(select(Contract.case_id)))
        )
        == 0
    )
    assert (
        count(select(Case.id).where(Case.status == "eligible", Case.keyworker_id.is_not(None))) == 0
    )
    assert count(select(Case.id).where(Case.status == "active")) > 0
    # Partners book sessions up to two weeks ahead, not further.
    latest = db.session.scalar(select(func.max(Appointment.starts_at)))
    assert latest.date() <= today_in_london() + timedelta(days=15)


def test_each_victims_stored_owed_date_is_the_one_the_rule_gives(generated):
    rows = db.session.execute(select(Victim.owed_since, pending_since(Victim))).all()
    assert rows and all(stored == computed for stored, computed in rows)
    assert any(stored is not None for stored, _ in rows)
    dues = db.session.execute(
        select(Victim.owed_since, Victim.enhanced_rights, Victim.update_due_on)
    ).all()
    assert all(
        stored == (due_on(owed, enhanced) if owed is not None else None)
        for owed, enhanced, stored in dues
    )


def test_the_audit_chain_verifies_and_a_second_run_is_refused(generated):
    runner = generated.test_cli_runner()
    verified = runner.invoke(args=["audit", "verify"])
    assert verified.exit_code == 0 and "chain intact" in verified.output
    again = runner.invoke(args=["demo", "scale", "--cases", "5"])
    assert again.exit_code != 0
    assert "already has data" in again.output
    assert db.session.scalar(select(func.count()).select_from(Case)) == 60


def test_never_in_production(app):
    app.config["HUB_ENV"] = "production"
    with pytest.raises(demo_scale.RefusedError):
        demo_scale.load_scale(5)
    assert db.session.scalar(select(func.count()).select_from(Case)) == 0


def _index_definitions() -> set[tuple]:
    if db.session.get_bind().dialect.name == "postgresql":
        query = "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema()"
    else:
        query = "SELECT name, sql FROM sqlite_master WHERE type = 'index'"
    found = set()
    for name, definition in db.session.execute(text(query)).all():
        # PostgreSQL prints a rebuilt partial index's predicate in its own normal form:
        # compare the columns, and the values the predicate names.
        head, _, predicate = (definition or "").partition(" WHERE ")
        found.add((name, head, frozenset(re.findall(r"'([^']*)'", predicate))))
    return found


def test_every_index_is_there_after_the_load_as_before(app):
    """On PostgreSQL the load drops the plain indexes and builds them after the rows."""
    before = _index_definitions()
    assert len(before) > 50
    result = app.test_cli_runner().invoke(args=["demo", "scale", "--cases", "20"])
    assert result.exit_code == 0, result.output
    assert _index_definitions() == before


def test_each_concern_stores_the_time_of_its_first_decision(generated):
    from app.evidence.models import ComplianceConcern, ComplianceDecision

    first = (
        select(func.min(ComplianceDecision.decided_at))
        .where(ComplianceDecision.concern_id == ComplianceConcern.id)
        .scalar_subquery()
    )
    rows = db.session.execute(select(ComplianceConcern.first_decided_at, first)).all()
    assert rows, "the generated cases raised no concern"
    assert any(stored is None for stored, _ in rows)
    assert any(stored is not None for stored, _ in rows)
    assert all(stored == expected for stored, expected in rows)


def test_each_referral_stores_its_latest_partner_news(generated):
    from app.referrals.models import Referral, ReferralTransition

    declined = (
        select(func.max(ReferralTransition.occurred_at))
        .where(
            ReferralTransition.referral_id == Referral.id,
            ReferralTransition.to_status == "declined",
        )
        .scalar_subquery()
    )
    rows = db.session.execute(select(Referral.partner_news_at, declined)).all()
    assert any(stored is None for stored, _ in rows)
    assert any(stored is not None for stored, _ in rows), "no generated referral was declined"
    assert all(stored == expected for stored, expected in rows)


def test_each_victim_stores_the_time_of_their_first_consultation(generated):
    from app.victims.models import Victim, VictimConsultation

    first = (
        select(func.min(VictimConsultation.recorded_at))
        .where(VictimConsultation.victim_id == Victim.id)
        .scalar_subquery()
    )
    rows = db.session.execute(select(Victim.first_consulted_at, first)).all()
    assert any(stored is None for stored, _ in rows)
    assert any(stored is not None for stored, _ in rows)
    assert all(stored == expected for stored, expected in rows)
