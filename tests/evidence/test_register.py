"""The attendance register: one page of the organisation's sessions of a day or a week that
wait for attendance, recorded with one submit; each row checked on its own."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest

from app.audit.models import AuditEntry
from app.dates import LONDON, today_in_london
from app.evidence.models import AttendanceRecord, ComplianceConcern
from app.extensions import db
from app.referrals.reference import reference
from tests.dom import parse
from tests.helpers import csrf_token, sign_in
from tests.referrals import support

PATH = "/appointments/register"


def yesterday_at(hour: int, minute: int = 0) -> datetime:
    day = today_in_london() - timedelta(days=1)
    return datetime.combine(day, time(hour, minute), tzinfo=LONDON)


def yesterday_path() -> str:
    return f"{PATH}?period=day&date={(today_in_london() - timedelta(days=1)).isoformat()}"


def row_name(appointment, field: str = "attended") -> str:
    return f"session-{appointment.id}-{field}"


def submit(client, path: str, answers: dict, **kwargs):
    return client.post(path, data={**answers, "csrf_token": csrf_token(client, path)}, **kwargs)


def recorded(appointment) -> list[AttendanceRecord]:
    db.session.expire_all()
    return list(
        db.session.scalars(db.select(AttendanceRecord).filter_by(appointment_id=appointment.id))
    )


@pytest.fixture
def partner_client(client, world):
    sign_in(client, world.partner)
    return client


def test_the_register_lists_only_the_days_sessions_waiting_for_attendance(
    partner_client, world, other
):
    first = world.book(starts_at=yesterday_at(9, 30), mode="phone", location=None)
    second = world.book(starts_at=yesterday_at(14))
    done = world.book(starts_at=yesterday_at(11))
    world.attend(done)
    world.book(starts_at=yesterday_at(10) - timedelta(days=1))  # the day before
    other.book(starts_at=yesterday_at(10))  # another organisation's

    page = parse(partner_client.get(yesterday_path()))

    rows = page.find_all(data_testid="register-row")
    legends = [row.find("legend").text for row in rows]
    assert len(legends) == 2
    ref = reference(world.referral.id)
    assert legends == [
        f"9:30am, phone, referral {ref}",
        f"2:00pm, in person at Hope Street clinic, referral {ref}",
    ]
    assert page.by_test_id("register-count").text == "2 sessions to record"
    names = {i.attrs["name"] for i in page.find_all("input") if i.attrs.get("type") == "radio"}
    assert row_name(first) in names and row_name(second) in names
    assert row_name(done) not in names
    # Each row is the one question, its follow-ups revealed under the answer.
    assert rows[0].find(cls="govuk-radios__conditional") is not None
    entry = db.session.scalars(
        db.select(AuditEntry).filter_by(action="appointments.register_listed")
    ).one()
    assert entry.actor_id == world.partner.id and entry.details["count"] == 2
    assert sorted(entry.details["ids"]) == sorted([str(first.id), str(second.id)])


def test_a_week_lists_every_day_of_it(partner_client, world):
    monday = today_in_london() - timedelta(days=today_in_london().weekday() + 7)
    sessions = [
        world.book(starts_at=datetime.combine(monday + timedelta(days=n), time(10), tzinfo=LONDON))
        for n in (0, 3, 6)
    ]
    world.book(starts_at=datetime.combine(monday + timedelta(days=7), time(10), tzinfo=LONDON))

    page = parse(partner_client.get(f"{PATH}?period=week&date={monday.isoformat()}"))

    assert len(page.find_all(data_testid="register-row")) == 3
    assert page.by_test_id("period").text == f"Week of {monday.day} {monday:%B %Y}"
    legend = page.find_all(data_testid="register-row")[1].find("legend").text
    thursday = monday + timedelta(days=3)
    assert legend.startswith(f"Thursday {thursday.day} {thursday:%B}, 10:00am")
    names = {i.attrs["name"] for i in page.find_all("input") if i.attrs.get("type") == "radio"}
    assert {row_name(s) for s in sessions} <= names


def test_one_submit_records_every_answered_row_and_leaves_the_rest(partner_client, world):
    attended = world.book(starts_at=yesterday_at(9))
    late = world.book(starts_at=yesterday_at(10))
    missed = world.book(starts_at=yesterday_at(11))
    not_held = world.book(starts_at=yesterday_at(12))
    unanswered = world.book(starts_at=yesterday_at(13))

    answer = submit(
        partner_client,
        yesterday_path(),
        {
            row_name(attended): "attended",
            row_name(late): "late",
            row_name(missed): "did_not_attend",
            row_name(missed, "absence_reason"): "no_reason",
            row_name(not_held): "did_not_take_place",
            row_name(not_held, "cancelled_reason"): "partner_cancelled",
            # a follow-up of an answer not chosen is ignored
            row_name(attended, "absence_reason"): "no_reason",
        },
    )

    assert answer.status_code == 302
    assert answer.headers["Location"] == yesterday_path()
    assert [r.status for r in recorded(attended)] == ["attended"]
    assert recorded(attended)[0].absence_reason is None
    assert [r.status for r in recorded(late)] == ["late"]
    [miss] = recorded(missed)
    assert (miss.status, miss.absence_reason, miss.acceptable_absence) == (
        "did_not_attend",
        "no_reason",
        False,
    )
    [cancelled] = recorded(not_held)
    assert (cancelled.happened, cancelled.absence_reason) == (False, "partner_cancelled")
    assert recorded(unanswered) == []
    assert support.count(ComplianceConcern) == 1
    actions = db.session.scalars(
        db.select(AuditEntry.action).where(AuditEntry.action == "attendance.recorded")
    ).all()
    assert len(actions) == 4
    page = parse(partner_client.get(answer.headers["Location"]))
    assert "Attendance recorded for 4 sessions" in page.text
    assert len(page.find_all(data_testid="register-row")) == 1


def test_rows_with_errors_come_back_with_their_answers_and_the_valid_rows_are_saved(
    partner_client, world
):
    good = world.book(starts_at=yesterday_at(9))
    no_reason = world.book(starts_at=yesterday_at(10))
    no_cause = world.book(starts_at=yesterday_at(11))

    answer = submit(
        partner_client,
        yesterday_path(),
        {
            row_name(good): "attended",
            row_name(no_reason): "did_not_attend",
            row_name(no_cause): "did_not_take_place",
        },
    )

    assert answer.status_code == 400
    assert [r.status for r in recorded(good)] == ["attended"]
    assert recorded(no_reason) == [] and recorded(no_cause) == []
    page = parse(answer)
    assert page.error_summary() == [
        "Session at 10:00am: Select why the person did not attend",
        "Session at 11:00am: Select why the session did not take place",
    ]
    links = page.one(cls="govuk-error-summary").find_all("a")
    assert links[0].attrs["href"] == f"#{row_name(no_reason, 'absence_reason')}"
    target = page.one(id=row_name(no_reason, "absence_reason"))
    assert (target.tag, target.attrs["type"]) == ("input", "radio")
    assert page.field_error(row_name(no_reason, "absence_reason")) == (
        "Select why the person did not attend"
    )
    checked = {
        i.attrs["name"]: i.attrs["value"]
        for i in page.find_all("input")
        if i.attrs.get("type") == "radio" and "checked" in i.attrs
    }
    assert checked == {
        row_name(no_reason): "did_not_attend",
        row_name(no_cause): "did_not_take_place",
    }
    assert len(page.find_all(data_testid="register-row")) == 2
    assert "Attendance recorded for 1 session" in page.text
    assert page.one("title").text.startswith("Error: ")


def test_only_the_listed_sessions_can_be_recorded(partner_client, world, other):
    mine = world.book(starts_at=yesterday_at(9))
    theirs = other.book(starts_at=yesterday_at(9))
    earlier = world.book(starts_at=yesterday_at(9) - timedelta(days=3))

    answer = submit(
        partner_client,
        yesterday_path(),
        {row_name(mine): "attended", row_name(theirs): "attended", row_name(earlier): "late"},
    )

    assert answer.status_code == 302
    assert len(recorded(mine)) == 1
    assert recorded(theirs) == [] and recorded(earlier) == []


def test_a_referral_on_hold_keeps_its_sessions_off_the_register(partner_client, world):
    world.book(starts_at=yesterday_at(9))
    support.set_status(world.referral, "on_hold", held_from="accepted")
    page = parse(partner_client.get(yesterday_path()))
    assert page.find_all(data_testid="register-row") == []
    assert page.by_test_id("nothing-to-record").text.startswith("No sessions waiting")


def test_a_submit_without_the_csrf_token_is_refused(partner_client, world):
    session = world.book(starts_at=yesterday_at(9))
    answer = partner_client.post(yesterday_path(), data={row_name(session): "attended"})
    assert answer.status_code == 400
    assert recorded(session) == []


@pytest.mark.parametrize(
    "query", ["period=month", "date=yesterday", "date=2026-02-30", "period=week&date=x"]
)
def test_a_bad_period_is_a_clear_400(partner_client, world, query):
    answer = partner_client.get(f"{PATH}?{query}")
    assert answer.status_code == 400
    assert parse(answer).heading("There is a problem with your request") is not None


def test_the_register_reads_with_a_flat_number_of_queries(partner_client, world, count_queries):
    world.book(starts_at=yesterday_at(9))
    with count_queries() as few:
        assert partner_client.get(yesterday_path()).status_code == 200
    for hour in range(10, 20):
        world.book(starts_at=yesterday_at(hour))
    with count_queries() as many:
        page = partner_client.get(yesterday_path())
    assert len(parse(page).find_all(data_testid="register-row")) == 11
    assert many.count == few.count


def test_a_row_the_service_refuses_comes_back_with_its_message(partner_client, world, monkeypatch):
    from app.evidence import register as register_service
    from app.evidence.services import AttendanceRecorded

    saved = world.book(starts_at=yesterday_at(9))
    raced = world.book(starts_at=yesterday_at(10))
    real = register_service.record_attendance

    def someone_else_was_first(user, appointment_id, answer):
        if appointment_id == raced.id:
            raise AttendanceRecorded("Attendance has already been recorded for this appointment")
        return real(user, appointment_id, answer)

    monkeypatch.setattr(register_service, "record_attendance", someone_else_was_first)
    answer = submit(
        partner_client,
        yesterday_path(),
        {row_name(saved): "attended", row_name(raced): "late"},
    )

    assert answer.status_code == 400
    page = parse(answer)
    message = "Attendance has already been recorded for this appointment"
    assert page.error_summary() == [f"Session at 10:00am: {message}"]
    assert page.field_error(row_name(raced)) == message
    assert [r.status for r in recorded(saved)] == ["attended"]
    assert recorded(raced) == []
