"""Failed sign-ins slow down (per account and per client address) and never lock an
account; an administrator locks and unlocks accounts; the sign-in rate limit."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.auth import throttle
from app.auth.models import SignInThrottle
from app.database import utcnow
from app.extensions import db
from tests import factories
from tests.auth.support import (
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
    post_form,
    reload,
    sessions_of,
    sign_out,
    text,
    wrong_code,
)
from tests.helpers import assert_redirects, sign_in

WRONG_PASSWORD = "not the right password"  # noqa: S105
WAIT = re.compile(r"Too many attempts\. Try again in (\d+) minutes?")


@pytest.fixture
def clock(monkeypatch):
    """The throttle's clock, moved on by the test."""

    class Clock:
        now = utcnow()

        def advance(self, **delta):
            self.now += timedelta(**delta)

    moving = Clock()
    monkeypatch.setattr(throttle, "utcnow", lambda: moving.now)
    return moving


def attempt(client, email: str, password: str = WRONG_PASSWORD, address: str = "192.0.2.1"):
    token = csrf_token(client, "/sign-in")
    return client.post(
        "/sign-in",
        data={"email": email, "password": password, "csrf_token": token},
        environ_base={"REMOTE_ADDR": address},
    )


def waiting_minutes(response) -> int | None:
    """The minutes the page asks the person to wait, if it is a throttle answer."""
    match = WAIT.search(text(response))
    if match is None:
        return None
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0
    return int(match.group(1))


def refused(response) -> bool:
    """The ordinary answer to a wrong email or password."""
    page = text(response)
    return response.status_code == 400 and WRONG_CREDENTIALS in page and not WAIT.search(page)


def fail_passwords(client, email: str, times: int, address: str = "192.0.2.1") -> None:
    for _ in range(times):
        assert refused(attempt(client, email, address=address))


def test_ten_wrong_passwords_do_not_lock_the_account(client, clock):
    user = factories.user("keyworker")
    for _ in range(10):
        response = attempt(client, user.email)
        if waiting_minutes(response):
            clock.advance(minutes=16)  # the longest wait
            response = attempt(client, user.email)
        assert refused(response)
        assert "locked" not in text(response).lower()
    assert not reload(user).is_locked

    clock.advance(minutes=16)
    sign_in(client, user)
    assert is_signed_in(client)
    assert len(audit_entries("user.sign_in_failed", user.id)) == 10
    assert audit_entries("user.locked", user.id) == []


def test_after_five_failures_each_attempt_waits_twice_as_long_up_to_15_minutes(client, clock):
    user = factories.user("keyworker")
    fail_passwords(client, user.email, 5)

    # Even the right password is not checked while the account waits.
    response = attempt(client, user.email, PASSWORD)
    assert waiting_minutes(response) == 1
    assert response.headers["Retry-After"] == "60"
    assert "There is a problem" in text(response)
    assert not is_signed_in(client)

    expected = [2, 4, 8, 15, 15]
    for minutes in expected:
        clock.advance(minutes=minutes)  # the wait is over, so the next attempt is checked
        assert refused(attempt(client, user.email))
        assert waiting_minutes(attempt(client, user.email)) == minutes

    # The wait ends by itself.
    clock.advance(minutes=15, seconds=1)
    assert_redirects(password_step(client, user.email), "/sign-in/code")


def test_known_and_unknown_emails_get_the_same_answers(client, clock):
    user = factories.user("keyworker")

    def answers(email: str, address: str) -> list[tuple[int, bool, int | None]]:
        seen = []
        waits = {7: 1, 9: 2, 11: 4}  # past each wait, so that attempt is checked
        for step in range(12):
            if step in waits:
                clock.advance(minutes=waits[step])
            response = attempt(client, email, address=address)
            seen.append((response.status_code, refused(response), waiting_minutes(response)))
            assert "locked" not in text(response).lower()
        return seen

    known = answers(user.email, "192.0.2.10")
    unknown = answers("nobody.here@hub.example", "192.0.2.11")
    assert known == unknown
    assert (429, False, 4) in known  # and they were throttled, both alike


def test_the_address_throttle_slows_guesses_at_many_emails(client, clock):
    for n in range(30):
        assert refused(attempt(client, f"guess{n}@hub.example", address="198.51.100.7"))
    response = attempt(client, "another.guess@hub.example", address="198.51.100.7")
    assert waiting_minutes(response) == 1

    # Another address is not slowed down.
    assert refused(attempt(client, "another.guess@hub.example", address="198.51.100.8"))
    clock.advance(minutes=1, seconds=1)
    assert refused(attempt(client, "another.guess@hub.example", address="198.51.100.7"))
    assert waiting_minutes(attempt(client, "one.more@hub.example", address="198.51.100.7")) == 2


def test_the_throttle_keeps_no_email_or_address(client):
    fail_passwords(client, "someone@hub.example", 2, address="203.0.113.9")
    db.session.expire_all()
    rows = db.session.scalars(select(SignInThrottle)).all()
    assert {row.kind for row in rows} == {"account", "address"}
    stored = " ".join(f"{row.key} {row.kind}" for row in rows)
    assert "someone" not in stored and "203.0.113" not in stored


def test_wrong_codes_count_towards_the_throttle(client, clock):
    user = factories.user("keyworker")
    assert_redirects(password_step(client, user.email), "/sign-in/code")
    code = wrong_code(user)
    for _ in range(5):
        response = code_step(client, code)
        assert response.status_code == 400
        assert WRONG_CODE in text(response)

    response = code_step(client, next_code(user))
    assert waiting_minutes(response) == 1
    assert not is_signed_in(client)

    clock.advance(minutes=1, seconds=1)
    response = code_step(client, next_code(user))
    assert response.status_code == 302
    assert location(response) == "/"
    assert len(audit_entries("user.sign_in_failed", user.id)) == 5


def test_wrong_passwords_and_wrong_codes_add_up(client, clock):
    user = factories.user("keyworker")
    fail_passwords(client, user.email, 3, address="127.0.0.1")
    assert_redirects(password_step(client, user.email), "/sign-in/code")
    code = wrong_code(user)
    for _ in range(2):
        assert code_step(client, code).status_code == 400
    assert waiting_minutes(code_step(client, next_code(user))) == 1


def test_a_successful_sign_in_clears_the_count(client, clock):
    user = factories.user("keyworker")
    fail_passwords(client, user.email, 4, address="127.0.0.1")
    sign_in(client, user)
    sign_out(client)

    fail_passwords(client, user.email, 4, address="127.0.0.1")
    sign_in(client, user)
    assert is_signed_in(client)


def test_signing_in_to_ones_own_account_does_not_reset_the_address_count(client, clock):
    """An insider cannot guess at other accounts, sign in to their own, and guess again."""
    insider = factories.user("keyworker")
    for n in range(29):
        assert refused(attempt(client, f"guess{n}@hub.example", address="127.0.0.1"))
    sign_in(client, insider)
    sign_out(client)
    assert refused(attempt(client, "guess29@hub.example", address="127.0.0.1"))
    assert waiting_minutes(attempt(client, "guess30@hub.example", address="127.0.0.1")) == 1


# An administrator locks and unlocks ------------------------------------------------------


def test_admin_locks_an_account_which_then_cannot_sign_in(app, client, admin, admin_client):
    user = factories.user("keyworker")
    sign_in(client, user)
    page = admin_client.get(f"/users/{user.id}")
    assert f"/users/{user.id}/lock" in text(page)
    form = admin_client.get(f"/users/{user.id}/lock")
    assert form.status_code == 200
    assert f"Lock {user.name}?" in text(form)

    response = post_form(admin_client, f"/users/{user.id}/lock", {"reason": "Suspected misuse"})
    assert response.status_code == 302
    assert location(response) == f"/users/{user.id}"
    assert "User locked" in text(admin_client.get(location(response)))
    assert reload(user).is_locked
    assert {s.end_reason for s in sessions_of(user)} == {"user_locked"}
    assert not is_signed_in(client)

    # The right password is answered as a wrong one: nothing says the account is locked.
    response = attempt(client, user.email, PASSWORD)
    assert refused(response)
    assert "locked" not in text(response).lower()
    (entry,) = audit_entries("user.lock", user.id)
    assert entry.actor_id == admin.id
    assert entry.reason == "Suspected misuse"


def test_admin_cannot_lock_their_own_account(admin, admin_client):
    response = post_form(admin_client, f"/users/{admin.id}/lock", {"reason": "Testing"})
    assert response.status_code == 400
    assert "You cannot do this to your own account" in text(response)
    assert not reload(admin).is_locked


def test_admin_unlocks_the_account_and_the_user_signs_in_again(client, admin, admin_client):
    user = factories.user("keyworker", locked_at=utcnow())
    assert refused(attempt(client, user.email, PASSWORD))

    page = admin_client.get(f"/users/{user.id}")
    assert page.status_code == 200
    assert "Locked" in text(page)
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

    assert not reload(user).is_locked
    sign_in(client, user)
    assert is_signed_in(client)

    entries = audit_entries("user.unlock", user.id)
    assert len(entries) == 1
    assert entries[0].actor_id == admin.id
    assert entries[0].reason == "Confirmed by phone: forgot password"


def test_unlocking_needs_a_reason(client, admin_client):
    user = factories.user("keyworker", locked_at=utcnow())
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
        for attempt_number in range(20):
            response = client.post(
                "/sign-in",
                data={
                    "email": f"guess{attempt_number}@hub.example",
                    "password": "guess",
                    "csrf_token": token,
                },
            )
            assert response.status_code == 400, attempt_number
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
