"""API tokens on the pages: every user creates, lists and revokes their own; an
administrator sees and revokes anyone's. Secrets are shown once and stored hashed; a
token never opens the pages, and a page session never opens the API."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from app.auth import tokens
from app.auth.roles import Role
from app.database import utcnow
from app.extensions import db
from tests import factories
from tests.auth.support import audit_entries, location, post_form, reload, sent_to_sign_in, text
from tests.helpers import api_headers, sign_in

SECRET = re.compile(r'data-testid="token-secret">(voh_[^<]+)<')


def create_token(client, name="Case system sync", days="30"):
    return post_form(client, "/account/tokens/new", {"name": name, "days": days})


def secret_from(response) -> str:
    match = SECRET.search(response.get_data(as_text=True))
    assert match, "no token on the page"
    return match.group(1)


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_every_role_creates_a_token_that_acts_as_them(client, role):
    me = factories.user(role)
    sign_in(client, me)
    response = create_token(client)
    assert response.status_code == 200
    assert "API token created" in text(response)
    secret = secret_from(response)
    answer = client.get("/api/v1/me", headers=api_headers(secret))
    assert answer.status_code == 200
    assert answer.json["id"] == str(me.id)
    assert answer.json["role"] == role.value
    listing = text(client.get("/account/tokens"))
    assert "Case system sync" in listing and "Active" in listing
    assert secret not in listing  # shown once, never again


def test_the_secret_is_stored_hashed_with_its_expiry_and_audited(client):
    me = factories.user(Role.KEYWORKER)
    sign_in(client, me)
    secret = secret_from(create_token(client, days="7"))
    (token,) = tokens.tokens_of(me, actor=me)
    assert secret not in token.token_hash and len(token.token_hash) == 64
    assert (
        timedelta(days=7) - timedelta(minutes=1) < token.expires_at - utcnow() <= timedelta(days=7)
    )
    (entry,) = audit_entries("api_token.created", token.id)
    assert secret not in str(entry.details)


def test_the_default_expiry_is_90_days(client):
    sign_in(client, factories.user(Role.PARTNER))
    page = text(client.get("/account/tokens/new"))
    assert 'value="90"' in page


@pytest.mark.parametrize(
    ("name", "days", "message"),
    [
        ("", "30", "Enter a name for the token"),
        ("x" * 101, "30", "Name must be 100 characters or fewer"),
        ("Sync", "", "Enter the number of days until the token expires"),
        ("Sync", "0", "Enter a number of days from 1 to 365"),
        ("Sync", "366", "Enter a number of days from 1 to 365"),
        ("Sync", "ninety", "Enter the number of days as a whole number, like 90"),
    ],
)
def test_invalid_token_forms_are_shown_again_with_errors(client, name, days, message):
    me = factories.user(Role.KEYWORKER)
    sign_in(client, me)
    response = create_token(client, name=name, days=days)
    assert response.status_code == 400
    assert "There is a problem" in text(response) and message in text(response)
    assert tokens.tokens_of(me, actor=me) == []


def test_a_user_revokes_their_token_after_confirming(client):
    me = factories.user(Role.PARTNER)
    sign_in(client, me)
    secret = secret_from(create_token(client))
    (token,) = tokens.tokens_of(me, actor=me)
    confirm = client.get(f"/account/tokens/{token.id}/revoke")
    assert confirm.status_code == 200 and "Revoke token ‘Case system sync’?" in text(confirm)
    assert client.get("/api/v1/me", headers=api_headers(secret)).status_code == 200
    response = post_form(client, f"/account/tokens/{token.id}/revoke", {})
    assert response.status_code == 302 and location(response) == "/account/tokens"
    assert "Token ‘Case system sync’ revoked" in text(client.get("/account/tokens"))
    assert "Revoked" in text(client.get("/account/tokens"))
    assert client.get("/api/v1/me", headers=api_headers(secret)).status_code == 401
    assert len(audit_entries("api_token.revoked", token.id)) == 1


def test_nobody_sees_or_revokes_another_users_token_from_their_own_pages(client):
    owner = factories.user(Role.KEYWORKER)
    issued = tokens.issue_token(owner, days=5, name="Owner's script")
    for role in Role:
        other = factories.user(role)
        browser = client.application.test_client()
        sign_in(browser, other)
        assert browser.get(f"/account/tokens/{issued.token.id}/revoke").status_code == 404
        assert "Owner's script" not in text(browser.get("/account/tokens"))
    assert reload(issued.token).revoked_at is None


def test_an_admin_lists_and_revokes_a_users_tokens(client):
    admin = factories.user(Role.ADMIN)
    owner = factories.user(Role.PARTNER)
    issued = tokens.issue_token(owner, days=5, name="Partner sync")
    sign_in(client, admin)
    page = text(client.get(f"/users/{owner.id}"))
    assert "API tokens" in page and "Partner sync" in page
    assert issued.secret not in page
    path = f"/users/{owner.id}/tokens/{issued.token.id}/revoke"
    response = post_form(client, path, {})
    assert response.status_code == 302 and location(response) == f"/users/{owner.id}"
    assert client.get("/api/v1/me", headers=api_headers(issued.secret)).status_code == 401
    (entry,) = audit_entries("api_token.revoked", issued.token.id)
    assert entry.actor_id == admin.id


def test_an_admin_revokes_only_through_the_tokens_owner(client):
    admin = factories.user(Role.ADMIN)
    owner, someone_else = factories.user(Role.PARTNER), factories.user(Role.KEYWORKER)
    issued = tokens.issue_token(owner, days=5)
    sign_in(client, admin)
    wrong = f"/users/{someone_else.id}/tokens/{issued.token.id}/revoke"
    assert client.get(wrong).status_code == 404


def test_expired_tokens_are_listed_as_expired_and_refused(client):
    me = factories.user(Role.SUPERVISOR)
    issued = tokens.issue_token(me, days=1, name="Old")
    issued.token.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    sign_in(client, me)
    listing = text(client.get("/account/tokens"))
    assert "Expired" in listing and "Revoke" not in listing.replace("Revoked", "")
    assert client.get("/api/v1/me", headers=api_headers(issued.secret)).status_code == 401


def test_a_token_of_a_deactivated_user_is_refused(client):
    me = factories.user(Role.KEYWORKER)
    issued = tokens.issue_token(me, days=1)
    me.active = False
    db.session.commit()
    assert client.get("/api/v1/me", headers=api_headers(issued.secret)).status_code == 401


def test_the_token_pages_need_a_signed_in_session_not_a_token(client):
    me = factories.user(Role.KEYWORKER)
    secret = tokens.issue_token(me, days=1).secret
    for path in ("/account/tokens", "/account/tokens/new"):
        assert sent_to_sign_in(client.get(path, headers=api_headers(secret))) == {"next": path}
