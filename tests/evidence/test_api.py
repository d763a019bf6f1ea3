"""The appointments and attendance API, as a partner system and the force see it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.cases.models import CaseEvent
from app.database import utcnow
from app.evidence.models import AttendanceRecord, ComplianceConcern
from tests.evidence.support import past
from tests.helpers import FromNow
from tests.referrals.support import audit_actions, count, headers_for, notifications_for


def iso(moment) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def book(client, world, **body):
    body = {"starts_at": iso(past()), "mode": "in_person", **body}
    return client.post(
        f"/api/v1/referrals/{world.referral.id}/appointments",
        json=body,
        headers=headers_for(world.partner),
    )


def attend(client, world, appointment_id, **body):
    return client.post(
        f"/api/v1/appointments/{appointment_id}/attendance",
        json=body,
        headers=headers_for(world.partner),
    )


def conditions(client, world) -> dict:
    answer = client.get(
        f"/api/v1/cases/{world.case.id}/conditions", headers=headers_for(world.keyworker)
    )
    assert answer.status_code == 200
    return {item["id"]: item for item in answer.json["items"]}


def test_a_partner_books_an_appointment(client, world):
    answer = book(client, world, mode="video", location=None)

    assert answer.status_code == 201
    assert answer.json["mode"] == "video"
    assert answer.json["state"] == "booked"
    assert answer.json["referral_id"] == str(world.referral.id)
    assert answer.json["attendance"] is None
    assert "appointment.booked" in audit_actions(answer.json["id"])
    assert count(CaseEvent, CaseEvent.kind == "appointment.booked") == 1


@pytest.mark.parametrize(
    "body, field",
    [
        ({"mode": "carrier_pigeon"}, "mode"),
        ({"starts_at": "tomorrow"}, "starts_at"),
        ({"starts_at": FromNow(days=400, moment=True)}, "starts_at"),
    ],
)
def test_a_booking_with_bad_details_is_refused(client, world, body, field):
    body = {k: iso(v.resolve()) if isinstance(v, FromNow) else v for k, v in body.items()}
    answer = book(client, world, **body)

    assert answer.status_code == 422
    assert answer.content_type == "application/problem+json"
    assert field in answer.json["errors"]


def test_another_organisations_referral_answers_not_found(client, world, other):
    answer = client.post(
        f"/api/v1/referrals/{other.referral.id}/appointments",
        json={"starts_at": iso(past()), "mode": "phone"},
        headers=headers_for(world.partner),
    )
    assert answer.status_code == 404

    theirs = other.book()
    for path in (f"/api/v1/appointments/{theirs.id}",):
        assert client.get(path, headers=headers_for(world.partner)).status_code == 404
    assert attend(client, world, theirs.id, status="attended").status_code == 404
    listed = client.get(
        f"/api/v1/referrals/{other.referral.id}/appointments", headers=headers_for(world.partner)
    )
    assert listed.status_code == 404


def test_case_staff_cannot_book_partner_appointments(client, world):
    answer = client.post(
        f"/api/v1/referrals/{world.referral.id}/appointments",
        json={"starts_at": iso(past()), "mode": "phone"},
        headers=headers_for(world.keyworker),
    )
    assert answer.status_code == 403


def test_attendance_counts_toward_the_linked_condition(client, world):
    before = conditions(client, world)
    # A referral that is only sent is no evidence yet.
    assert before[str(world.rehab.id)]["status"] == "not_started"
    first = book(client, world).json
    answer = attend(client, world, first["id"], status="attended", notes="Engaged well")

    assert answer.status_code == 200
    assert answer.json["state"] == "attended"
    assert answer.json["attendance"]["status"] == "attended"
    rehab = conditions(client, world)[str(world.rehab.id)]
    assert rehab["evidence"]["sessions_attended"] == 1
    assert rehab["evidence"]["required_sessions"] == 4
    assert rehab["status"] == "in_progress"
    assert [item["kind"] for item in rehab["evidence"]["items"]] == ["attendance"]
    assert rehab["evidence"]["items"][0]["source"] == world.org.name

    for status in ("late", "attended", "attended"):
        appointment = book(client, world).json
        assert attend(client, world, appointment["id"], status=status).status_code == 200

    after = conditions(client, world)
    assert after[str(world.rehab.id)]["evidence"]["sessions_attended"] == 4
    assert after[str(world.rehab.id)]["status"] == "met"
    # The restorative condition was not on the referral: nothing counts toward it.
    assert after[str(world.apology.id)]["evidence"]["sessions_attended"] == 0
    assert after[str(world.apology.id)]["status"] == "not_started"


def test_a_missed_appointment_without_acceptable_reason_raises_a_concern(client, world):
    appointment = book(client, world).json
    answer = attend(client, world, appointment["id"], status="did_not_attend")

    assert answer.status_code == 200
    assert answer.json["attendance"]["acceptable_absence"] is False
    assert answer.json["attendance"]["absence_reason"] == "no_reason"
    assert answer.json["compliance_concern_raised"] is True
    assert count(ComplianceConcern, ComplianceConcern.case_id == world.case.id) == 1
    told = [n for n in notifications_for(world.keyworker) if n.kind == "compliance_concern"]
    assert len(told) == 1
    assert told[0].link_path == f"/cases/{world.case.id}/evidence"
    concerns = client.get(
        f"/api/v1/cases/{world.case.id}/compliance-concerns", headers=headers_for(world.keyworker)
    )
    assert concerns.status_code == 200
    assert concerns.json["total"] == 1
    assert concerns.json["items"][0]["open"] is True
    # A missed session does not count toward the condition.
    rehab = conditions(client, world)[str(world.rehab.id)]
    assert rehab["evidence"]["sessions_attended"] == 0
    assert rehab["evidence"]["items"][0]["text"] == "Did not attend (not acceptable reason)"


@pytest.mark.parametrize(
    "body",
    [
        {"status": "did_not_attend", "acceptable_absence": True},
        {"status": "did_not_attend", "absence_reason": "logistics"},
        {"happened": False, "absence_reason": "partner_cancelled"},
    ],
)
def test_an_acceptable_absence_raises_no_concern(client, world, body):
    appointment = book(client, world).json
    answer = attend(client, world, appointment["id"], **body)

    assert answer.status_code == 200
    assert answer.json["attendance"]["acceptable_absence"] is True
    assert answer.json["compliance_concern_raised"] is False
    assert count(ComplianceConcern, ComplianceConcern.case_id == world.case.id) == 0
    assert not [n for n in notifications_for(world.keyworker) if n.kind == "compliance_concern"]


@pytest.mark.parametrize(
    "body, field",
    [
        ({"status": "maybe"}, "status"),
        ({"notes": "No status given"}, "status"),
        (
            {"status": "did_not_attend", "absence_reason": "no_reason", "acceptable_absence": True},
            "acceptable_absence",
        ),
        (
            {"status": "attended", "happened": False, "absence_reason": "no_reason"},
            "absence_reason",
        ),
        ({"status": "attended", "tell_keyworker_now": True}, "concern"),
        ({"status": "attended", "surprise": 1}, "surprise"),
    ],
)
def test_bad_attendance_is_refused_and_nothing_is_written(client, world, body, field):
    appointment = book(client, world).json
    answer = attend(client, world, appointment["id"], **body)

    assert answer.status_code == 422
    assert field in answer.json["errors"]
    assert count(AttendanceRecord) == 0


def test_attendance_cannot_be_recorded_before_the_appointment_day(client, world):
    appointment = book(client, world, starts_at=iso(utcnow() + timedelta(days=3))).json
    answer = attend(client, world, appointment["id"], status="attended")

    assert answer.status_code == 422
    assert answer.json["code"] == "appointment_in_future"
    assert count(AttendanceRecord) == 0


def test_a_correction_is_a_new_record_and_never_overwrites(client, world):
    appointment = book(client, world).json
    first = attend(client, world, appointment["id"], status="attended", notes="On time").json

    again = attend(client, world, appointment["id"], status="did_not_attend")
    assert again.status_code == 409
    assert again.json["code"] == "attendance_recorded"

    corrected = attend(
        client,
        world,
        appointment["id"],
        status="did_not_attend",
        correction_reason="Recorded against the wrong person's session",
    )
    assert corrected.status_code == 200
    history = corrected.json["attendance_history"]
    assert [h["status"] for h in history] == ["attended", "did_not_attend"]
    assert history[0] == first["attendance"]  # the original is exactly as it was
    assert history[1]["corrects_id"] == history[0]["id"]
    assert history[1]["correction_reason"] == "Recorded against the wrong person's session"
    assert corrected.json["attendance"]["id"] == history[1]["id"]
    # The correction now stands: the session no longer counts, and a concern is raised.
    rehab = conditions(client, world)[str(world.rehab.id)]
    assert rehab["evidence"]["sessions_attended"] == 0
    assert count(ComplianceConcern, ComplianceConcern.case_id == world.case.id) == 1
    assert "attendance.corrected" in audit_actions(appointment["id"])
    assert count(CaseEvent, CaseEvent.kind == "attendance.corrected") == 1


def test_rescheduling_keeps_the_old_appointment_with_its_reason(client, world):
    appointment = book(client, world).json
    headers = headers_for(world.partner)
    moved = client.post(
        f"/api/v1/appointments/{appointment['id']}/reschedule",
        json={"starts_at": iso(past(hours=2, days=0)), "reason": "The clinic was closed"},
        headers=headers,
    )
    assert moved.status_code == 201
    assert moved.json["reschedules_id"] == appointment["id"]
    assert moved.json["mode"] == "in_person"

    old = client.get(f"/api/v1/appointments/{appointment['id']}", headers=headers).json
    assert old["state"] == "rescheduled"
    assert old["reschedule_reason"] == "The clinic was closed"
    assert attend(client, world, appointment["id"], status="attended").status_code == 409
    twice = client.post(
        f"/api/v1/appointments/{appointment['id']}/reschedule",
        json={"starts_at": iso(past()), "reason": "Again"},
        headers=headers,
    )
    assert twice.status_code == 409
    listed = client.get(f"/api/v1/referrals/{world.referral.id}/appointments", headers=headers)
    assert listed.json["total"] == 2


def test_case_staff_read_appointments_but_only_partners_record_them(client, world, other):
    appointment = book(client, world).json
    keyworker = headers_for(world.keyworker)

    assert (
        client.get(f"/api/v1/appointments/{appointment['id']}", headers=keyworker).status_code
        == 200
    )
    answer = client.post(
        f"/api/v1/appointments/{appointment['id']}/attendance",
        json={"status": "attended"},
        headers=keyworker,
    )
    assert answer.status_code == 403
    # Another keyworker cannot see it at all.
    stranger = headers_for(other.keyworker)
    assert (
        client.get(f"/api/v1/appointments/{appointment['id']}", headers=stranger).status_code == 404
    )


def test_a_keyworker_decides_on_a_concern_and_can_vary_the_condition(client, world):
    appointment = book(client, world).json
    attend(client, world, appointment["id"], status="did_not_attend")
    headers = headers_for(world.keyworker)
    concern = client.get(
        f"/api/v1/cases/{world.case.id}/compliance-concerns", headers=headers
    ).json["items"][0]

    missing_reason = client.post(
        f"/api/v1/compliance-concerns/{concern['id']}/decisions",
        json={"decision": "warning", "reason": ""},
        headers=headers,
    )
    assert missing_reason.status_code == 422

    varied = client.post(
        f"/api/v1/compliance-concerns/{concern['id']}/decisions",
        json={
            "decision": "varied_condition",
            "reason": "Two more sessions to make up the missed one",
            "condition_id": str(world.rehab.id),
            "required_sessions": 6,
        },
        headers=headers,
    )
    assert varied.status_code == 201
    new_id = varied.json["varied_condition_id"]
    current = conditions(client, world)
    assert str(world.rehab.id) not in current
    assert current[new_id]["required_sessions"] == 6
    assert current[new_id]["revision"] == 2
    after = client.get(f"/api/v1/cases/{world.case.id}/compliance-concerns", headers=headers)
    assert after.json["items"][0]["open"] is False
    assert after.json["items"][0]["decisions"][0]["decision"] == "varied_condition"


def test_sessions_before_a_variation_still_count(client, world):
    from app.contracts.variations import vary_condition

    appointment = book(client, world).json
    attend(client, world, appointment["id"], status="attended")
    varied = vary_condition(
        world.keyworker, world.rehab.id, "More support", {"required_sessions": 2}
    )

    assert conditions(client, world)[str(varied.id)]["evidence"]["sessions_attended"] == 1
