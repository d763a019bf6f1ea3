"""The work queue and search in a real browser, on a desktop (1280 px) and a phone
(390 px): a keyworker, a partner and a victim liaison officer each land on "Your tasks",
follow a task to the page where it is done, do it, see it gone, and search. axe-core finds
no serious or critical accessibility problems on the way."""

from __future__ import annotations

import os
import re
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from app.auth.roles import Role
from app.database import utcnow
from app.evidence.attendance import AttendanceAnswer, record_attendance
from tests import factories
from tests.e2e.test_sign_in_journeys import assert_no_serious_accessibility_problems, sign_in
from tests.evidence.support import World, past
from tests.victims.support import event, victim

SCREENSHOTS = os.environ.get("TASKS_SCREENSHOTS")  # a folder, to look at the pages
WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}
TABLET = 641  # GOV.UK Frontend's breakpoint: narrower, the navigation is behind "Menu"


def at_width(page: Page, width: str) -> None:
    w, h = WIDTHS[width]
    page.set_viewport_size({"width": w, "height": h})


def heading(page: Page, name: str):
    return page.get_by_role("heading", name=name, level=1, exact=True)


def go_to_tasks(page: Page) -> None:
    """Through the navigation, as a person would (behind "Menu" on a phone)."""
    if page.viewport_size["width"] < TABLET:
        menu = page.get_by_role("button", name="Menu")
        expect(menu).to_be_visible()
        menu.click()
        expect(menu).to_have_attribute("aria-expanded", "true")
    page.get_by_role("navigation", name="Menu").get_by_role(
        "link", name=re.compile(r"^Your tasks")
    ).click()
    expect(heading(page, "Your tasks")).to_be_visible()


def search_for(page: Page, text: str) -> None:
    page.get_by_role("searchbox", name="Search").fill(text)
    page.get_by_role("button", name="Search", exact=True).click()
    expect(heading(page, "Search results")).to_be_visible()


def nav_count(page: Page) -> str:
    """The count on "Your tasks" in the navigation (its first badge)."""
    badges = page.get_by_test_id("nav-count")
    if not badges.count():
        return "0"
    return re.match(r"\d+", badges.first.text_content().strip()).group(0)


def check(page: Page, what: str) -> None:
    assert_no_serious_accessibility_problems(page, what)
    if SCREENSHOTS:
        name = re.sub(r"[^a-z0-9]+", "-", what.lower()).strip("-")
        page.screenshot(path=f"{SCREENSHOTS}/{name}.png", full_page=True)
    # Nothing is wider than the screen (no sideways scrolling on a phone).
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    wide = []
    if overflow > 0:
        wide = page.evaluate(
            """() => [...document.querySelectorAll('body *')]
                .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
                .slice(0, 8).map(e => e.tagName + '.' + e.className)"""
        )
    assert overflow <= 0, f"{what}: {overflow}px wider than the window: {wide}"


@pytest.mark.e2e
@pytest.mark.browser_context_args(bypass_csp=True)
@pytest.mark.parametrize("width", list(WIDTHS))
def test_a_keyworker_decides_a_concern_from_their_tasks_and_finds_a_case(
    page: Page, live_server, width
):
    world = World.build()
    world.case.person.given_name = "Zoë"
    world.case.person.family_name = "Núñez"
    from app.extensions import db

    db.session.commit()
    missed = world.book(starts_at=past())
    record_attendance(world.partner, missed.id, AttendanceAnswer(status="did_not_attend"))
    at_width(page, width)

    sign_in(page, live_server, world.keyworker)
    expect(page).to_have_url(f"{live_server}/tasks/")
    expect(heading(page, "Your tasks")).to_be_visible()
    section = page.get_by_test_id("section-concern_to_decide")
    expect(section.get_by_role("heading", name="Compliance concerns to decide (1)")).to_be_visible()
    before = int(nav_count(page))
    assert before >= 1
    check(page, f"the keyworker's tasks ({width})")

    section.get_by_role("link", name=world.case.crime_reference).click()
    expect(heading(page, "Record a decision on a compliance concern")).to_be_visible()
    page.get_by_label("Warning given").check()
    page.get_by_label("Reason for the decision").fill("Warned by phone; next session booked")
    page.get_by_role("button", name="Record decision").click()
    expect(page.get_by_text("Decision recorded", exact=True)).to_be_visible()

    go_to_tasks(page)
    expect(page.get_by_test_id("section-concern_to_decide")).to_have_count(0)
    expect(page.get_by_test_id("count-concern_to_decide")).to_have_text("0")
    assert int(nav_count(page)) == before - 1

    search_for(page, "zoe nun")
    expect(page.get_by_test_id("result-count")).to_have_text("1 result for ‘zoe nun’")
    check(page, f"the keyworker's search results ({width})")
    page.get_by_role("link", name=world.case.crime_reference, exact=True).click()
    expect(page).to_have_url(f"{live_server}/cases/{world.case.id}")


@pytest.mark.e2e
@pytest.mark.browser_context_args(bypass_csp=True)
@pytest.mark.parametrize("width", list(WIDTHS))
def test_a_partner_acknowledges_a_new_referral_from_their_tasks_and_searches(
    page: Page, live_server, width
):
    world = World.build()
    reference = "RF-" + world.referral.id.hex[:8].upper()
    at_width(page, width)

    sign_in(page, live_server, world.partner)
    expect(heading(page, "Your tasks")).to_be_visible()
    section = page.get_by_test_id("section-new_referral")
    expect(section).to_contain_text(reference)
    expect(page.get_by_text(world.case.person.family_name)).to_have_count(0)
    check(page, f"the partner's tasks ({width})")

    section.get_by_role("link", name=reference).click()
    page.get_by_role("button", name="Acknowledge").click()
    expect(page.get_by_text(re.compile(f"Referral {reference} acknowledged"))).to_be_visible()

    go_to_tasks(page)
    expect(page.get_by_test_id("section-new_referral")).to_have_count(0)

    search_for(page, world.case.person.family_name)  # contact details are shared with them
    expect(page.get_by_test_id("result-count")).to_contain_text("1 result")
    check(page, f"the partner's search results ({width})")
    page.get_by_role("link", name=reference, exact=True).click()
    expect(page).to_have_url(f"{live_server}/referrals/{world.referral.id}")


@pytest.mark.e2e
@pytest.mark.browser_context_args(bypass_csp=True)
@pytest.mark.parametrize("width", list(WIDTHS))
def test_a_victim_liaison_officer_records_an_overdue_update_from_their_tasks(
    page: Page, live_server, width
):
    liaison = factories.user(Role.VICTIM_LIAISON)
    case = factories.case(crime_reference="EX/77001/26")
    factories.contract(case)
    victim(case)
    event(case, "contract.agreed", utcnow() - timedelta(days=14))
    at_width(page, width)

    sign_in(page, live_server, liaison)
    expect(heading(page, "Your tasks")).to_be_visible()
    section = page.get_by_test_id("section-victim_update_due")
    expect(section).to_contain_text("EX/77001/26")
    expect(section.get_by_text(re.compile("Overdue: due"))).to_be_visible()
    check(page, f"the victim liaison officer's tasks ({width})")

    section.get_by_role("link", name="EX/77001/26").click()
    page.get_by_label("Phone").check()
    page.get_by_role("button", name="Record the update").click()
    expect(page.get_by_text(re.compile("recorded", re.I)).first).to_be_visible()

    go_to_tasks(page)
    expect(page.get_by_test_id("section-victim_update_due")).to_have_count(0)

    search_for(page, "77001")
    expect(page.get_by_test_id("result-count")).to_have_text("1 result for ‘77001’")
    check(page, f"the victim liaison officer's search results ({width})")
    page.get_by_role("link", name="EX/77001/26", exact=True).click()
    expect(page).to_have_url(f"{live_server}/victims/cases/{case.id}")
