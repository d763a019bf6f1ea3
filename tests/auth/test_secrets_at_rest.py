"""TOTP secrets are encrypted in the database, rotated by a command, and a sign-in in
progress is held on the server: the browser's cookie names it and shows nothing else."""

from __future__ import annotations

import json
import re

import pytest
import sqlalchemy as sa
from cryptography.fernet import Fernet, MultiFernet

from app.auth import mfa
from app.extensions import db
from tests import factories
from tests.auth.support import (
    audit_entries,
    code_step,
    is_signed_in,
    location,
    password_step,
    reload,
)
from tests.helpers import assert_redirects, sign_in

SECRET_PATTERN = re.compile(r'data-testid="totp-secret">([A-Z2-7]+)<')


# The table as stored, without the model's decryption.
USERS = sa.table("users", sa.column("id", sa.Uuid()), sa.column("totp_secret", sa.String()))


def stored_secret(user_or_id) -> str | None:
    """The column as the database holds it."""
    user_id = getattr(user_or_id, "id", user_or_id)
    db.session.expire_all()
    return db.session.scalar(sa.select(USERS.c.totp_secret).where(USERS.c.id == user_id))


def decrypt_with(keys: list[str], ciphertext: str) -> str:
    return MultiFernet([Fernet(k) for k in keys]).decrypt(ciphertext.encode()).decode()


def cookie_contents(client) -> str:
    """Everything the browser's session cookie carries, as text."""
    with client.session_transaction() as browser_session:
        return json.dumps(dict(browser_session), default=str)


def enrol(client, user) -> str:
    assert_redirects(password_step(client, user.email), "/sign-in/set-up-code")
    secret = SECRET_PATTERN.search(client.get("/sign-in/set-up-code").get_data(as_text=True))[1]
    response = code_step(client, mfa.code_for(secret), path="/sign-in/set-up-code")
    assert_redirects(response, "/")
    return secret


def test_an_enrolled_secret_is_stored_encrypted(app, client):
    user = factories.user("keyworker", enrolled=False)
    secret = enrol(client, user)

    stored = stored_secret(user)
    assert stored and secret not in stored
    assert decrypt_with(app.config["TOTP_ENCRYPTION_KEYS"], stored) == secret
    assert reload(user).totp_secret == secret  # the app itself reads it as before


def test_between_password_and_code_the_cookie_shows_no_user_id_or_secret(client):
    user = factories.user("keyworker", enrolled=False)
    assert_redirects(password_step(client, user.email), "/sign-in/set-up-code")
    page = client.get("/sign-in/set-up-code").get_data(as_text=True)
    secret = SECRET_PATTERN.search(page)[1]

    carried = cookie_contents(client)
    assert str(user.id) not in carried
    assert user.id.hex not in carried
    assert secret not in carried
    assert user.email not in carried

    enrolled = factories.user("keyworker")
    assert_redirects(password_step(client, enrolled.email), "/sign-in/code")
    carried = cookie_contents(client)
    assert str(enrolled.id) not in carried and enrolled.id.hex not in carried


def test_a_pending_sign_in_cannot_be_used_twice(app, client):
    user = factories.user("keyworker")
    assert_redirects(password_step(client, user.email), "/sign-in/code")
    with client.session_transaction() as browser_session:
        pending = dict(browser_session["pending"])
    sign_in_response = code_step(client, factories.next_code(user))
    assert location(sign_in_response) == "/"

    replay = app.test_client()
    with replay.session_transaction() as browser_session:
        browser_session["pending"] = pending
    assert location(replay.get("/sign-in/code")) == "/sign-in"


class TestRotation:
    OLD = Fernet.generate_key().decode()
    NEW = Fernet.generate_key().decode()

    @pytest.fixture
    def app_config(self):
        return {"TOTP_ENCRYPTION_KEYS": [self.OLD]}

    def test_keys_rotate_re_encrypts_every_secret_with_the_current_key(self, app, client):
        users = [factories.user("keyworker") for _ in range(3)]
        factories.user("keyworker", enrolled=False)
        secrets = {u.id: u.totp_secret for u in users}
        assert all(decrypt_with([self.OLD], stored_secret(u)) == secrets[u.id] for u in users)

        app.config["TOTP_ENCRYPTION_KEYS"] = [self.NEW, self.OLD]
        result = app.test_cli_runner().invoke(args=["keys", "rotate"])
        assert result.exit_code == 0, result.output
        assert "Re-encrypted 3 secret(s)" in result.output
        for u in users:
            assert decrypt_with([self.NEW], stored_secret(u)) == secrets[u.id]
        (entry,) = audit_entries("totp_keys.rotated")
        assert entry.details == {"secrets": 3}

        # The old key can now go.
        app.config["TOTP_ENCRYPTION_KEYS"] = [self.NEW]
        sign_in(client, users[0])
        assert is_signed_in(client)

    def test_rotation_without_the_old_key_changes_nothing(self, app):
        user_id = factories.user("keyworker").id
        before = stored_secret(user_id)
        app.config["TOTP_ENCRYPTION_KEYS"] = [self.NEW]
        result = app.test_cli_runner().invoke(args=["keys", "rotate"])
        assert result.exit_code == 1
        assert "TOTP_ENCRYPTION_KEYS" in result.output
        assert stored_secret(user_id) == before

    def test_keys_new_prints_a_usable_key(self, app):
        from app.config import DEVELOPMENT_TOTP_KEY

        result = app.test_cli_runner().invoke(args=["keys", "new"])
        assert result.exit_code == 0
        key = result.output.strip()
        assert key != DEVELOPMENT_TOTP_KEY
        Fernet(key)
