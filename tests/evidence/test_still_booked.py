"""After a referral completes, the appointments still booked on it are listed with a prompt
to cancel them: the partner cancels each one (recorded as not taking place because the
partner cancelled); the keyworker sees them and is asked to have them cancelled."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.database import utcnow
from app.errors import InvalidInput
from app.evidence.attendance import cancel_appointment
from app.evidence.lists import referral_appointments
from app.evidence.models import AttendanceRecord, ComplianceConcern
from app.evidence.services import AttendanceRecorded
from app.referrals import lifecycle
from app.referrals.models import Referral
from tests.dom import parse
from tests.evidence.support import past
from tests.helpers import csrf_token, sign_in
from tests.referrals.support import count, fresh, headers_for


def complete(world) -> None:
    for status in ("acknowledged", "accepted", "in_progress"):
        lifecycle.transition(world.partner, world.referral.id, status)
    lifecycle.transition(world.partner, world.referral.id, "completed", outcome="achieved")


@pytest.fixture
def completed(world):
    attended = world.book(starts_at=past(days=3))
    world.attend(attended)
    next_week = world.book(starts_at=utcnow() + timedelta(days=7))
    fortnight = world.book(starts_at=utcnow() + timedelta(days=14))
    complete(world)
    return world, [next_week, fortnight]


def booked_links(doc) -> list[str]:
    return [li.find("a").text for li in doc.by_test_id("still-booked").find_all("li")]


def test_the_partner_is_prompted_to_cancel_what_is_still_booked(client, completed):
    world, booked = completed
    sign_in(client, world.partner)
    doc = parse(client.get(f"/referrals/{world.referral.id}"))
    prompt = doc.by_test_id("still-booked")
    assert prompt.find("p").text == (
        "This referral is completed, but 2 appointments are still booked on it. Cancel them, "
        "so that nobody waits for them."
    )
    assert len(booked_links(doc)) == 2
    assert len(prompt.find_all("button")) == 2

    path = f"/appointments/{booked[0].id}/cancel"
    answer = client.post(
        path,
        data={
            "csrf_token": csrf_token(client, f"/referrals/{world.referral.id}"),
            "reason": "The referral was completed",
        },
    )
    assert answer.status_code == 302
    assert answer.headers["Location"] == f"/referrals/{world.referral.id}"
    doc = parse(client.get(answer.headers["Location"]))
    assert len(booked_links(doc)) == 1
    assert count(ComplianceConcern) == 0  # a cancellation is no missed appointment
    [row] = [
        r
        for r in referral_appointments(fresh(Referral, world.referral.id))
        if r.appointment.id == booked[0].id
    ]
    assert row.state_text == "Did not happen: the partner cancelled"


def test_the_keyworker_sees_them_and_is_asked_to_have_them_cancelled(client, completed):
    world, _ = completed
    sign_in(client, world.keyworker)
    doc = parse(client.get(f"/referrals/{world.referral.id}"))
    prompt = doc.by_test_id("still-booked")
    assert prompt.find("p").text.endswith(f"Ask {world.org.name} to cancel them.")
    assert prompt.find_all("button") == []


def test_no_prompt_while_the_referral_is_open_or_when_nothing_is_booked(client, world):
    world.book(starts_at=utcnow() + timedelta(days=7))
    sign_in(client, world.partner)
    doc = parse(client.get(f"/referrals/{world.referral.id}"))
    assert doc.find(data_testid="still-booked") is None


def test_a_cancellation_needs_a_reason_and_happens_once(completed):
    world, booked = completed
    with pytest.raises(InvalidInput) as refused:
        cancel_appointment(world.partner, booked[0].id, "  ")
    assert refused.value.errors == {"reason": "Enter why the appointment is cancelled"}
    cancel_appointment(world.partner, booked[0].id, "The referral was completed")
    with pytest.raises(AttendanceRecorded):
        cancel_appointment(world.partner, booked[0].id, "Again")
    assert count(AttendanceRecord, AttendanceRecord.appointment_id == booked[0].id) == 1


def test_the_api_cancels_in_advance_as_not_taking_place(client, completed):
    world, booked = completed
    answer = client.post(
        f"/api/v1/appointments/{booked[1].id}/attendance",
        json={"happened": False, "absence_reason": "partner_cancelled", "notes": "Closed"},
        headers=headers_for(world.partner),
    )
    assert answer.status_code == 200
    assert answer.json["state"] == "did_not_happen"
    # Attending it is still refused before it starts.
    refused = client.post(
        f"/api/v1/appointments/{booked[0].id}/attendance",
        json={"status": "attended"},
        headers=headers_for(world.partner),
    )
    assert refused.status_code == 422
