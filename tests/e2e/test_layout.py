"""Layout, measured in a real browser: at 1280 px the header's "Signed in as" never runs
into the navigation (which stays on one row), no word is broken in the middle, and long
email addresses stay in their column; at 390 px no page needs sideways scrolling (wide
tables scroll inside their own pane, the MOJ scrollable pane). axe-core checks each page.
"""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import Page

from app.extensions import db
from app.referrals import services as referral_services
from app.victims.models import Victim
from tests.e2e.test_sign_in_journeys import assert_no_serious_accessibility_problems, sign_in
from tests.evidence.support import World

SCREENSHOTS = os.environ.get("LAYOUT_SCREENSHOTS")  # a folder, to look at the pages

LONG_EMAIL = "referrals.and.introductions.coordinator@hillsidehousingtrustexamplecharity.org.uk"
UNBROKEN_EMAIL = "jordanellisnewaddressforallcorrespondencefromthehub@examplemailprovider.co.uk"

# Every word (split at spaces, hyphens and slashes, where lines may break) whose pieces
# sit on more than one line; text that is only for screen readers is left out.
BROKEN_WORDS = """(root) => {
  const broken = [];
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  let node;
  while ((node = walker.nextNode())) {
    if (node.parentElement.closest('.govuk-visually-hidden')) continue;
    const words = /[^\\s\\-\\/]+/g;
    let match;
    while ((match = words.exec(node.textContent))) {
      const range = document.createRange();
      range.setStart(node, match.index);
      range.setEnd(node, match.index + match[0].length);
      const tops = new Set(
        Array.from(range.getClientRects()).filter(r => r.width > 0).map(r => Math.round(r.top))
      );
      if (tops.size > 1) broken.push(match[0]);
    }
  }
  return broken;
}"""

# Text that runs past the right edge of its grid column (or of the page's main area).
OUT_OF_COLUMN = """() => {
  const out = [];
  const walker = document.createTreeWalker(document.querySelector('main'), NodeFilter.SHOW_TEXT);
  let node;
  while ((node = walker.nextNode())) {
    const element = node.parentElement;
    if (!node.textContent.trim() || element.closest('.govuk-visually-hidden')) continue;
    const column = element.closest('[class*="govuk-grid-column"], main');
    const range = document.createRange();
    range.selectNodeContents(node);
    const text = range.getBoundingClientRect();
    const pane = element.closest('.moj-scrollable-pane');
    const edge = (pane || column).getBoundingClientRect().right;
    if (text.width > 0 && text.right > edge + 1) out.push(node.textContent.trim().slice(0, 60));
  }
  return out;
}"""


@pytest.fixture
def world(app):
    world = World.build(org_name="Hillside Housing Trust for Exampleshire and the North West")
    world.org.contact_email = LONG_EMAIL
    world.partner.name = "Alexandra Montgomery-Fitzwilliam"
    world.case.person.address = "Flat 2\n14 Long Street\nExampletown"
    db.session.add(
        Victim(
            case_id=world.case.id,
            name="Victoria Someone",
            email="vic@example.com",
            phone="07700 900000",
            address="1 Mill Lane\nOldtown",
            preferred_contact="email",
        )
    )
    db.session.commit()
    world.book()
    referral_services.post_update(
        world.partner, world.referral.id, f"Please write to {UNBROKEN_EMAIL} from now on."
    )
    return world


def check(page: Page, what: str) -> None:
    assert_no_serious_accessibility_problems(page, what)
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/{what.replace(' ', '-')}.png", full_page=True)


def staff_page(browser, live_server, user, width: int) -> Page:
    page = browser.new_context(bypass_csp=True, viewport={"width": width, "height": 900})
    page = page.new_page()
    sign_in(page, live_server, user)
    return page


def boxes_overlap(a: dict, b: dict) -> bool:
    return not (
        a["x"] + a["width"] <= b["x"]
        or b["x"] + b["width"] <= a["x"]
        or a["y"] + a["height"] <= b["y"]
        or b["y"] + b["height"] <= a["y"]
    )


@pytest.mark.e2e
def test_at_1280_the_partners_name_stays_clear_of_the_navigation(browser, live_server, world):
    page = staff_page(browser, live_server, world.partner, 1280)
    page.goto(f"{live_server}/referrals/inbox")
    user = page.get_by_text("Signed in as Alexandra Montgomery-Fitzwilliam", exact=False)
    navigation = page.get_by_role("navigation", name="Menu")
    assert not boxes_overlap(user.bounding_box(), navigation.bounding_box())
    items = page.locator(".govuk-service-navigation__item")
    tops = {round(items.nth(i).bounding_box()["y"]) for i in range(items.count())}
    assert len(tops) == 1, f"the navigation wraps onto {len(tops)} rows"
    check(page, "the partner's inbox at 1280 px")


@pytest.mark.e2e
def test_at_1280_the_victims_cards_break_no_word(browser, live_server, world):
    page = staff_page(browser, live_server, world.keyworker, 1280)
    page.goto(f"{live_server}/victims/cases/{world.case.id}")
    card = page.locator(".govuk-summary-card", has_text="Victoria Someone")
    assert card.evaluate(BROKEN_WORDS) == []
    assert page.locator("main").evaluate(BROKEN_WORDS) == []
    check(page, "the victim update page at 1280 px")


@pytest.mark.e2e
def test_at_1280_long_emails_stay_in_their_column(browser, live_server, world):
    page = staff_page(browser, live_server, world.keyworker, 1280)
    page.goto(f"{live_server}/referrals/{world.referral.id}")
    assert page.get_by_text(UNBROKEN_EMAIL, exact=False).is_visible()
    assert page.evaluate(OUT_OF_COLUMN) == []
    check(page, "the keyworker's referral page at 1280 px")


STAFF_PAGES = [
    "/cases/",
    "/cases/{case}",
    "/cases/{case}/contract",
    "/cases/{case}/referrals",
    "/cases/{case}/evidence",
    "/cases/{case}/referrals/new",
    "/referrals/{referral}",
    "/victims/cases/{case}",
]
PARTNER_PAGES = ["/referrals/inbox", "/referrals/{referral}", "/appointments/to-record"]


def _check_fits(page: Page, live_server: str, paths: list[str], world) -> list[str]:
    too_wide = []
    for path in paths:
        page.goto(live_server + path.format(case=world.case.id, referral=world.referral.id))
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 390:
            too_wide.append(f"{path}: {width} px")
        name = path.format(case="case", referral="referral").strip("/").replace("/", "_")
        check(page, f"{name} at 390 px")
    return too_wide


@pytest.mark.e2e
def test_at_390_no_staff_page_scrolls_sideways(browser, live_server, world):
    page = staff_page(browser, live_server, world.keyworker, 390)
    assert _check_fits(page, live_server, STAFF_PAGES, world) == []


@pytest.mark.e2e
def test_at_390_no_partner_page_scrolls_sideways(browser, live_server, world):
    page = staff_page(browser, live_server, world.partner, 390)
    assert _check_fits(page, live_server, PARTNER_PAGES, world) == []


@pytest.mark.e2e
def test_at_390_a_wide_table_scrolls_in_its_own_pane(browser, live_server, world):
    page = staff_page(browser, live_server, world.keyworker, 390)
    page.goto(f"{live_server}/cases/")
    pane = page.locator(".moj-scrollable-pane", has=page.locator("table"))
    assert pane.count() == 1
    assert pane.evaluate("p => p.scrollWidth > p.clientWidth")  # the table scrolls inside it
    assert pane.get_attribute("tabindex") == "0"  # keyboard users can scroll it


@pytest.mark.e2e
@pytest.mark.parametrize("width", [1280, 390])
def test_the_audit_log_and_the_decision_page_fit_and_read_well(browser, live_server, width):
    from app.auth.roles import Role
    from app.outcomes import services as outcome_services
    from tests import factories
    from tests.outcomes import support as outcome_support

    outcome_world = outcome_support.active_case(started_days_ago=98)
    proposal = outcome_services.submit_outcome(
        outcome_world.keyworker, outcome_world.case.id, "completed", "Moving", confirmed=True
    ).proposal
    supervisor = staff_page(browser, live_server, outcome_world.supervisor, width)
    supervisor.goto(f"{live_server}/cases/{outcome_world.case.id}/outcome/proposals/{proposal.id}")
    assert supervisor.evaluate("document.documentElement.scrollWidth") <= width
    assert supervisor.locator("main").evaluate(BROKEN_WORDS) == []
    check(supervisor, f"the decision page at {width} px")

    admin = staff_page(browser, live_server, factories.user(Role.ADMIN), width)
    admin.goto(f"{live_server}/audit/")
    assert admin.evaluate("document.documentElement.scrollWidth") <= width
    check(admin, f"the audit log at {width} px")
