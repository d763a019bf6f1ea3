"""The partners pages in a real browser: the journeys work and axe-core finds no serious
or critical accessibility problems."""

from __future__ import annotations

import os
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from app.auth.roles import Role
from app.dates import today_in_london
from tests import factories
from tests.e2e.test_sign_in_journeys import assert_no_serious_accessibility_problems, sign_in
from tests.partners.support import lead, partner

SCREENSHOTS = os.environ.get("PARTNERS_SCREENSHOTS")  # a folder, to look at the pages


def check(page: Page, what: str) -> None:
    assert_no_serious_accessibility_problems(page, what)
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/{what.replace(' ', '-')}.png", full_page=True)


@pytest.fixture
def organisations(app):
    return [
        factories.organisation(
            name="Safe Harbour Housing",
            service_types=["housing", "debt_advice"],
            areas=["North", "Central"],
            contact_name="Sam Contact",
            contact_phone="0113 496 0000",
            contact_email="sam@harbour.example",
            isa_reference="ISA-2026-01",
            isa_expires_on=today_in_london() + timedelta(days=200),
            description="Tenancy support and emergency housing",
        ),
        factories.organisation(
            name="Riverside Minds",
            service_types=["mental_health"],
            areas=["South"],
            capacity="waiting_list",
            isa_reference="ISA-2025-09",
            isa_expires_on=today_in_london() - timedelta(days=3),
        ),
    ]


@pytest.mark.e2e
@pytest.mark.browser_context_args(bypass_csp=True)
def test_keyworker_filters_the_directory(page: Page, live_server, organisations):
    sign_in(page, live_server, factories.user(Role.KEYWORKER))
    page.goto(live_server + "/organisations/directory")
    expect(page.get_by_role("heading", name="Directory of partner organisations")).to_be_visible()
    check(page, "directory")

    page.get_by_label("Housing", exact=True).check()
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_text("1 organisation", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="Safe Harbour Housing")).to_be_visible()
    expect(page.get_by_role("heading", name="Riverside Minds")).to_have_count(0)
    check(page, "directory filtered")

    page.get_by_role("link", name="Clear filters").click()
    expect(page.get_by_text("No new referrals can be sent until it is renewed")).to_be_visible()


@pytest.mark.e2e
@pytest.mark.browser_context_args(bypass_csp=True)
def test_admin_adds_and_changes_an_organisation(page: Page, live_server, organisations):
    sign_in(page, live_server, factories.user(Role.ADMIN))
    page.goto(live_server + "/organisations/")
    check(page, "organisations")
    page.get_by_role("button", name="Add an organisation").click()
    page.get_by_role("button", name="Add organisation").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    check(page, "new organisation with errors")

    page.get_by_label("Name", exact=True).fill("Lantern Volunteers")
    page.get_by_label("Voluntary and community").check()
    page.get_by_label("Areas covered").fill("Central\nSouth")
    page.get_by_role("button", name="Add organisation").click()
    expect(page.get_by_text("Lantern Volunteers added")).to_be_visible()
    partner(organisations[0])
    check(page, "organisation")

    page.get_by_role("link", name="Change the organisation's details").click()
    page.get_by_label("Waiting list").check()
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("Organisation details saved")).to_be_visible()

    page.goto(live_server + "/organisations/")
    page.get_by_role("link", name="Safe Harbour Housing").click()
    page.get_by_role("button", name="Make lead").click()
    expect(page.get_by_text("is now the organisation's lead")).to_be_visible()
    check(page, "organisation with a lead")


@pytest.mark.e2e
@pytest.mark.browser_context_args(bypass_csp=True)
def test_lead_adds_and_deactivates_a_user(page: Page, live_server, organisations):
    org = organisations[0]
    the_lead = lead(org, name="Lee Lead")
    partner(org, name="Pat Colleague")
    sign_in(page, live_server, the_lead)
    page.goto(live_server + "/organisations/my-users")
    check(page, "my users")

    page.get_by_role("button", name="Add a user").click()
    page.get_by_label("Full name").fill("Nia New")
    page.get_by_label("Email address").fill("nia@harbour.example")
    page.get_by_label("Temporary password").fill("violet tugboat ladder")
    page.get_by_role("button", name="Add user").click()
    expect(page.get_by_text("Nia New added")).to_be_visible()

    page.get_by_role("link", name="Deactivate Pat Colleague").click()
    page.get_by_role("button", name="Deactivate user").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    check(page, "deactivate with errors")
    page.get_by_label("Why are you deactivating this user?").fill("Left the organisation")
    page.get_by_role("button", name="Deactivate user").click()
    expect(page.get_by_text("Pat Colleague deactivated")).to_be_visible()
