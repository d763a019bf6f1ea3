"""A victim's stored ``first_consulted_at`` (app.victims.consulted): empty until a
consultation is recorded for them, then the time of the first, never moved by a later
one; the migration that added it fills it with the same values. "Victims not yet
consulted" reads it."""

from __future__ import annotations

from sqlalchemy import select

from app.dates import today_in_london
from app.extensions import db
from app.tasks import queue
from app.victims import liaison
from app.victims.models import Victim, VictimConsultation
from tests.helpers import refilled_by_migration, stored_by_id
from tests.victims import support


def _stored(victim_id):
    db.session.expire_all()
    return db.session.scalar(select(Victim.first_consulted_at).where(Victim.id == victim_id))


def _consult(actor, case, victim):
    details = liaison.ConsultationDetails(
        victim_id=victim.id, consulted_on=today_in_london(), views="Would like an apology"
    )
    return liaison.record_consultation(actor, case.id, details)


def test_the_first_consultation_is_stored_and_a_later_one_leaves_it(keyworker, liaison_officer):
    planted = support.planted_case("allocated", keyworker=keyworker)
    other = support.victim(planted.case, name="Oscar Other")
    victim_id, other_id = planted.victim.id, other.id
    assert _stored(victim_id) is None
    assert queue.counts(liaison_officer)["victim_consultation_missing"] == 1

    first = _consult(liaison_officer, planted.case, planted.victim)
    assert _stored(victim_id) == first.recorded_at
    assert _stored(other_id) is None
    assert queue.counts(liaison_officer)["victim_consultation_missing"] == 1  # Oscar

    _consult(keyworker, planted.case, planted.victim)
    times = db.session.scalars(
        select(VictimConsultation.recorded_at).where(VictimConsultation.victim_id == victim_id)
    ).all()
    assert len(times) == 2
    assert _stored(victim_id) == min(times) == first.recorded_at

    _consult(liaison_officer, planted.case, other)
    assert queue.counts(liaison_officer)["victim_consultation_missing"] == 0


def test_the_migration_fills_it_as_the_event_keeps_it(keyworker, liaison_officer):
    consulted = support.planted_case("allocated", keyworker=keyworker)
    waiting = support.planted_case("eligible", keyworker=keyworker)
    _consult(liaison_officer, consulted.case, consulted.victim)
    kept = stored_by_id(Victim.first_consulted_at)
    assert kept[consulted.victim.id] is not None
    assert kept[waiting.victim.id] is None

    assert refilled_by_migration("0020", Victim.first_consulted_at) == kept
