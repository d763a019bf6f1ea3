"""The webhook and email-preference pages in a real browser, by keyboard-friendly labels:
the journey works at desktop and phone widths, and axe-core finds no serious or critical
accessibility problems."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.test_sign_in_journeys import assert_no_serious_accessibility_problems, sign_in
from tests.referrals import support as referrals
from tests.webhooks.support import lead


@pytest.mark.e2e
@pytest.mark.browser_context_args(bypass_csp=True)
@pytest.mark.parametrize("width", [1280, 390])
def test_a_lead_adds_a_webhook_and_sees_its_deliveries(page: Page, live_server, width):
    page.set_viewport_size({"width": width, "height": 900})
    the_lead = lead(referrals.organisation())
    sign_in(page, live_server, the_lead)

    page.goto(live_server + "/organisations/my-users")
    page.get_by_role("link", name="set up webhooks").click()
    expect(page.get_by_role("heading", name="Webhooks", exact=True)).to_be_visible()
    assert_no_serious_accessibility_problems(page, f"webhooks {width}")
    page.get_by_role("button", name="Add a webhook endpoint").click()

    page.get_by_role("button", name="Add webhook endpoint").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the URL of your endpoint")
    assert_no_serious_accessibility_problems(page, f"webhook form errors {width}")

    page.get_by_label("Endpoint URL").fill("https://cases.example.org/hub-events")
    page.get_by_label("referral.sent").check()
    page.get_by_label("appointment.changed").check()
    page.get_by_role("button", name="Add webhook endpoint").click()
    expect(page.get_by_role("heading", name="Webhook endpoint added")).to_be_visible()
    expect(page.get_by_test_id("secret")).to_contain_text("whsec_")
    assert_no_serious_accessibility_problems(page, f"webhook secret {width}")

    page.get_by_role("link", name="Go to the endpoint and its deliveries").click()
    page.get_by_role("button", name="Send a test event").click()
    expect(page.get_by_test_id("deliveries")).to_contain_text("webhook.test")
    assert_no_serious_accessibility_problems(page, f"webhook deliveries {width}")


@pytest.mark.e2e
@pytest.mark.browser_context_args(bypass_csp=True)
def test_a_partner_turns_an_email_off(page: Page, live_server):
    user = referrals.partner(referrals.organisation())
    sign_in(page, live_server, user)
    page.get_by_role("link", name="Emails").click()
    expect(page.get_by_role("heading", name="Email preferences")).to_be_visible()
    assert_no_serious_accessibility_problems(page, "email preferences")
    box = page.get_by_label("A referral is cancelled")
    expect(box).to_be_checked()
    box.uncheck()
    page.get_by_role("button", name="Save preferences").click()
    expect(page.get_by_text("Email preferences saved")).to_be_visible()
    expect(page.get_by_label("A referral is cancelled")).not_to_be_checked()
