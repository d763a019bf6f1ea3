"""The reports in a real browser: a supervisor opens the dashboard, filters to the 18 to 25
cohort, downloads the CSV and reads the evaluation table; axe-core finds no serious or
critical accessibility problems on the way."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from app.auth.roles import Role
from tests import factories
from tests.e2e.test_sign_in_journeys import assert_no_serious_accessibility_problems, sign_in
from tests.reports import world

YOUNG = date(2005, 6, 1)  # 20 on the offence date
OLDER = date(1980, 6, 1)


@pytest.fixture
def supervisor(app):
    # 18 to 25: 5 completers of whom 1 reoffended, 2 opt-outs of whom 1 reoffended.
    for n in range(5):
        world.ended(
            "completed", reoffended=n == 0, date_of_birth=YOUNG, outcome_on=world.days_ago(60)
        )
    for n in range(2):
        world.ended(
            "opted_out", reoffended=n == 0, date_of_birth=YOUNG, outcome_on=world.days_ago(60)
        )
    # 26 and over: 4 completers, none reoffended.
    for _ in range(4):
        world.ended(
            "completed", reoffended=False, date_of_birth=OLDER, outcome_on=world.days_ago(60)
        )
    return factories.user(Role.SUPERVISOR)


@pytest.mark.e2e
@pytest.mark.browser_context_args(bypass_csp=True, accept_downloads=True)
def test_dashboard_filter_download_and_evaluation_table(page: Page, live_server, supervisor):
    sign_in(page, live_server, supervisor)
    page.get_by_role("link", name="Reports", exact=True).click()
    expect(page.get_by_role("heading", name="Performance reports", level=1)).to_be_visible()
    expect(page.get_by_role("img", name="Cases at each stage")).to_be_visible()
    assert_no_serious_accessibility_problems(page, "the reports dashboard")

    page.get_by_text("Filter the figures").click()
    page.get_by_label("Age at offence").select_option(label="18 to 25")
    page.get_by_role("button", name="Show the figures").click()
    shown = page.get_by_test_id("filters-shown")
    expect(shown).to_contain_text("18 to 25")
    assert_no_serious_accessibility_problems(page, "the dashboard filtered to 18 to 25")

    page.get_by_role("navigation", name="Report sections").get_by_role(
        "link", name="Reoffending and evaluation"
    ).click()
    expect(page.get_by_role("heading", name="Reoffending and evaluation", level=1)).to_be_visible()
    expect(page.get_by_test_id("filters-shown")).to_contain_text("18 to 25")
    assert_no_serious_accessibility_problems(page, "the evaluation page")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download these tables as CSV").click()
    path = download_info.value.path()
    rows = list(csv.reader(io.StringIO(Path(path).read_text(encoding="utf-8-sig"))))
    assert ["Age at offence", "18 to 25"] in rows
    completed = next(r for r in rows if r and r[0] == "Completed")
    assert completed[1] == "5" and completed[6:8] == ["1", "20.0"]

    table = page.get_by_test_id("table-evaluation")
    completed_row = table.get_by_role("row").filter(has_text="Completed")
    expect(completed_row).to_contain_text("20.0%")
    opted_row = table.get_by_role("row").filter(has_text="Opted out")
    expect(opted_row).to_contain_text("50.0%")
    expect(page.get_by_text("not a like-for-like comparison group")).to_be_visible()


@pytest.mark.e2e
@pytest.mark.browser_context_args(bypass_csp=True)
def test_a_partner_reads_its_own_figures(page: Page, live_server, app):
    org = factories.organisation(name="Hillside Housing")
    case = world.case("active", contract_on=world.days_ago(40))
    for n in range(6):
        world.referral(
            case,
            org,
            sent_on=world.days_ago(30),
            acknowledged_on=world.days_ago(29) if n < 2 else None,
        )
    sign_in(page, live_server, factories.user(Role.PARTNER, organisation_id=org.id))
    page.get_by_role("link", name="Reports", exact=True).click()
    expect(
        page.get_by_role("heading", name="Partner figures: Hillside Housing", level=1)
    ).to_be_visible()
    expect(page.get_by_test_id("table-organisations")).to_contain_text("fewer than 5")
    assert_no_serious_accessibility_problems(page, "a partner's figures")
