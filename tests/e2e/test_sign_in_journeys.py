"""Sign-in journeys in a real browser (Debian's Chromium, through Playwright).

Each test drives the app served by ``live_server`` as a person would: it finds fields by
their labels and buttons by their roles and names, so the tests also prove the labels and
roles are right, and it asserts what the person sees.

The users are made by the factories in the test's own app context; the live server shares
the same database. A TOTP code cannot be used twice, so every code is fetched with
``factories.next_code(user)`` just before it is typed, and none is ever reused in a test.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from app.auth import mfa
from app.auth.models import User, UserSession
from app.auth.roles import Role
from app.extensions import db
from tests import factories

AXE_JS = Path(__file__).parent / "vendor" / "axe.min.js"
SERVICE_TITLE = "Virtual offender hub – Exampleshire Police"

# Each role's home: its path, its heading, and its page title (before the service name).
# Every role lands on its work queue.
HOME_PAGES = dict.fromkeys(Role, ("/tasks/", "Your tasks", "Your tasks"))

WRONG_CREDENTIALS = "Enter a correct email address and password"
WRONG_CODE = "The security code is not correct or has expired: enter the code your app shows now"


# Steps, as a person takes them ---------------------------------------------------------


def heading(page: Page, name: str):
    return page.get_by_role("heading", name=name, level=1, exact=True)


def submit_password(page: Page, live_server: str, email: str, password: str = factories.PASSWORD):
    page.goto(live_server + "/sign-in")
    expect(heading(page, "Sign in")).to_be_visible()
    page.get_by_label("Email address", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()


def submit_code(page: Page, code: str):
    page.get_by_label("Security code", exact=True).fill(code)
    page.get_by_role("button", name="Continue", exact=True).click()


def sign_in(page: Page, live_server: str, user: User):
    submit_password(page, live_server, user.email)
    expect(heading(page, "Enter your security code")).to_be_visible()
    submit_code(page, factories.next_code(user))


def expect_home_page(page: Page, live_server: str, user: User):
    path, title, page_title = HOME_PAGES[Role(user.role)]
    expect(page).to_have_url(live_server + path)
    expect(heading(page, title)).to_be_visible()
    expect(page).to_have_title(f"{page_title} – {SERVICE_TITLE}")
    role_label = Role(user.role).label
    expect(page.get_by_text(f"Signed in as {user.name} ({role_label}")).to_be_visible()
    expect(page.get_by_role("button", name="Sign out", exact=True)).to_be_visible()


def error_summary(page: Page):
    return page.locator(".govuk-error-summary")


def expect_error_summary(page: Page, *messages: str):
    summary = error_summary(page)
    expect(summary).to_be_visible()
    expect(summary.locator(".govuk-error-summary__title")).to_have_text("There is a problem")
    for message in messages:
        expect(summary.get_by_role("link", name=message, exact=True)).to_be_visible()
    expect(page).to_have_title(re.compile(r"^Error: "))
    return summary


def follow_error_link(page: Page, message: str, field_label: str):
    """Click the summary's link for ``message``: the field it names must get the focus."""
    field = page.get_by_label(field_label, exact=True)
    field_id = field.get_attribute("id")
    link = error_summary(page).get_by_role("link", name=message, exact=True)
    expect(link).to_have_attribute("href", f"#{field_id}")
    link.click()
    expect(field).to_be_focused()
    assert page.evaluate("document.activeElement.id") == field_id


def a_wrong_code(secret: str) -> str:
    """A 6-digit code that is not valid now (nor one step either side)."""
    valid = {mfa.code_for(secret, at=step) for step in _steps_around_now()}
    return next(code for code in ("000000", "111111", "222222", "333333") if code not in valid)


def _steps_around_now():
    now = time.time()
    return [now + offset * mfa.TOTP_INTERVAL for offset in (-2, -1, 0, 1, 2)]


# 1 and 2: every role signs in and lands on its own home page ----------------------------


@pytest.mark.e2e
def test_enrolled_keyworker_signs_in_with_password_and_code(page: Page, live_server):
    keyworker = factories.user("keyworker")

    submit_password(page, live_server, keyworker.email)

    expect(page).to_have_url(live_server + "/sign-in/code")
    expect(heading(page, "Enter your security code")).to_be_visible()
    expect(page.get_by_text("The 6-digit code shown in your authenticator app")).to_be_visible()
    submit_code(page, factories.next_code(keyworker))

    expect(page).to_have_url(re.compile(r"/tasks/$"))
    expect(heading(page, "Your tasks")).to_be_visible()
    expect(page.get_by_text(f"Signed in as {keyworker.name} (Keyworker)")).to_be_visible()
    expect_home_page(page, live_server, keyworker)


@pytest.mark.e2e
@pytest.mark.parametrize(
    "role",
    [Role.SUPERVISOR, Role.ADMIN, Role.PARTNER, Role.VICTIM_LIAISON],
    ids=lambda role: role.value,
)
def test_each_role_lands_on_its_own_home_page(page: Page, live_server, role):
    user = factories.user(role)

    sign_in(page, live_server, user)

    expect_home_page(page, live_server, user)
    if role == Role.PARTNER:
        expect(page.get_by_text(f"({role.label}, {user.organisation.name})")).to_be_visible()


# 3: first sign-in sets up the authenticator --------------------------------------------


@pytest.mark.e2e
def test_first_sign_in_sets_up_two_factor_with_a_qr_code_and_secret(page: Page, live_server):
    newcomer = factories.user("keyworker", enrolled=False)

    submit_password(page, live_server, newcomer.email)

    expect(page).to_have_url(live_server + "/sign-in/set-up-code")
    expect(heading(page, "Set up two-factor sign-in")).to_be_visible()
    qr_code = page.locator(".app-qr-code svg")
    expect(qr_code).to_be_visible()
    expect(qr_code.locator("title")).to_have_text("QR code for your authenticator app")
    secret = page.get_by_test_id("totp-secret").inner_text().strip()
    assert re.fullmatch(r"[A-Z2-7]{32}", secret), secret

    # Reloading the page keeps the same secret (the person may still be scanning it).
    page.reload()
    expect(page.get_by_test_id("totp-secret")).to_have_text(secret)

    submit_code(page, mfa.code_for(secret))

    expect_home_page(page, live_server, newcomer)
    db.session.refresh(newcomer)
    assert newcomer.totp_secret == secret


# 4: signing out ends the session on the server -----------------------------------------


@pytest.mark.e2e
def test_sign_out_ends_the_session(page: Page, live_server):
    keyworker = factories.user("keyworker")
    sign_in(page, live_server, keyworker)
    expect_home_page(page, live_server, keyworker)
    cookies_while_signed_in = page.context.cookies()

    page.get_by_role("button", name="Sign out", exact=True).click()

    expect(page).to_have_url(live_server + "/signed-out")
    expect(heading(page, "You have signed out")).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
    expect(page.get_by_text("Signed in as")).to_have_count(0)

    page.goto(live_server + "/cases/")
    expect(page).to_have_url(re.compile(r"/sign-in(\?.*)?$"))
    expect(heading(page, "Sign in")).to_be_visible()
    expect(heading(page, "Your caseload")).to_have_count(0)

    # The old session cookie, replayed, opens nothing: the session ended on the server.
    page.context.clear_cookies()
    page.context.add_cookies(cookies_while_signed_in)
    page.goto(live_server + "/cases/")
    expect(page).to_have_url(re.compile(r"/sign-in(\?.*)?$"))
    expect(heading(page, "Sign in")).to_be_visible()
    sessions = db.session.scalars(
        db.select(UserSession).where(UserSession.user_id == keyworker.id)
    ).all()
    assert len(sessions) == 1
    assert sessions[0].ended_at is not None


# 5 and 6: refusals show the GOV.UK error summary ---------------------------------------


@pytest.mark.e2e
def test_wrong_password_shows_the_error_summary_and_its_link_moves_focus(page: Page, live_server):
    keyworker = factories.user("keyworker")

    submit_password(page, live_server, keyworker.email, password="not the password")

    expect(page).to_have_url(live_server + "/sign-in")
    expect(heading(page, "Sign in")).to_be_visible()
    summary = expect_error_summary(page, WRONG_CREDENTIALS)
    # GOV.UK Frontend moves the focus to the summary when the page loads.
    expect(summary).to_be_focused()
    # The message is also shown by the field, and the password is not echoed back.
    expect(page.locator(".govuk-error-message")).to_contain_text(WRONG_CREDENTIALS)
    expect(page.get_by_label("Email address", exact=True)).to_have_value(keyworker.email)
    expect(page.get_by_label("Password", exact=True)).to_have_value("")
    follow_error_link(page, WRONG_CREDENTIALS, "Email address")
    expect(heading(page, "Enter your security code")).to_have_count(0)


@pytest.mark.e2e
def test_empty_sign_in_form_asks_for_email_and_password(page: Page, live_server):
    page.goto(live_server + "/sign-in")

    page.get_by_role("button", name="Sign in", exact=True).click()

    expect_error_summary(page, "Enter your email address", "Enter your password")
    expect(page.locator(".govuk-error-message")).to_have_count(2)
    follow_error_link(page, "Enter your password", "Password")
    follow_error_link(page, "Enter your email address", "Email address")


@pytest.mark.e2e
def test_wrong_code_shows_the_error_summary_then_the_right_code_signs_in(page: Page, live_server):
    keyworker = factories.user("keyworker")
    submit_password(page, live_server, keyworker.email)
    expect(heading(page, "Enter your security code")).to_be_visible()

    submit_code(page, a_wrong_code(keyworker.totp_secret))

    expect(page).to_have_url(live_server + "/sign-in/code")
    expect_error_summary(page, WRONG_CODE)
    follow_error_link(page, WRONG_CODE, "Security code")

    submit_code(page, factories.next_code(keyworker))
    expect_home_page(page, live_server, keyworker)


@pytest.mark.e2e
def test_a_used_code_cannot_be_used_again(page: Page, live_server):
    keyworker = factories.user("keyworker")
    submit_password(page, live_server, keyworker.email)
    code = factories.next_code(keyworker)
    submit_code(page, code)
    expect_home_page(page, live_server, keyworker)
    page.get_by_role("button", name="Sign out", exact=True).click()
    expect(heading(page, "You have signed out")).to_be_visible()

    submit_password(page, live_server, keyworker.email)
    submit_code(page, code)  # replayed on purpose: it must be refused

    expect_error_summary(page, WRONG_CODE)
    expect(heading(page, "Your tasks")).to_have_count(0)


# 7: keyboard only ----------------------------------------------------------------------


@pytest.mark.e2e
def test_keyboard_only_sign_in(page: Page, live_server):
    keyworker = factories.user("keyworker")
    page.goto(live_server + "/sign-in")
    keyboard = page.keyboard
    skip_link = page.get_by_role("link", name="Skip to main content", exact=True)

    keyboard.press("Tab")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_visible()  # hidden until it has the focus
    keyboard.press("Tab")
    expect(page.get_by_label("Email address", exact=True)).to_be_focused()
    keyboard.type(keyworker.email)
    keyboard.press("Tab")
    expect(page.get_by_label("Password", exact=True)).to_be_focused()
    keyboard.type(factories.PASSWORD)
    keyboard.press("Enter")

    expect(heading(page, "Enter your security code")).to_be_visible()
    keyboard.press("Tab")
    expect(skip_link).to_be_focused()
    keyboard.press("Tab")
    expect(page.get_by_label("Security code", exact=True)).to_be_focused()
    keyboard.type(factories.next_code(keyworker))
    keyboard.press("Enter")

    expect_home_page(page, live_server, keyworker)


@pytest.mark.e2e
def test_skip_link_moves_focus_to_the_main_content(page: Page, live_server):
    page.goto(live_server + "/sign-in")

    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content", exact=True)).to_be_focused()
    page.keyboard.press("Enter")

    expect(page.locator("main")).to_be_focused()
    assert page.evaluate("document.activeElement.id") == "main-content"
    page.keyboard.press("Tab")
    expect(page.get_by_label("Email address", exact=True)).to_be_focused()


# Accessibility: axe-core finds no serious or critical problems ------------------------


def assert_no_serious_accessibility_problems(page: Page, what: str):
    # The page's CSP forbids inline scripts; this test's browser context bypasses it.
    page.add_script_tag(path=str(AXE_JS))
    violations = page.evaluate(
        """async () => {
            const results = await axe.run(document);
            return results.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
                nodes: v.nodes.map(n => n.target.join(" ")),
            }));
        }"""
    )
    serious = [v for v in violations if v["impact"] in ("serious", "critical")]
    report = "\n".join(
        f"  [{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})\n    at {', '.join(v['nodes'])}"
        for v in serious
    )
    assert not serious, f"axe-core found serious or critical problems on {what}:\n{report}"
    return violations


@pytest.mark.e2e
@pytest.mark.browser_context_args(bypass_csp=True)
def test_sign_in_pages_have_no_serious_accessibility_problems(page: Page, live_server):
    keyworker = factories.user("keyworker")
    newcomer = factories.user("supervisor", enrolled=False)

    page.goto(live_server + "/sign-in")
    assert_no_serious_accessibility_problems(page, "the sign-in page")

    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(error_summary(page)).to_be_visible()
    assert_no_serious_accessibility_problems(page, "the sign-in page with errors")

    submit_password(page, live_server, keyworker.email)
    expect(heading(page, "Enter your security code")).to_be_visible()
    assert_no_serious_accessibility_problems(page, "the code page")

    submit_code(page, a_wrong_code(keyworker.totp_secret))
    expect(error_summary(page)).to_be_visible()
    assert_no_serious_accessibility_problems(page, "the code page with an error")

    submit_code(page, factories.next_code(keyworker))
    expect_home_page(page, live_server, keyworker)
    assert_no_serious_accessibility_problems(page, "the keyworker's home page")

    page.get_by_role("button", name="Sign out", exact=True).click()
    expect(heading(page, "You have signed out")).to_be_visible()
    assert_no_serious_accessibility_problems(page, "the signed-out page")

    submit_password(page, live_server, newcomer.email)
    expect(heading(page, "Set up two-factor sign-in")).to_be_visible()
    assert_no_serious_accessibility_problems(page, "the set-up page")
