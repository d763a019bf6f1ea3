"""Signing in: a password, then a code from an authenticator app."""

from __future__ import annotations

import re
import time
import types
from urllib.parse import urlsplit

import pytest

from app.auth import mfa
from app.auth import views as auth_views
from tests import factories
from tests.auth.support import (
    ERROR_SUMMARY,
    PASSWORD,
    WRONG_CODE,
    WRONG_CREDENTIALS,
    audit_entries,
    code_step,
    csrf_token,
    is_signed_in,
    location,
    next_code,
    password_step,
    reload,
    session_sid,
    sessions_of,
    sign_out,
    text,
    wrong_code,
)
from tests.dom import parse
from tests.helpers import assert_landed_on, assert_redirects


def test_password_then_code_signs_in_and_lands_on_home_page(client):
    user = factories.user("keyworker")

    response = password_step(client, user.email)
    assert response.status_code == 302
    assert location(response) == "/sign-in/code"
    assert not is_signed_in(client)

    page = client.get("/sign-in/code")
    assert page.status_code == 200
    assert "Enter your security code" in text(page)

    response = code_step(client, next_code(user))
    assert response.status_code == 302
    assert location(response) == "/"
    home = client.get("/", follow_redirects=True)
    assert_landed_on(home, "/tasks/")
    assert "Your tasks" in text(home)
    assert f"Signed in as {user.name}" in text(home)
    assert len(audit_entries("user.signed_in", user.id)) == 1


def test_email_is_matched_whatever_its_case_and_spacing(client):
    user = factories.user("keyworker")
    response = password_step(client, f"  {user.email.upper()} ")
    assert response.status_code == 302
    assert location(response) == "/sign-in/code"


def test_wrong_password_shows_error_summary_and_keeps_the_email(client):
    user = factories.user("keyworker")
    response = password_step(client, user.email, "not the password at all")
    page = text(response)
    assert response.status_code == 400
    assert ERROR_SUMMARY in page
    assert WRONG_CREDENTIALS in page
    assert f'value="{user.email}"' in page
    assert "not the password at all" not in page
    assert page.count(WRONG_CREDENTIALS) >= 2  # in the summary and by the field
    assert "<title>Error: Sign in" in page
    assert not is_signed_in(client)


def test_unknown_email_gets_the_same_message(client):
    factories.user("keyworker")
    response = password_step(client, "nobody@hub.example", PASSWORD)
    page = text(response)
    assert response.status_code == 400
    assert ERROR_SUMMARY in page
    assert WRONG_CREDENTIALS in page
    assert 'value="nobody@hub.example"' in page


def test_empty_fields_get_a_message_each(client):
    response = password_step(client, "", "")
    page = text(response)
    assert response.status_code == 400
    assert ERROR_SUMMARY in page
    assert "Enter your email address" in page
    assert "Enter your password" in page
    assert 'id="email-error"' in page
    assert 'id="password-error"' in page
    assert WRONG_CREDENTIALS not in page


def test_deactivated_user_cannot_sign_in(client):
    user = factories.user("keyworker", active=False)
    response = password_step(client, user.email, PASSWORD)
    assert response.status_code == 400
    assert WRONG_CREDENTIALS in text(response)
    assert_redirects(client.get("/sign-in/code"), "/sign-in")  # no pending second step
    assert sessions_of(user) == []


def test_a_code_cannot_be_replayed(client):
    user = factories.user("keyworker")
    assert_redirects(password_step(client, user.email), "/sign-in/code")
    code = next_code(user)
    assert_redirects(code_step(client, code), "/")
    sign_out(client)

    assert_redirects(password_step(client, user.email), "/sign-in/code")
    response = code_step(client, code)
    assert response.status_code == 400
    assert ERROR_SUMMARY in text(response)
    assert WRONG_CODE in text(response)
    assert not is_signed_in(client)
    assert len(sessions_of(user)) == 1


def test_a_code_from_three_intervals_ago_is_refused(client):
    user = factories.user("keyworker")
    assert_redirects(password_step(client, user.email), "/sign-in/code")
    old_code = mfa.code_for(user.totp_secret, at=time.time() - 3 * mfa.TOTP_INTERVAL)
    response = code_step(client, old_code)
    assert response.status_code == 400
    assert WRONG_CODE in text(response)
    assert not is_signed_in(client)


def test_a_malformed_code_is_refused(client):
    user = factories.user("keyworker")
    assert_redirects(password_step(client, user.email), "/sign-in/code")
    response = code_step(client, "12ab56")
    assert response.status_code == 400
    assert WRONG_CODE in text(response)


@pytest.mark.parametrize("path", ["/sign-in/code", "/sign-in/set-up-code"])
def test_code_pages_without_a_password_step_go_to_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert location(response) == "/sign-in"


def _clock_after(monkeypatch, seconds: float) -> None:
    """Move the sign-in views' clock (only theirs) forward."""
    start = time.time()
    monkeypatch.setattr(auth_views, "time", types.SimpleNamespace(time=lambda: start + seconds))


def test_pending_password_step_still_valid_within_five_minutes(client, monkeypatch):
    user = factories.user("keyworker")
    assert_redirects(password_step(client, user.email), "/sign-in/code")
    token = csrf_token(client, "/sign-in/code")
    _clock_after(monkeypatch, 290)
    response = client.post("/sign-in/code", data={"code": next_code(user), "csrf_token": token})
    assert response.status_code == 302
    assert location(response) == "/"


def test_pending_password_step_expires_after_five_minutes(client, monkeypatch):
    user = factories.user("keyworker")
    assert_redirects(password_step(client, user.email), "/sign-in/code")
    token = csrf_token(client, "/sign-in/code")
    _clock_after(monkeypatch, 301)

    response = client.get("/sign-in/code")
    assert response.status_code == 302
    assert location(response) == "/sign-in"

    response = client.post("/sign-in/code", data={"code": next_code(user), "csrf_token": token})
    assert response.status_code == 302
    assert location(response) == "/sign-in"
    assert not is_signed_in(client)
    assert sessions_of(user) == []


SECRET_PATTERN = re.compile(r'data-testid="totp-secret">([A-Z2-7]+)<')


def test_first_sign_in_sets_up_the_authenticator(client):
    user = factories.user("keyworker", enrolled=False)
    response = password_step(client, user.email)
    assert response.status_code == 302
    assert location(response) == "/sign-in/set-up-code"
    # The code page sends an unenrolled person to set up; set-up is where they belong.
    page = client.get("/sign-in/set-up-code")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert "Set up two-factor sign-in" in body
    assert "<svg" in body
    match = SECRET_PATTERN.search(body)
    assert match, "no secret key on the set-up page"
    secret = match.group(1)
    # The same secret is shown again on reload (the QR code scanned stays valid).
    assert (
        SECRET_PATTERN.search(client.get("/sign-in/set-up-code").get_data(as_text=True)).group(1)
        == secret
    )

    response = code_step(client, mfa.code_for(secret), path="/sign-in/set-up-code")
    assert response.status_code == 302
    assert location(response) == "/"
    reload(user)
    assert user.mfa_enrolled
    assert user.totp_secret == secret
    assert is_signed_in(client)
    assert len(audit_entries("user.mfa_enrolled", user.id)) == 1


def test_set_up_with_a_wrong_code_does_not_enrol(client):
    user = factories.user("keyworker", enrolled=False)
    assert_redirects(password_step(client, user.email), "/sign-in/set-up-code")
    body = client.get("/sign-in/set-up-code").get_data(as_text=True)
    secret = SECRET_PATTERN.search(body).group(1)
    other = mfa.new_secret()
    response = code_step(client, mfa.code_for(other), path="/sign-in/set-up-code")
    assert response.status_code == 400
    assert WRONG_CODE in text(response)
    assert secret in response.get_data(as_text=True)
    assert not reload(user).mfa_enrolled
    assert not is_signed_in(client)


def test_each_sign_in_gets_a_new_session(client):
    user = factories.user("keyworker")
    factories_sign_in(client, user)
    first = session_sid(client)
    first_cookie = client.get_cookie("session").value
    sign_out(client)
    assert session_sid(client) is None

    factories_sign_in(client, user)
    second = session_sid(client)
    assert first and second and first != second
    assert client.get_cookie("session").value != first_cookie
    rows = sessions_of(user)
    assert len(rows) == 2
    assert rows[0].token_hash != rows[1].token_hash
    assert rows[0].end_reason == "signed_out"
    assert rows[1].ended_at is None


def test_values_planted_in_the_session_before_sign_in_do_not_survive(client):
    user = factories.user("keyworker")
    with client.session_transaction() as browser_session:
        browser_session["planted"] = "x"
    factories_sign_in(client, user)
    with client.session_transaction() as browser_session:
        assert "planted" not in browser_session
        assert browser_session.get("sid")


def factories_sign_in(client, user):
    assert_redirects(password_step(client, user.email), "/sign-in/code")
    response = code_step(client, next_code(user))
    assert_redirects(response, "/")
    return response


def test_next_redirect_to_a_relative_path(client):
    user = factories.user("keyworker")
    assert_redirects(password_step(client, user.email, next_url="/cases/?page=2"), "/sign-in/code")
    response = code_step(client, next_code(user))
    assert response.status_code == 302
    assert location(response) == "/cases/?page=2"


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example",
        "https://evil.example",
        "https://evil.example/cases/",
        "evil.example",
    ],
)
def test_next_redirect_ignores_other_sites(client, target):
    user = factories.user("keyworker")
    assert_redirects(password_step(client, user.email, next_url=target), "/sign-in/code")
    response = code_step(client, next_code(user))
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize("target", ["/\\evil.example", "/\\/evil.example", "/\t/evil.example"])
def test_next_redirect_never_names_another_host(client, target):
    """Browsers read a backslash as a slash and drop tabs: the Location must stay on this site."""
    user = factories.user("keyworker")
    assert_redirects(password_step(client, user.email, next_url=target), "/sign-in/code")
    response = code_step(client, next_code(user))
    assert_redirects(response, "/")
    target_seen = response.headers["Location"]
    normalised = (
        target_seen.replace("\\", "/").replace("\t", "").replace("\n", "").replace("\r", "")
    )
    assert not normalised.startswith("//")
    assert urlsplit(normalised).netloc == ""


def test_a_wrong_code_is_called_wrong(client):
    user = factories.user("keyworker")
    assert_redirects(password_step(client, user.email), "/sign-in/code")
    doc = parse(code_step(client, wrong_code(user)))
    told = "The security code is not correct or has expired: enter the code your app shows now"
    assert doc.error_summary() == [told]
    assert doc.field_error("code") == told


def test_an_empty_code_asks_for_the_code(client):
    user = factories.user("keyworker")
    assert_redirects(password_step(client, user.email), "/sign-in/code")
    doc = parse(code_step(client, ""))
    assert doc.error_summary() == ["Enter the 6-digit code shown in your authenticator app"]
