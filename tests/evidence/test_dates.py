"""When an appointment can be: never before the contract starts (or, on a case without a
contract, before the referral was sent); and its attendance only once it has started. The
same on the pages and in the API."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest

from app.auth.roles import Role
from app.database import utcnow
from app.dates import LONDON
from app.errors import InvalidInput
from app.evidence import services
from app.evidence.attendance import AttendanceAnswer, record_attendance
from app.evidence.models import Appointment, AttendanceRecord
from app.extensions import db
from app.template_helpers import long_date
from tests import factories
from tests.dom import parse
from tests.helpers import assert_redirects, post_form, sign_in
from tests.referrals import support as referral_support
from tests.referrals.support import count, headers_for


def iso(moment) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def when_fields(day, at: str = "10:00") -> dict:
    return {"day": [str(day.day), str(day.month), str(day.year)], "time_of_day": at}


def contract_start(world) -> datetime:
    return world.case.contract.start_date


def before_contract(world, days: int = 1) -> datetime:
    day = contract_start(world) - timedelta(days=days)
    return datetime.combine(day, time(10, 0), tzinfo=LONDON)


def start_message(world) -> str:
    return (
        "The appointment must be on or after the contract's start date, "
        f"{long_date(contract_start(world))}"
    )


# Before the contract starts --------------------------------------------------------------


def test_the_service_refuses_an_appointment_before_the_contract_starts(world):
    with pytest.raises(InvalidInput) as refused:
        world.book(starts_at=before_contract(world))
    assert refused.value.errors == {"starts_at": start_message(world)}
    first_day = datetime.combine(contract_start(world), time(0, 0), tzinfo=LONDON)
    assert world.book(starts_at=first_day).starts_at == first_day


def test_the_booking_page_refuses_it_at_the_date(client, world):
    sign_in(client, world.partner)
    day = contract_start(world) - timedelta(days=180)
    answer = post_form(
        client,
        f"/referrals/{world.referral.id}/appointments/new",
        {**when_fields(day), "mode": "phone"},
    )
    assert answer.status_code == 400
    assert parse(answer).field_error("day") == start_message(world)
    assert count(Appointment) == 0


def test_the_api_refuses_it_with_the_field(client, world):
    answer = client.post(
        f"/api/v1/referrals/{world.referral.id}/appointments",
        json={"starts_at": iso(before_contract(world, days=180)), "mode": "phone"},
        headers=headers_for(world.partner),
    )
    assert answer.status_code == 422
    assert answer.json["errors"] == {"starts_at": [start_message(world)]}
    assert count(Appointment) == 0


def test_rescheduling_to_before_the_contract_is_refused(client, world):
    appointment = world.book()
    with pytest.raises(InvalidInput) as refused:
        services.reschedule_appointment(
            world.partner, appointment.id, starts_at=before_contract(world), reason="Moved"
        )
    assert refused.value.errors == {"starts_at": start_message(world)}
    answer = client.post(
        f"/api/v1/appointments/{appointment.id}/reschedule",
        json={"starts_at": iso(before_contract(world)), "reason": "Moved"},
        headers=headers_for(world.partner),
    )
    assert answer.status_code == 422
    assert answer.json["errors"] == {"starts_at": [start_message(world)]}


def test_a_one_to_one_before_the_contract_is_refused(client, world):
    sign_in(client, world.keyworker)
    day = contract_start(world) - timedelta(days=1)
    answer = post_form(
        client,
        f"/cases/{world.case.id}/one-to-ones/new",
        {**when_fields(day), "mode": "in_person"},
    )
    assert answer.status_code == 400
    assert parse(answer).field_error("day") == start_message(world)


def test_the_date_error_shows_with_the_forms_other_errors(client, world):
    sign_in(client, world.partner)
    day = contract_start(world) - timedelta(days=180)
    answer = post_form(
        client, f"/referrals/{world.referral.id}/appointments/new", when_fields(day, "2:30pm")
    )
    doc = parse(answer)
    assert doc.error_summary() == [start_message(world), "Select in person, phone or video"]


# A case without a contract: not before the referral was sent -----------------------------


@pytest.fixture
def no_contract(app):
    keyworker = factories.user(Role.KEYWORKER)
    case = factories.case(keyworker, status="allocated")
    org = referral_support.organisation()
    partner = referral_support.partner(org)
    referral_support.consent(case, org)
    referral = referral_support.send(case, org, keyworker)
    return partner, referral


def test_without_a_contract_an_appointment_cannot_be_before_the_referral(client, no_contract):
    partner, referral = no_contract
    answer = client.post(
        f"/api/v1/referrals/{referral.id}/appointments",
        json={"starts_at": iso(referral.sent_at - timedelta(hours=1)), "mode": "phone"},
        headers=headers_for(partner),
    )
    assert answer.status_code == 422
    [message] = answer.json["errors"]["starts_at"]
    assert message.startswith("The appointment must be after the referral was sent, on ")
    later = services.book_appointment(
        partner, referral.id, starts_at=referral.sent_at + timedelta(minutes=5), mode="phone"
    )
    assert later.id is not None


# Attendance only once the appointment has started ----------------------------------------


def test_attendance_is_refused_before_the_start_time(client, world):
    later_today = utcnow() + timedelta(minutes=30)
    appointment = world.book(starts_at=later_today)
    with pytest.raises(InvalidInput) as refused:
        record_attendance(world.partner, appointment.id, AttendanceAnswer(status="attended"))
    [message] = refused.value.errors.values()
    assert message.startswith("Attendance can be recorded once the appointment has started, at")
    answer = client.post(
        f"/api/v1/appointments/{appointment.id}/attendance",
        json={"status": "attended"},
        headers=headers_for(world.partner),
    )
    assert answer.status_code == 422
    assert answer.json["code"] == "appointment_in_future"
    assert answer.json["errors"] == {"status": [message]}
    assert count(AttendanceRecord) == 0


def test_the_attendance_form_is_not_offered_before_the_start_time(client, world):
    appointment = world.book(starts_at=utcnow() + timedelta(minutes=30))
    sign_in(client, world.partner)
    doc = parse(client.get(f"/appointments/{appointment.id}"))
    assert "Record attendance" not in doc.buttons() + [a.text for a in doc.links()]
    assert doc.by_test_id("not-started").text.startswith(
        "Attendance can be recorded once the appointment has started, at"
    )
    form = client.get(f"/appointments/{appointment.id}/attendance")
    assert_redirects(form, f"/appointments/{appointment.id}")


def test_attendance_is_offered_and_taken_once_it_has_started(client, world):
    appointment = world.book(starts_at=utcnow() - timedelta(minutes=1))
    sign_in(client, world.partner)
    doc = parse(client.get(f"/appointments/{appointment.id}"))
    assert doc.link("Record attendance") is not None
    world.attend(appointment)
    db.session.expire_all()
    assert count(AttendanceRecord) == 1


# "Today" and "Yesterday" beside the date --------------------------------------------------


def _day_values(page) -> list[str]:
    return [page.one(id=f"day-{part}").attrs.get("value", "") for part in ("day", "month", "year")]


@pytest.mark.parametrize(
    "path", ["/referrals/{referral}/appointments/new", "/cases/{case}/one-to-ones/new"]
)
def test_today_and_yesterday_fill_the_date_without_scripts(client, world, path):
    who = world.partner if "referrals" in path else world.keyworker
    sign_in(client, who)
    address = path.format(referral=world.referral.id, case=world.case.id)
    page = parse(client.get(address))
    shortcuts = page.by_test_id("date-shortcuts").find_all("a")
    assert [a.attrs["href"] for a in shortcuts] == ["?day=today", "?day=yesterday"]
    today = datetime.now(LONDON).date()
    # The script fills the same date from the link's own data, without a page load.
    assert [shortcuts[1].attrs[f"data-{p}"] for p in ("day", "month", "year")] == [
        str((today - timedelta(days=1)).day),
        str((today - timedelta(days=1)).month),
        str((today - timedelta(days=1)).year),
    ]
    assert _day_values(page) == ["", "", ""]

    for key, day in [("today", today), ("yesterday", today - timedelta(days=1))]:
        filled = parse(client.get(f"{address}?day={key}"))
        assert [int(v) for v in _day_values(filled)] == [day.day, day.month, day.year]
    assert _day_values(parse(client.get(f"{address}?day=tomorrow"))) == ["", "", ""]


def test_a_shortcut_does_not_change_a_submitted_form(client, world):
    sign_in(client, world.partner)
    path = f"/referrals/{world.referral.id}/appointments/new?day=today"
    answer = post_form(client, path, {"time_of_day": "10:00", "mode": "phone"})
    assert answer.status_code == 400
    assert parse(answer).field_error("day") == "Enter the date"
