"""The first session that took place on an accepted referral starts it (in progress), from
the page's service and the API alike; nothing else recorded about a session does."""

from __future__ import annotations

import pytest

from app.evidence import attendance
from app.referrals import lifecycle
from app.referrals.models import Referral
from tests.evidence.support import past
from tests.referrals import support


def _accept(world):
    lifecycle.transition(world.partner, world.referral.id, "accepted")


@pytest.mark.parametrize("status", ["attended", "late", "did_not_attend"])
def test_the_first_session_on_an_accepted_referral_starts_it(world, status):
    _accept(world)
    appointment = world.book(starts_at=past(hours=2))

    world.attend(
        appointment, status, absence_reason="no_reason" if status == "did_not_attend" else None
    )

    referral = support.fresh(Referral, world.referral.id)
    assert referral.status == "in_progress"
    latest = support.transitions(world.referral)[-1]
    assert (latest.from_status, latest.to_status, latest.actor_id) == (
        "accepted",
        "in_progress",
        world.partner.id,
    )
    assert support.audit_actions(world.referral.id)[-1] == "referral.started"
    assert "the first session was recorded" in support.events(world.case)[-1].summary


def test_a_session_that_did_not_take_place_starts_nothing(world):
    _accept(world)
    appointment = world.book(starts_at=past(hours=2))

    attendance.cancel_appointment(world.partner, appointment.id, "Our worker was ill")

    assert support.fresh(Referral, world.referral.id).status == "accepted"


@pytest.mark.parametrize("status", ["sent", "acknowledged", "in_progress"])
def test_attendance_on_a_referral_not_accepted_leaves_its_status(world, status):
    support.set_status(world.referral, status)
    before = len(support.transitions(world.referral))
    world.attend(world.book(starts_at=past(hours=2)))

    assert support.fresh(Referral, world.referral.id).status == status
    assert len(support.transitions(world.referral)) == before


def test_a_correction_saying_the_session_took_place_starts_it(world):
    _accept(world)
    appointment = world.book(starts_at=past(hours=2))
    attendance.cancel_appointment(world.partner, appointment.id, "Our worker was ill")
    assert support.fresh(Referral, world.referral.id).status == "accepted"

    world.attend(appointment, correction_reason="It went ahead with a colleague")

    assert support.fresh(Referral, world.referral.id).status == "in_progress"


def test_a_correction_does_not_move_a_referral_past_accepted(world):
    _accept(world)
    appointment = world.book(starts_at=past(hours=2))
    world.attend(appointment)
    lifecycle.transition(world.partner, world.referral.id, "completed", outcome="achieved")
    before = len(support.transitions(world.referral))

    world.attend(appointment, "late", correction_reason="They came 20 minutes late")

    assert support.fresh(Referral, world.referral.id).status == "completed"
    assert len(support.transitions(world.referral)) == before


def test_the_api_starts_the_referral_with_the_first_attendance(client, world):
    _accept(world)
    appointment = world.book(starts_at=past(hours=2))

    answer = client.post(
        f"/api/v1/appointments/{appointment.id}/attendance",
        json={"status": "attended"},
        headers=support.headers_for(world.partner),
    )

    assert answer.status_code == 200
    referral = client.get(
        f"/api/v1/referrals/{world.referral.id}", headers=support.headers_for(world.partner)
    )
    assert referral.json["status"] == "in_progress"
