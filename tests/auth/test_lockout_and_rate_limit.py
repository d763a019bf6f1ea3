"""Locking an account after repeated failures, unlocking it, and rate limiting sign-in."""

from __future__ import annotations

import pytest

from app.database import utcnow
from tests import factories
from tests.auth.support import (
    LOCKED,
    PASSWORD,
    WRONG_CODE,
    WRONG_CREDENTIALS,
    audit_entries,
    code_step,
    csrf_token,
    is_signed_in,
    location,
    password_step,
    post_form,
    reload,
    sign_out,
    text,
    wrong_code,
)
from tests.helpers import sign_in

WRONG_PASSWORD = "not the right password"  # noqa: S105


def fail_passwords(client, user, times: int) -> None:
    """Wrong passwords, each refused with the ordinary message (not yet locked)."""
    token = csrf_token(client, "/sign-in")
    for _ in range(times):
        response = client.post(
            "/sign-in", data={"email": user.email, "password": WRONG_PASSWORD, "csrf_token": token}
        )
        assert response.status_code == 400
        assert WRONG_CREDENTIALS in text(response)
        assert LOCKED not in text(response)


def test_ten_wrong_passwords_lock_the_account(client):
    user = factories.user("keyworker")
    fail_passwords(client, user, 9)
    assert not reload(user).is_locked

    response = password_step(client, user.email, WRONG_PASSWORD)
    assert response.status_code == 400
    assert LOCKED in text(response)
    assert reload(user).is_locked

    # Later attempts are refused too, even with the right password.
    for password in (PASSWORD, WRONG_PASSWORD, PASSWORD):
        response = password_step(client, user.email, password)
        assert response.status_code == 400
        assert "There is a problem" in text(response)
        assert LOCKED in text(response)
    assert client.get("/sign-in/code").status_code == 302
    assert not is_signed_in(client)
    assert len(audit_entries("user.locked", user.id)) == 1
    assert len(audit_entries("user.sign_in_failed", user.id)) == 10


def test_wrong_codes_count_towards_the_lock(client):
    user = factories.user("keyworker")
    assert password_step(client, user.email).status_code == 302
    code = wrong_code(user)
    for _ in range(9):
        response = code_step(client, code)
        assert response.status_code == 400
        assert WRONG_CODE in text(response)

    response = code_step(client, code)
    assert response.status_code == 302
    assert location(response) == "/sign-in"
    page = client.get("/sign-in")
    assert LOCKED in text(page)
    assert reload(user).is_locked

    response = password_step(client, user.email, PASSWORD)
    assert response.status_code == 400
    assert LOCKED in text(response)
    assert not is_signed_in(client)


def test_wrong_passwords_and_wrong_codes_add_up(client):
    user = factories.user("keyworker")
    fail_passwords(client, user, 5)
    assert password_step(client, user.email).status_code == 302
    code = wrong_code(user)
    for _ in range(4):
        assert code_step(client, code).status_code == 400
    assert not reload(user).is_locked
    response = code_step(client, code)
    assert response.status_code == 302
    assert location(response) == "/sign-in"
    assert reload(user).is_locked


def test_a_successful_sign_in_resets_the_count(client):
    user = factories.user("keyworker")
    fail_passwords(client, user, 9)
    sign_in(client, user)
    assert reload(user).failed_sign_in_attempts == 0
    sign_out(client)

    fail_passwords(client, user, 9)
    reload(user)
    assert not user.is_locked
    assert user.failed_sign_in_attempts == 9
    sign_in(client, user)
    assert is_signed_in(client)


def test_admin_unlocks_the_account_and_the_user_signs_in_again(client, admin, admin_client):
    user = factories.user("keyworker")
    fail_passwords(client, user, 9)
    assert LOCKED in text(password_step(client, user.email, WRONG_PASSWORD))

    page = admin_client.get(f"/users/{user.id}")
    assert page.status_code == 200
    assert "Locked" in text(page) or "locked" in text(page)
    assert f"/users/{user.id}/unlock" in text(page)

    form = admin_client.get(f"/users/{user.id}/unlock")
    assert form.status_code == 200
    assert f"Unlock {user.name}?" in text(form)
    response = post_form(
        admin_client, f"/users/{user.id}/unlock", {"reason": "Confirmed by phone: forgot password"}
    )
    assert response.status_code == 302
    assert location(response) == f"/users/{user.id}"
    assert "User unlocked" in text(admin_client.get(location(response)))

    reload(user)
    assert not user.is_locked
    assert user.failed_sign_in_attempts == 0
    sign_in(client, user)
    assert is_signed_in(client)

    entries = audit_entries("user.unlock", user.id)
    assert len(entries) == 1
    assert entries[0].actor_id == admin.id
    assert entries[0].reason == "Confirmed by phone: forgot password"


def test_unlocking_needs_a_reason(client, admin_client):
    user = factories.user("keyworker", locked_at=utcnow(), failed_sign_in_attempts=10)
    response = post_form(admin_client, f"/users/{user.id}/unlock", {"reason": ""})
    assert response.status_code == 400
    assert "Enter a reason" in text(response)
    assert reload(user).is_locked


class TestRateLimit:
    @pytest.fixture
    def app_config(self):
        return {"RATELIMIT_ENABLED": True}

    def test_21st_sign_in_attempt_in_a_minute_is_refused(self, client):
        token = csrf_token(client, "/sign-in")
        for attempt in range(20):
            response = client.post(
                "/sign-in",
                data={
                    "email": f"guess{attempt}@hub.example",
                    "password": "guess",
                    "csrf_token": token,
                },
            )
            assert response.status_code == 400, attempt
        response = client.post(
            "/sign-in",
            data={"email": "guess@hub.example", "password": "guess", "csrf_token": token},
        )
        assert response.status_code == 429
        page = text(response)
        assert "Too many attempts" in page
        assert "govuk-heading-l" in page
        assert "Wait a minute, then try again" in page
        assert "Traceback" not in page

        # Another address is not affected; reading the page is not limited.
        assert client.get("/sign-in").status_code == 200
        other = client.post(
            "/sign-in",
            data={"email": "guess@hub.example", "password": "guess", "csrf_token": token},
            environ_base={"REMOTE_ADDR": "192.0.2.99"},
        )
        assert other.status_code == 400

    def test_limit_does_not_lock_out_a_person_who_signs_in_normally(self, client):
        user = factories.user("keyworker")
        sign_in(client, user)
        assert is_signed_in(client)
