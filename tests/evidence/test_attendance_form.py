"""The attendance form: one question, "Did the person attend?", with each answer's own
follow-up revealed under it; a clear error for each gap or contradiction; and the ways to
it: "Record attendance" on each past appointment of the referral, and the lists."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.database import utcnow
from app.evidence.models import AttendanceRecord
from app.extensions import db
from tests.dom import parse
from tests.evidence.support import past
from tests.helpers import post_form, sign_in


def records(appointment) -> list[AttendanceRecord]:
    db.session.expire_all()
    return list(
        db.session.scalars(db.select(AttendanceRecord).filter_by(appointment_id=appointment.id))
    )


@pytest.fixture
def partner_client(client, world):
    sign_in(client, world.partner)
    return client


def test_the_form_asks_one_question_with_the_follow_ups_under_their_answers(partner_client, world):
    appointment = world.book(starts_at=past())
    page = parse(partner_client.get(f"/appointments/{appointment.id}/attendance"))

    question = page.one(
        "fieldset", where=lambda f: f.find("legend").text == "Did the person attend?"
    )
    labels = [label.text for label in question.find_all("label", cls="govuk-radios__label")]
    assert labels[:1] == ["Yes, on time"]
    answers = question.find_all("input", name="attended")
    assert [a.attrs["value"] for a in answers] == [
        "attended",
        "late",
        "did_not_attend",
        "did_not_take_place",
    ]
    assert question.find(cls="govuk-radios").attrs["data-module"] == "govuk-radios"
    # Each follow-up sits in the conditional block its answer controls.
    for value, follow_up in [
        ("did_not_attend", "absence_reason"),
        ("did_not_take_place", "cancelled_reason"),
    ]:
        answer = question.one("input", name="attended", value=value)
        block = page.one(id=answer.attrs["data-aria-controls"])
        assert "govuk-radios__conditional" in block.classes
        assert block.find("input", name=follow_up) is not None
    assert page.find("input", name="happened") is None and page.find("input", name="status") is None


@pytest.mark.parametrize(
    "answers, field, message",
    [
        (
            {},
            "attended",
            "Select whether the person attended, or that the session did not take place",
        ),
        ({"attended": "did_not_attend"}, "absence_reason", "Select why the person did not attend"),
        (
            {"attended": "did_not_take_place"},
            "cancelled_reason",
            "Select why the session did not take place",
        ),
        (
            {"attended": "attended", "tell_keyworker_now": "y"},
            "concern",
            "Describe the concern the keyworker must be told about",
        ),
    ],
)
def test_each_gap_or_contradiction_has_its_own_error(
    partner_client, world, answers, field, message
):
    appointment = world.book(starts_at=past())
    answer = post_form(partner_client, f"/appointments/{appointment.id}/attendance", answers)
    assert answer.status_code == 400
    page = parse(answer)
    assert page.error_summary() == [message]
    assert page.field_error(field) == message
    assert records(appointment) == []


@pytest.mark.parametrize(
    "answers, stored",
    [
        ({"attended": "attended"}, (True, "attended", None, None)),
        ({"attended": "late", "absence_reason": "no_reason"}, (True, "late", None, None)),
        (
            {"attended": "did_not_attend", "absence_reason": "persons_acceptable_reason"},
            (True, "did_not_attend", "persons_acceptable_reason", True),
        ),
        (
            {
                "attended": "did_not_take_place",
                "cancelled_reason": "logistics",
                "absence_reason": "no_reason",  # the other answer's follow-up: ignored
            },
            (False, "did_not_attend", "logistics", True),
        ),
    ],
)
def test_each_answer_is_stored_in_the_apis_terms(partner_client, world, answers, stored):
    appointment = world.book(starts_at=past())
    answer = post_form(partner_client, f"/appointments/{appointment.id}/attendance", answers)
    assert answer.status_code == 302
    assert answer.headers["Location"] == f"/referrals/{world.referral.id}"
    [record] = records(appointment)
    assert (
        record.happened,
        record.status,
        record.absence_reason,
        record.acceptable_absence,
    ) == stored


def test_a_one_to_one_that_did_not_take_place_is_for_logistics_only(client, world):
    from app.evidence import services

    session = services.record_one_to_one(
        world.keyworker, world.case.id, starts_at=past(), mode="phone", location=None
    )
    sign_in(client, world.keyworker)
    page = parse(client.get(f"/appointments/{session.id}/attendance"))
    reasons = [i.attrs["value"] for i in page.find_all("input", name="cancelled_reason")]
    assert reasons == ["logistics"]


def test_record_attendance_sits_on_each_past_appointment_of_the_referral(partner_client, world):
    waiting = world.book(starts_at=past(days=2))
    done = world.book(starts_at=past(days=1))
    world.attend(done)
    world.book(starts_at=utcnow() + timedelta(days=2))  # yet to come

    page = parse(partner_client.get(f"/referrals/{world.referral.id}"))

    table = page.by_test_id("appointments")
    links = [a for a in table.find_all("a") if a.text.startswith("Record attendance")]
    assert [a.attrs["href"] for a in links] == [f"/appointments/{waiting.id}/attendance"]
    assert links[0].one(cls="govuk-visually-hidden").text.strip().startswith("for ")


def test_case_staff_see_no_record_attendance_link_on_a_partners_appointment(client, world):
    world.book(starts_at=past(days=2))
    sign_in(client, world.keyworker)
    page = parse(client.get(f"/referrals/{world.referral.id}"))
    table = page.by_test_id("appointments")
    assert not [a for a in table.find_all("a") if a.text.startswith("Record attendance")]


def test_the_form_opened_from_the_list_returns_to_it(partner_client, world):
    appointment = world.book(starts_at=past())
    listed = parse(partner_client.get("/appointments/to-record"))
    link = listed.by_test_id("to-record").one("a")
    assert link.attrs["href"] == f"/appointments/{appointment.id}/attendance?from=to-record"

    answer = post_form(partner_client, link.attrs["href"], {"attended": "attended"})

    assert answer.status_code == 302
    assert answer.headers["Location"] == "/appointments/to-record"


def test_an_unknown_return_page_goes_back_to_the_referral(partner_client, world):
    appointment = world.book(starts_at=past())
    path = f"/appointments/{appointment.id}/attendance?from=https://example.com"
    answer = post_form(partner_client, path, {"attended": "attended"})
    assert answer.headers["Location"] == f"/referrals/{world.referral.id}"
