"""The evidence journeys in a real browser: a partner books an appointment and records a
missed session; the keyworker sees the concern and decides; axe-core finds no serious or
critical accessibility problems on the way."""

from __future__ import annotations

import os
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from app.dates import today_in_london
from tests.e2e.test_sign_in_journeys import assert_no_serious_accessibility_problems, sign_in
from tests.evidence.support import World

SCREENSHOTS = os.environ.get("EVIDENCE_SCREENSHOTS")  # a folder, to look at the pages


def check(page: Page, what: str) -> None:
    assert_no_serious_accessibility_problems(page, what)
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/{what.replace(' ', '-')}.png", full_page=True)


@pytest.fixture
def world(app):
    return World.build()


@pytest.mark.e2e
@pytest.mark.browser_context_args(bypass_csp=True)
def test_partner_records_a_missed_session_and_the_keyworker_decides(
    page: Page, live_server, world, browser
):
    sign_in(page, live_server, world.partner)
    page.goto(f"{live_server}/referrals/{world.referral.id}")
    page.get_by_role("link", name="Book an appointment").click()
    check(page, "book appointment")
    page.get_by_role("button", name="Book appointment").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    check(page, "book appointment with errors")

    yesterday = today_in_london() - timedelta(days=1)
    page.get_by_label("Day").fill(str(yesterday.day))
    page.get_by_label("Month").fill(str(yesterday.month))
    page.get_by_label("Year").fill(str(yesterday.year))
    page.get_by_label("Time").fill("10:30")
    page.get_by_label("In person").check()
    page.get_by_label("Where (optional)").fill("Hope Street clinic")
    page.get_by_role("button", name="Book appointment").click()
    expect(page.get_by_text("Appointment booked", exact=True)).to_be_visible()
    check(page, "referral with appointment")

    page.get_by_role("link", name="10:30").first.click()
    page.get_by_role("button", name="Record attendance").click()
    check(page, "record attendance")
    page.get_by_label("No, they did not attend").check()
    page.get_by_label("No reason, or a reason that is not acceptable").check()
    page.get_by_role("button", name="Save attendance").click()
    expect(page.get_by_text("Attendance recorded", exact=True)).to_be_visible()
    expect(page.get_by_text("Did not attend (not acceptable reason)").first).to_be_visible()
    check(page, "appointment with attendance")

    staff = browser.new_context(bypass_csp=True).new_page()
    sign_in(staff, live_server, world.keyworker)
    staff.goto(f"{live_server}/cases/{world.case.id}/evidence")
    expect(staff.get_by_text("Decision needed")).to_be_visible()
    check(staff, "case evidence with concern")
    staff.get_by_role("link", name="Record a decision").click()
    staff.get_by_label("Warning given").check()
    staff.get_by_label("Reason for the decision").fill("Warned by phone; next session booked")
    staff.get_by_role("button", name="Record decision").click()
    expect(staff.get_by_text("Decision recorded", exact=True)).to_be_visible()
    expect(staff.get_by_text("Warned by phone; next session booked")).to_be_visible()
    check(staff, "case evidence after decision")
