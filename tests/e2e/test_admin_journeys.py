"""An administrator's journeys in a real browser, at 1280 px and at 390 px: changing a
user's details through "check your answers", then finding that change in the audit log
with its filters and downloading the filtered list. axe-core checks every page, and no
page needs sideways scrolling."""

from __future__ import annotations

import csv
import io

import pytest
from playwright.sync_api import Page, expect

from app.auth.roles import Role
from tests import factories
from tests.e2e.test_sign_in_journeys import assert_no_serious_accessibility_problems, sign_in

WIDTHS = (1280, 390)


def admin_page(browser, live_server, user, width: int) -> Page:
    context = browser.new_context(
        bypass_csp=True, viewport={"width": width, "height": 900}, accept_downloads=True
    )
    page = context.new_page()
    sign_in(page, live_server, user)
    return page


def check(page: Page, what: str, width: int) -> None:
    assert_no_serious_accessibility_problems(page, f"{what} at {width} px")
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, f"{what} scrolls sideways at {width} px"


def open_menu(page: Page, width: int) -> None:
    """On a narrow screen the navigation is behind its Menu button."""
    if width < 641:
        toggle = page.get_by_role("button", name="Menu")
        expect(toggle).to_be_visible()
        if toggle.get_attribute("aria-expanded") != "true":
            toggle.click()


@pytest.mark.e2e
@pytest.mark.parametrize("width", WIDTHS)
def test_admin_changes_a_user_then_finds_and_downloads_it_in_the_audit_log(
    browser, live_server, width
):
    admin = factories.user(Role.ADMIN, name="Ada Administrator")
    factories.user(Role.KEYWORKER, name="Kim Keyworker", email="kim@hub.example")
    page = admin_page(browser, live_server, admin, width)

    open_menu(page, width)
    page.get_by_role("link", name="Users").click()
    page.get_by_role("link", name="Kim Keyworker").click()
    page.get_by_role("button", name="Change details").click()
    expect(page.get_by_role("heading", name="Change the user's details")).to_be_visible()
    check(page, "the user's details form", width)

    # A mistake first: the error is shown at the field, and nothing typed is lost.
    page.get_by_label("Full name").fill("Kim Supervisor")
    page.get_by_label("Email address").fill("not an email")
    page.get_by_role("radio", name="Supervisor").check()
    page.get_by_role("button", name="Continue").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text(
        "Enter an email address in the correct format, like name@example.com"
    )
    expect(page.get_by_label("Full name")).to_have_value("Kim Supervisor")
    expect(page.get_by_role("radio", name="Supervisor")).to_be_checked()
    check(page, "the user's details form with an error", width)
    summary.get_by_role("link").first.click()
    expect(page.get_by_label("Email address")).to_be_focused()

    page.get_by_label("Email address").fill("kim.supervisor@hub.example")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Check the changes before saving them")).to_be_visible()
    answers = page.get_by_test_id("check-answers")
    expect(answers).to_contain_text("Was: Keyworker")
    expect(answers).to_contain_text("Was: kim@hub.example")
    check(page, "check your answers", width)

    # Change comes back with the answers kept, then on again.
    page.get_by_role("button", name="Change full name").click()
    expect(page.get_by_label("Full name")).to_have_value("Kim Supervisor")
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("User details saved")
    expect(page.get_by_role("heading", name="Kim Supervisor", level=1)).to_be_visible()
    check(page, "the user's page after the change", width)

    open_menu(page, width)
    page.get_by_role("link", name="Audit log").click()
    expect(page.get_by_role("radio", name="Changes only")).to_be_checked()
    check(page, "the audit log", width)
    page.get_by_label("Action (optional)").fill("user.updated")
    page.get_by_role("group", name="From (optional)").get_by_label("Year").fill("1999")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("From must include a day")
    check(page, "the audit log with a date error", width)
    from_date = page.get_by_role("group", name="From (optional)")
    from_date.get_by_label("Day").fill("1")
    from_date.get_by_label("Month").fill("1")
    page.get_by_role("button", name="Apply filters").click()
    entries = page.get_by_test_id("audit-entries")
    expect(entries.locator("tbody tr")).to_have_count(1)
    expect(entries).to_contain_text("User Kim Supervisor")
    expect(entries).to_contain_text("Ada Administrator")
    check(page, "the filtered audit log", width)

    with page.expect_download() as downloading:
        page.get_by_test_id("export").click()
    download = downloading.value
    assert download.suggested_filename.startswith("audit-log-")
    text = open(download.path(), encoding="utf-8-sig").read()  # noqa: PTH123, SIM115
    header, *rows = list(csv.reader(io.StringIO(text)))
    assert [dict(zip(header, row, strict=True))["Action"] for row in rows] == ["user.updated"]

    page.get_by_role("link", name="Clear filters").click()
    page.get_by_role("radio", name="Everything").check()
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_test_id("audit-entries")).to_contain_text("audit.exported")
    page.context.close()
