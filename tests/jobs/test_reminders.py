"""The daily reminders: each reminds the people who must act, once per object, and says
nothing about the person (the outbox's rule): what is due, by when, and a link."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.auth.roles import Role
from app.cases.models import CaseStatus
from app.consent import reminders as consent_reminders
from app.database import utcnow
from app.dates import end_of_day_utc, today_in_london
from app.evidence import reminders as attendance_reminders
from app.evidence import services as evidence_services
from app.extensions import db
from app.jobs.runner import runner_of
from app.notifications.models import Notification
from app.outcomes import reminders as check_reminders
from app.outcomes.models import ReoffendingCheck
from app.victims import reminders as victim_reminders
from app.victims.models import VictimUpdate
from tests import factories
from tests.evidence.support import World as EvidenceWorld
from tests.evidence.support import past
from tests.victims import support as victim_support
from tests.victims.support import event


def reminders(kind: str) -> list[Notification]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            sa.select(Notification).where(Notification.kind == kind).order_by(Notification.id)
        )
    )


def assert_says_nothing_about_the_person(notification: Notification, *secrets: str) -> None:
    text = f"{notification.subject}\n{notification.body}\n{notification.link_path}"
    for secret in secrets:
        assert secret not in text


# Attendance ------------------------------------------------------------------------------


def test_attendance_not_recorded_two_working_days_later_reminds_the_partner_once(app):
    world = EvidenceWorld.build()
    colleague = factories.user(Role.PARTNER, organisation_id=world.org.id)
    appointment = world.book(starts_at=past(days=1))
    the_next_day = appointment.starts_at + timedelta(days=1)
    assert attendance_reminders.send_reminders(now=the_next_day) == 0
    a_week_later = appointment.starts_at + timedelta(days=7)
    assert attendance_reminders.send_reminders(now=a_week_later) == 1
    sent = reminders(attendance_reminders.KIND)
    assert {n.recipient_id for n in sent} == {world.partner.id, colleague.id}
    assert {n.link_path for n in sent} == {f"/appointments/{appointment.id}"}
    assert_says_nothing_about_the_person(
        sent[0], world.case.person.given_name, world.case.crime_reference, world.org.name
    )
    assert attendance_reminders.send_reminders(now=a_week_later) == 0  # once


def test_recorded_attendance_and_one_to_ones(app):
    world = EvidenceWorld.build()
    recorded = world.book(starts_at=past(days=10))
    world.attend(recorded)
    one_to_one = evidence_services.record_one_to_one(
        world.keyworker, world.case.id, starts_at=past(days=10), mode="in_person"
    )
    assert attendance_reminders.send_reminders() == 1
    [sent] = reminders(attendance_reminders.KIND)
    assert (sent.recipient_id, sent.object_id) == (world.keyworker.id, str(one_to_one.id))


@pytest.mark.parametrize(
    ("today", "last_day"),
    [
        ("2026-12-04", "2026-12-02"),  # Friday: Wednesday's appointments
        ("2026-12-07", "2026-12-03"),  # Monday: Thursday's (Friday's are due on Tuesday)
        ("2026-12-29", "2026-12-23"),  # after Christmas Day and Boxing Day (Mon 28th)
    ],
)
def test_two_working_days_count_weekends_and_bank_holidays_out(today, last_day):
    from datetime import date

    assert attendance_reminders.last_day_due(date.fromisoformat(today)) == date.fromisoformat(
        last_day
    )


# Victim updates --------------------------------------------------------------------------


def test_a_victim_update_due_by_the_next_working_day_reminds_the_liaison_staff(app):
    liaison = factories.user(Role.VICTIM_LIAISON)
    case = factories.case(status=CaseStatus.ACTIVE)
    standard = victim_support.victim(case)
    enhanced = victim_support.victim(case, name="Esme Enhanced", enhanced_rights=True)
    event(case, "contract.agreed", utcnow() - timedelta(hours=1))
    # Five working days for most victims; one for a victim with enhanced rights.
    assert victim_reminders.send_reminders() == 1
    [sent] = reminders(victim_reminders.KIND)
    assert (sent.recipient_id, sent.object_id) == (liaison.id, str(enhanced.id))
    assert sent.link_path == f"/victims/cases/{case.id}"
    assert_says_nothing_about_the_person(sent, "Esme", "Vera", case.person.given_name)
    assert victim_reminders.send_reminders() == 0
    assert str(standard.id) not in {n.object_id for n in reminders(victim_reminders.KIND)}


def test_each_decision_owed_is_reminded_once(app):
    liaison = factories.user(Role.VICTIM_LIAISON)
    case = factories.case(status=CaseStatus.ACTIVE)
    victim = victim_support.victim(case)
    event(case, "contract.agreed", utcnow() - timedelta(days=30))
    assert victim_reminders.send_reminders() == 1  # overdue, never reminded
    assert victim_reminders.send_reminders() == 0
    # Weeks later: the victim was told, then a new decision is owed an update.
    [first] = reminders(victim_reminders.KIND)
    first.created_at = utcnow() - timedelta(days=25)
    db.session.add(
        VictimUpdate(
            case_id=case.id,
            victim_id=victim.id,
            method="phone",
            summary="Told about the contract",
            given_at=utcnow() - timedelta(days=20),
            given_by_id=liaison.id,
        )
    )
    db.session.commit()
    event(case, "case.completed", utcnow() - timedelta(days=10))
    assert victim_reminders.send_reminders() == 1
    assert victim_reminders.send_reminders() == 0


def test_without_liaison_staff_the_keyworker_is_reminded(app):
    case = factories.case(status=CaseStatus.ACTIVE)
    victim_support.victim(case)
    victim_support.victim(case, wants_updates=False)
    event(case, "contract.agreed", utcnow() - timedelta(days=30))
    assert victim_reminders.send_reminders() == 1
    [sent] = reminders(victim_reminders.KIND)
    assert sent.recipient_id == case.keyworker_id


# Reoffending checks ----------------------------------------------------------------------


def test_a_reoffending_check_that_falls_due_reminds_the_administrators_once(app):
    admin, other_admin = factories.user(Role.ADMIN), factories.user(Role.ADMIN)
    factories.user(Role.ADMIN, active=False)
    today = today_in_london()
    due = ReoffendingCheck(case_id=factories.case().id, due_on=today)
    later = ReoffendingCheck(case_id=factories.case().id, due_on=today + timedelta(days=1))
    done = ReoffendingCheck(
        case_id=factories.case().id, due_on=today - timedelta(days=3), checked_at=utcnow()
    )
    db.session.add_all([due, later, done])
    db.session.commit()
    assert runner_of(app).run("reminders.reoffending_checks") == {"reminded": 1}
    sent = reminders(check_reminders.KIND)
    assert {(n.recipient_id, n.object_id) for n in sent} == {
        (admin.id, str(due.id)),
        (other_admin.id, str(due.id)),
    }
    assert sent[0].link_path == f"/reoffending-checks/{due.id}"
    assert check_reminders.send_reminders() == 0


# Consents --------------------------------------------------------------------------------


def test_a_consent_expiring_within_30_days_reminds_the_keyworker_once(app):
    case = factories.case(status=CaseStatus.ACTIVE)
    org = factories.organisation(name="Riverside Recovery")
    soon = end_of_day_utc(today_in_london() + timedelta(days=10))
    expiring = factories.consent(case, org, expires_at=soon)
    factories.consent(case, factories.organisation(), expires_at=soon + timedelta(days=60))
    factories.consent(case, factories.organisation(), expires_at=soon, withdrawn_at=utcnow())
    closed = factories.case(status=CaseStatus.COMPLETED)
    factories.consent(closed, factories.organisation(), expires_at=soon)
    assert consent_reminders.send_reminders() == 1
    [sent] = reminders(consent_reminders.KIND)
    assert (sent.recipient_id, sent.object_id) == (case.keyworker_id, str(expiring.id))
    assert sent.link_path == f"/cases/{case.id}/consents"
    assert_says_nothing_about_the_person(sent, "Riverside", case.person.given_name)
    assert consent_reminders.send_reminders() == 0


@pytest.mark.committed
def test_two_runs_at_once_never_remind_twice(app):
    """PostgreSQL: a run skips the rows another run holds (SKIP LOCKED)."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("row locks: PostgreSQL only (SQLite has one writer at a time)")
    case = factories.case(status=CaseStatus.ACTIVE)
    consent = factories.consent(
        case, expires_at=end_of_day_utc(today_in_london() + timedelta(days=5))
    )
    with db.engine.connect() as other_run:
        other_run.execute(
            sa.text("SELECT id FROM consents WHERE id = :id FOR UPDATE"), {"id": consent.id}
        )
        assert consent_reminders.send_reminders() == 0  # held by the other run: skipped
        other_run.rollback()
    assert consent_reminders.send_reminders() == 1
