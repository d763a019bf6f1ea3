"""A partner's work, counted: from the inbox to one attendance recorded in at most 4 page
loads and 7 interactions, and the attendance register recording 10 sessions with one
submit; with the attendance form's conditional questions and the date shortcuts working
in a real browser (Debian's Chromium), and axe-core finding no serious or critical
problem on the way, at 1280 px and at 390 px."""

from __future__ import annotations

import os
import re
from datetime import datetime, time, timedelta

import pytest
from playwright.sync_api import Page, expect

from app.dates import LONDON, today_in_london
from app.evidence.models import AttendanceRecord
from app.extensions import db
from app.referrals.models import Referral
from app.referrals.reference import reference
from tests.e2e.test_sign_in_journeys import assert_no_serious_accessibility_problems, sign_in
from tests.evidence.support import World

SCREENSHOTS = os.environ.get("MOVES_SCREENSHOTS")  # a folder, to look at the pages
WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}
MAX_PAGE_LOADS = 4
MAX_INTERACTIONS = 7


class Counted:
    """Counts what a person does: each page the browser loads (each HTML document the
    tab receives; a redirect after a form is not one, as the person sees one page) and
    each click or choice. A document's response arrives before anything of it can be
    seen, so the count is complete whenever an ``expect`` about the new page passes."""

    def __init__(self, page: Page):
        self.page = page
        self.loads = 0
        self.interactions = 0
        page.on("response", self._received)

    def _received(self, response) -> None:
        request = response.request
        if (
            request.resource_type == "document"
            and request.frame == self.page.main_frame
            and not 300 <= response.status < 400
        ):
            self.loads += 1

    def click(self, locator) -> None:
        self.interactions += 1
        locator.click()

    def check(self, locator) -> None:
        self.interactions += 1
        locator.check()


def axe_check(page: Page, what: str) -> None:
    assert_no_serious_accessibility_problems(page, what)
    if SCREENSHOTS:
        name = re.sub(r"[^a-z0-9]+", "-", what.lower()).strip("-")
        page.screenshot(path=f"{SCREENSHOTS}/{name}.png", full_page=True)


def yesterday_at(hour: int, minute: int = 0) -> datetime:
    day = today_in_london() - timedelta(days=1)
    return datetime.combine(day, time(hour, minute), tzinfo=LONDON)


def records() -> list[AttendanceRecord]:
    db.session.expire_all()
    return list(db.session.scalars(db.select(AttendanceRecord)))


@pytest.fixture
def world(app):
    return World.build()


@pytest.mark.e2e
@pytest.mark.browser_context_args(bypass_csp=True)
@pytest.mark.parametrize("width", list(WIDTHS))
def test_from_the_inbox_to_one_attendance_in_four_loads_and_seven_interactions(
    page: Page, live_server, world, width
):
    page.set_viewport_size(dict(zip(("width", "height"), WIDTHS[width], strict=True)))
    world.book(starts_at=yesterday_at(10, 30))  # the introduction meeting, booked as sent
    ref = reference(world.referral.id)
    sign_in(page, live_server, world.partner)
    page.goto(f"{live_server}/referrals/inbox")
    expect(page.get_by_role("link", name=ref)).to_be_visible()

    counted = Counted(page)
    counted.click(page.get_by_role("link", name=ref))
    expect(page.get_by_role("heading", level=1, name=f"Referral {ref}")).to_be_visible()
    axe_check(page, f"a sent referral ({width})")
    counted.click(page.get_by_role("button", name="Accept", exact=True))
    expect(page.get_by_text(f"Referral {ref} accepted", exact=True)).to_be_visible()
    counted.click(page.get_by_test_id("appointments").get_by_role("link", name="Record attendance"))
    expect(page.get_by_role("heading", level=1, name="Record attendance")).to_be_visible()
    axe_check(page, f"the attendance form ({width})")
    counted.check(page.get_by_label("Yes, on time"))
    counted.click(page.get_by_role("button", name="Save attendance"))

    expect(page.get_by_text("Attendance recorded", exact=True)).to_be_visible()
    expect(page).to_have_url(f"{live_server}/referrals/{world.referral.id}")
    expect(page.get_by_test_id("status")).to_have_text(re.compile("In progress"))
    assert (counted.loads, counted.interactions) == (4, 5)
    assert counted.loads <= MAX_PAGE_LOADS and counted.interactions <= MAX_INTERACTIONS
    [record] = records()
    assert (record.status, record.recorded_by_id) == ("attended", world.partner.id)
    db.session.expire_all()
    referral = db.session.get(Referral, world.referral.id)
    assert referral.status == "in_progress" and referral.acknowledged_at is not None


@pytest.mark.e2e
@pytest.mark.browser_context_args(bypass_csp=True)
def test_the_follow_up_questions_are_revealed_under_their_answers(page: Page, live_server, world):
    appointment = world.book(starts_at=yesterday_at(9))
    sign_in(page, live_server, world.partner)
    page.goto(f"{live_server}/appointments/{appointment.id}/attendance")
    why_not = page.get_by_role("group", name="Why did they not attend?")
    why_not_held = page.get_by_role("group", name="Why did the session not take place?")
    expect(why_not).to_be_hidden()
    expect(why_not_held).to_be_hidden()

    missed = page.get_by_label("No, they did not attend")
    missed.check()
    expect(why_not).to_be_visible()
    # The pattern's markup, made valid: the radio controls its question; ARIA allows no
    # aria-expanded on a radio, so the page's script takes GOV.UK Frontend's off again.
    expect(missed).to_have_attribute("aria-controls", re.compile(r"^conditional-"))
    assert missed.get_attribute("aria-expanded") is None
    expect(why_not_held).to_be_hidden()
    axe_check(page, "the attendance form, a follow-up shown")
    page.get_by_role("button", name="Save attendance").click()

    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("link", name="Select why the person did not attend")).to_be_visible()
    expect(why_not).to_be_visible()  # the answer is kept, its question still open
    axe_check(page, "the attendance form with an error")
    page.get_by_label("The session did not take place").check()
    expect(why_not).to_be_hidden()
    expect(why_not_held).to_be_visible()
    why_not_held.get_by_label("The partner cancelled").check()
    page.get_by_role("button", name="Save attendance").click()
    expect(page.get_by_text("Attendance recorded", exact=True)).to_be_visible()
    [record] = records()
    assert (record.happened, record.absence_reason) == (False, "partner_cancelled")


@pytest.mark.e2e
@pytest.mark.browser_context_args(bypass_csp=True)
@pytest.mark.parametrize("width", list(WIDTHS))
def test_the_register_records_ten_sessions_in_one_submission(page: Page, live_server, world, width):
    page.set_viewport_size(dict(zip(("width", "height"), WIDTHS[width], strict=True)))
    sessions = [world.book(starts_at=yesterday_at(8 + n)) for n in range(10)]
    sign_in(page, live_server, world.partner)
    page.goto(f"{live_server}/appointments/register")
    counted = Counted(page)
    counted.click(page.get_by_role("link", name="Yesterday", exact=True))
    expect(page.get_by_test_id("register-count")).to_have_text("10 sessions to record")
    rows = page.get_by_test_id("register-row")
    expect(rows).to_have_count(10)
    for n in range(10):
        row = rows.nth(n)
        if n == 3:
            counted.check(row.get_by_label("No, they did not attend"))
            counted.check(row.get_by_label("No reason, or a reason that is not acceptable"))
        elif n == 7:
            counted.check(row.get_by_label("Yes, but late"))
        else:
            counted.check(row.get_by_label("Yes, on time"))
    axe_check(page, f"the attendance register ({width})")
    counted.click(page.get_by_role("button", name="Save attendance"))

    expect(page.get_by_text("Attendance recorded for 10 sessions", exact=True)).to_be_visible()
    expect(page.get_by_test_id("nothing-to-record")).to_be_visible()
    assert counted.loads == 2  # the day chosen, then the one submission
    saved = {r.appointment_id: r.status for r in records()}
    assert saved == {
        s.id: ("did_not_attend" if n == 3 else "late" if n == 7 else "attended")
        for n, s in enumerate(sessions)
    }


@pytest.mark.e2e
@pytest.mark.browser_context_args(bypass_csp=True)
def test_the_register_shows_a_rows_error_and_keeps_its_answer(page: Page, live_server, world):
    world.book(starts_at=yesterday_at(9))
    world.book(starts_at=yesterday_at(10))
    sign_in(page, live_server, world.partner)
    page.goto(f"{live_server}/appointments/register")
    page.get_by_role("link", name="Yesterday", exact=True).click()
    rows = page.get_by_test_id("register-row")
    rows.nth(0).get_by_label("Yes, on time").check()
    rows.nth(1).get_by_label("The session did not take place").check()
    page.get_by_role("button", name="Save attendance").click()

    summary = page.locator(".govuk-error-summary")
    message = "Session at 10:00am: Select why the session did not take place"
    expect(summary.get_by_role("link", name=message)).to_be_visible()
    expect(page.get_by_text("Attendance recorded for 1 session", exact=True)).to_be_visible()
    expect(rows).to_have_count(1)
    expect(rows.nth(0).get_by_label("The session did not take place")).to_be_checked()
    axe_check(page, "the attendance register with an error")
    summary.get_by_role("link", name=message).click()
    expect(rows.nth(0).get_by_label("The partner cancelled")).to_be_focused()


@pytest.mark.e2e
@pytest.mark.browser_context_args(bypass_csp=True)
def test_yesterday_fills_the_booking_date_in_place(page: Page, live_server, world):
    sign_in(page, live_server, world.partner)
    page.goto(f"{live_server}/referrals/{world.referral.id}/appointments/new")
    page.get_by_label("Time").fill("10:30")
    counted = Counted(page)
    counted.click(page.get_by_role("link", name=re.compile("^Yesterday")))

    yesterday = today_in_london() - timedelta(days=1)
    expect(page.get_by_label("Day")).to_have_value(str(yesterday.day))
    expect(page.get_by_label("Month")).to_have_value(str(yesterday.month))
    expect(page.get_by_label("Year")).to_have_value(str(yesterday.year))
    expect(page.get_by_label("Day")).to_be_focused()
    expect(page.get_by_label("Time")).to_have_value("10:30")  # what was typed is kept
    assert counted.loads == 0
    axe_check(page, "the booking form")
    page.get_by_label("Phone").check()
    page.get_by_role("button", name="Book appointment").click()
    expect(page.get_by_text("Appointment booked", exact=True)).to_be_visible()
