"""The appointment, attendance and evidence pages, as partners and keyworkers use them."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from app.evidence.lists import case_concerns
from app.evidence.models import Appointment, AttendanceRecord, ComplianceConcern
from tests.dom import parse
from tests.evidence.support import World, past
from tests.helpers import assert_redirects, post_form, sign_in
from tests.referrals.support import count, fresh

LONDON = ZoneInfo("Europe/London")


def when_fields(moment: datetime) -> dict:
    local = moment.astimezone(LONDON)
    return {
        "day": [str(local.day), str(local.month), str(local.year)],
        "time_of_day": local.strftime("%H:%M"),
    }


def text_of(response) -> str:
    return response.get_data(as_text=True)


def test_a_partner_books_from_the_referral_page_in_uk_time(client, world):
    sign_in(client, world.partner)
    page = client.get(f"/referrals/{world.referral.id}")
    assert "No appointments have been booked yet." in text_of(page)
    assert f"/referrals/{world.referral.id}/appointments/new" in text_of(page)

    today = datetime.now(LONDON).date()
    year = today.year if today < today.replace(month=7, day=1) else today.year + 1
    start = datetime(year, 7, 1, 9, 30, tzinfo=LONDON)  # the next 1 July, in BST: 08:30 UTC
    answer = post_form(
        client,
        f"/referrals/{world.referral.id}/appointments/new",
        {**when_fields(start), "mode": "in_person", "location": "Hope Street clinic"},
    )
    assert_redirects(answer, f"/referrals/{world.referral.id}")
    page = client.get(answer.headers["Location"])
    assert "Appointment booked" in text_of(page)
    assert "Hope Street clinic" in text_of(page)
    booked = fresh(Appointment, count and _only_appointment())
    assert booked.starts_at == datetime(year, 7, 1, 8, 30, tzinfo=UTC)


def test_the_appointment_time_is_typed_as_people_say_it(client, world):
    sign_in(client, world.partner)
    day = (datetime.now(LONDON) + timedelta(days=3)).date()
    answer = post_form(
        client,
        f"/referrals/{world.referral.id}/appointments/new",
        {
            "day": [str(day.day), str(day.month), str(day.year)],
            "time_of_day": "2:30pm",
            "mode": "phone",
        },
    )
    assert answer.status_code == 302, parse(answer).error_summary()
    assert_redirects(answer, f"/referrals/{world.referral.id}")
    booked = fresh(Appointment, _only_appointment())
    assert booked.starts_at.astimezone(LONDON).time() == time(14, 30)


def _only_appointment():
    from app.extensions import db

    return db.session.scalars(db.select(Appointment.id)).one()


def test_booking_errors_are_shown_and_nothing_is_booked(client, world):
    sign_in(client, world.partner)
    answer = post_form(
        client,
        f"/referrals/{world.referral.id}/appointments/new",
        {"day": ["31", "2", "2026"], "time_of_day": "25:00"},
    )
    assert answer.status_code == 400
    body = text_of(answer)
    assert "There is a problem" in body
    assert "Date must be a real date" in body
    assert "Enter a real time, like 2:30pm or 14:30" in body
    assert "Select in person, phone or video" in body
    assert count(Appointment) == 0


def test_a_partner_records_a_missed_appointment_and_the_keyworker_sees_the_concern(client, world):
    appointment = world.book(starts_at=past())
    sign_in(client, world.partner)
    path = f"/appointments/{appointment.id}/attendance"
    missing = post_form(client, path, {"attended": "did_not_attend"})
    assert missing.status_code == 400
    assert parse(missing).field_error("absence_reason") == "Select why the person did not attend"

    answer = post_form(client, path, {"attended": "did_not_attend", "absence_reason": "no_reason"})
    assert_redirects(answer, f"/referrals/{world.referral.id}")
    assert "Attendance recorded" in text_of(client.get(answer.headers["Location"]))
    assert count(ComplianceConcern) == 1

    client.post("/sign-out", data={})
    staff = client.application.test_client()
    sign_in(staff, world.keyworker)
    evidence = text_of(staff.get(f"/cases/{world.case.id}/evidence"))
    assert "Decision needed" in evidence
    assert "without an acceptable reason" in evidence
    assert "Did not attend (not acceptable reason)" in evidence


def test_a_correction_on_the_page_needs_a_reason_and_keeps_the_original(client, world):
    appointment = world.book(starts_at=past())
    world.attend(appointment, status="attended")
    sign_in(client, world.partner)
    path = f"/appointments/{appointment.id}/attendance"
    form = client.get(path)
    assert "Attendance is already recorded as: Attended" in text_of(form)

    refused = post_form(client, path, {"attended": "late"})
    assert refused.status_code == 400
    assert "Enter why you are correcting the record" in text_of(refused)

    answer = post_form(
        client,
        path,
        {"attended": "late", "correction_reason": "They arrived 20 minutes late"},
    )
    assert_redirects(answer, f"/referrals/{world.referral.id}")
    page = text_of(client.get(f"/appointments/{appointment.id}"))
    assert "Attended late" in page
    assert "(corrected later)" in page
    assert "Correction: They arrived 20 minutes late" in page
    assert count(AttendanceRecord) == 2


def test_rescheduling_on_the_page_keeps_the_history(client, world):
    appointment = world.book(starts_at=past())
    sign_in(client, world.partner)
    answer = post_form(
        client,
        f"/appointments/{appointment.id}/reschedule",
        {
            **when_fields(datetime.now(UTC) + timedelta(days=7)),
            "mode": "phone",
            "reason": "The person is in hospital this week",
        },
    )
    from app.extensions import db

    replacement = db.session.scalars(
        db.select(Appointment.id).where(Appointment.reschedules_id == appointment.id)
    ).one()
    assert_redirects(answer, f"/appointments/{replacement}")
    page = text_of(client.get(answer.headers["Location"]))
    assert "Appointment rescheduled" in page
    assert "Earlier bookings" in page
    assert "The person is in hospital this week" in page
    assert "Attendance has not been recorded yet." in page


def test_a_keyworker_records_a_one_to_one_and_its_attendance(client, world):
    sign_in(client, world.keyworker)
    answer = post_form(
        client,
        f"/cases/{world.case.id}/one-to-ones/new",
        {**when_fields(past(hours=2, days=0)), "mode": "video"},
    )
    session_path = f"/appointments/{_only_appointment()}"
    assert_redirects(answer, session_path)
    assert "One-to-one session with the keyworker" in text_of(client.get(session_path))
    recorded = post_form(client, session_path + "/attendance", {"attended": "attended"})
    assert_redirects(recorded, f"/cases/{world.case.id}/evidence")
    evidence = text_of(client.get(f"/cases/{world.case.id}/evidence"))
    assert "Keyworker" in evidence and "Attended" in evidence
    timeline = text_of(client.get(f"/cases/{world.case.id}"))
    assert "Keyworker one-to-one" in timeline


def test_a_keyworker_entry_can_mark_a_condition_met(client, world):
    sign_in(client, world.keyworker)
    path = f"/cases/{world.case.id}/conditions/{world.apology.id}"
    assert "No evidence yet." in text_of(client.get(path))
    empty = post_form(client, path, {"note": ""})
    assert empty.status_code == 400
    assert "Enter the evidence" in text_of(empty)

    answer = post_form(
        client, path, {"note": "Letter of apology received on 3 March", "marks_met": "y"}
    )
    assert_redirects(answer, path)
    page = text_of(client.get(path))
    assert "Marked as met: Letter of apology received on 3 March" in page
    contract = text_of(client.get(f"/cases/{world.case.id}/contract"))
    assert "Met" in contract


def test_a_keyworker_records_a_warning_on_a_concern(client, world):
    world.attend(world.book(starts_at=past()), status="did_not_attend")
    concern = case_concerns(world.case.id)[0]
    sign_in(client, world.keyworker)
    path = f"/compliance-concerns/{concern.id}/decision"
    refused = post_form(client, path, {"decision": "warning", "reason": ""})
    assert refused.status_code == 400
    assert "Enter the reason for the decision" in text_of(refused)

    answer = post_form(client, path, {"decision": "warning", "reason": "Warned by phone"})
    assert_redirects(answer, f"/cases/{world.case.id}/evidence")
    page = text_of(client.get(f"/cases/{world.case.id}/evidence"))
    assert "Warning given" in page and "Warned by phone" in page
    assert "Decision needed" not in page


def test_the_case_timeline_shows_evidence_and_decisions_in_order(client, world):
    missed = world.book(starts_at=past(days=3))
    world.attend(missed, status="did_not_attend")
    from app.evidence import compliance

    compliance.decide_concern(
        world.keyworker,
        case_concerns(world.case.id)[0].id,
        decision="no_action",
        reason="Bus strike that day",
    )
    sign_in(client, world.keyworker)
    page = text_of(client.get(f"/cases/{world.case.id}"))
    booked = page.index("appointment (in person) booked for")
    missed_at = page.index("did not attend (not acceptable reason)")
    decided = page.index("Compliance decision: no action")
    # Newest first on the timeline.
    assert decided < missed_at < booked


def test_the_evidence_and_contract_pages_run_a_flat_number_of_queries(app, client, count_queries):
    world = World.build()
    sign_in(client, world.keyworker)

    def measure():
        with count_queries() as counter:
            assert client.get(f"/cases/{world.case.id}/evidence").status_code == 200
            assert client.get(f"/cases/{world.case.id}/contract").status_code == 200
        return counter.count

    world.attend(world.book(starts_at=past(days=9)), status="attended")
    small = measure()
    for days in range(2, 8):
        world.attend(world.book(starts_at=past(days=days)), status="late")
    assert measure() == small


def test_partners_see_the_appointments_awaiting_attendance(client, world, other):
    waiting = world.book(starts_at=past(days=2))
    world.attend(world.book(starts_at=past(days=1)), status="attended")
    world.book(starts_at=datetime.now(UTC) + timedelta(days=2))  # not happened yet
    other.book(starts_at=past(days=3))  # another organisation's
    sign_in(client, world.partner)

    page = text_of(client.get("/appointments/to-record"))

    assert "1 appointment to record" in page
    assert f"/appointments/{waiting.id}/attendance" in page
    world.attend(waiting, status="late")
    page = text_of(client.get("/appointments/to-record"))
    assert "Nothing to record" in page


def test_keyworkers_see_their_one_to_ones_awaiting_attendance(client, world, other):
    from app.evidence import services

    mine = services.record_one_to_one(
        world.keyworker, world.case.id, starts_at=past(days=1), mode="phone"
    )
    services.record_one_to_one(other.keyworker, other.case.id, starts_at=past(), mode="phone")
    world.book(starts_at=past())  # the partner records that one, not the keyworker
    sign_in(client, world.keyworker)

    page = text_of(client.get("/appointments/to-record"))

    assert "1 appointment to record" in page
    assert f"/appointments/{mine.id}/attendance" in page
