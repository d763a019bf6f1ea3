"""The command line: creating users and API tokens, and checking the audit log."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.auth import tokens
from app.auth.models import ApiToken, User
from app.auth.passwords import check_password
from app.database import utcnow
from app.extensions import db
from tests import factories
from tests.auth.support import audit_entries
from tests.helpers import api_headers, sign_in

CREATED = re.compile(r"Created user ([0-9a-f-]{36}) \((\w+)\)")


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def create_user(runner, **options):
    values = {
        "email": "sam.jones@hub.example",
        "name": "Sam Jones",
        "role": "keyworker",
        "password": "violet tugboat ladder",
    }
    values.update(options)
    args = ["users", "create"]
    for key, value in values.items():
        if value is not None:
            args += [f"--{key.replace('_', '-')}", value]
    return runner.invoke(args=args)


def find_user(email: str) -> User | None:
    db.session.expire_all()
    return db.session.scalar(select(User).where(User.email == email))


def test_users_create_prints_the_new_id(runner):
    result = create_user(runner, email="Sam.Jones@Hub.Example")
    assert result.exit_code == 0, result.output
    match = CREATED.search(result.output)
    assert match, result.output
    user = find_user("sam.jones@hub.example")
    assert user is not None
    assert user.id == uuid.UUID(match.group(1))
    assert match.group(2) == "keyworker"
    assert user.name == "Sam Jones"
    assert check_password(user.password_hash, "violet tugboat ladder")
    assert not user.mfa_enrolled
    (entry,) = audit_entries("user.created", user.id)
    assert entry.actor_id is None
    assert entry.actor_role == "system"


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"role": "superuser"}, "role: Select a role"),
        ({"password": "short"}, "password: Password must be 8 characters or more"),
        ({"password": "password123"}, "password: Password is too common"),
        ({"email": "not-an-email"}, "email: Enter an email address in the correct format"),
        ({"name": "  "}, "name: Enter the person's full name"),
        ({"role": "partner"}, "organisation_id: Select the partner organisation"),
        (
            {"role": "partner", "organisation_id": str(uuid.uuid4())},
            "organisation_id: Select the partner organisation",
        ),
    ],
)
def test_users_create_refuses_invalid_input(runner, options, message):
    result = create_user(runner, **options)
    assert result.exit_code != 0
    assert message in result.output
    assert "Created user" not in result.output
    assert find_user(options.get("email", "sam.jones@hub.example")) is None


def test_users_create_refuses_a_malformed_organisation_id(runner):
    result = create_user(runner, role="partner", organisation_id="not-a-uuid")
    assert result.exit_code != 0
    assert "must be an organisation ID" in result.output
    assert find_user("sam.jones@hub.example") is None


def test_users_create_refuses_a_duplicate_email(runner):
    factories.user("keyworker", email="sam.jones@hub.example")
    result = create_user(runner)
    assert result.exit_code != 0
    assert "email: A user with this email address already exists" in result.output


def test_users_create_partner_with_organisation(runner):
    organisation = factories.organisation()
    result = create_user(runner, role="partner", organisation_id=str(organisation.id))
    assert result.exit_code == 0, result.output
    assert "(partner)" in result.output
    user = find_user("sam.jones@hub.example")
    assert user.role == "partner"
    assert user.organisation_id == organisation.id


def issue_by_cli(runner, email: str, *extra: str):
    result = runner.invoke(args=["tokens", "create", "--email", email, *extra])
    assert result.exit_code == 0, result.output
    return result, result.output.strip().splitlines()[-1]


def test_tokens_create_prints_a_working_token(app, runner):
    user = factories.user("keyworker")
    result, secret = issue_by_cli(runner, user.email, "--days", "3")
    assert secret.startswith("voh_")
    assert " " not in secret
    assert secret not in result.output.strip().splitlines()[0]

    response = app.test_client().get("/api/v1/me", headers=api_headers(secret))
    assert response.status_code == 200
    assert response.get_json()["email"] == user.email
    assert response.get_json()["id"] == str(user.id)

    db.session.expire_all()
    (token,) = db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)).all()
    assert secret not in (token.token_hash,)
    assert (
        timedelta(days=3) - timedelta(minutes=1) < token.expires_at - utcnow() <= timedelta(days=3)
    )


def test_tokens_create_for_unknown_email_fails(runner):
    result = runner.invoke(args=["tokens", "create", "--email", "nobody@hub.example"])
    assert result.exit_code != 0
    assert "No user has that email address" in result.output
    assert db.session.scalars(select(ApiToken)).all() == []


def test_tokens_create_for_deactivated_user_fails(runner):
    user = factories.user("keyworker", active=False)
    result = runner.invoke(args=["tokens", "create", "--email", user.email])
    assert result.exit_code != 0
    assert "The user is deactivated" in result.output


@pytest.mark.parametrize("days", ["0", "367"])
def test_tokens_create_refuses_days_out_of_range(runner, days):
    user = factories.user("keyworker")
    result = runner.invoke(args=["tokens", "create", "--email", user.email, "--days", days])
    assert result.exit_code != 0


def assert_unauthorized(response):
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["status"] == 401
    assert body["title"] == "Unauthorized"
    assert "email" not in body


def test_expired_token_is_refused(app, runner):
    user = factories.user("keyworker")
    _, secret = issue_by_cli(runner, user.email, "--days", "3")
    db.session.expire_all()
    token = db.session.scalar(select(ApiToken).where(ApiToken.user_id == user.id))
    token.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert_unauthorized(app.test_client().get("/api/v1/me", headers=api_headers(secret)))


def test_revoked_token_is_refused(app, runner):
    user = factories.user("keyworker")
    _, secret = issue_by_cli(runner, user.email)
    api = app.test_client()
    assert api.get("/api/v1/me", headers=api_headers(secret)).status_code == 200
    db.session.expire_all()
    token = db.session.scalar(select(ApiToken).where(ApiToken.user_id == user.id))
    tokens.revoke_token(token.id, actor=None)
    assert_unauthorized(api.get("/api/v1/me", headers=api_headers(secret)))
    assert len(audit_entries("api_token.revoked", token.id)) == 1


def test_missing_or_malformed_bearer_token_is_refused(app):
    api = app.test_client()
    assert_unauthorized(api.get("/api/v1/me"))
    assert_unauthorized(api.get("/api/v1/me", headers=api_headers("voh_not-a-real-token")))
    assert_unauthorized(api.get("/api/v1/me", headers={"Authorization": "Basic dXNlcjpwYXNz"}))


def test_page_session_does_not_open_the_api(client):
    user = factories.user("keyworker")
    sign_in(client, user)
    assert_unauthorized(client.get("/api/v1/me"))


def test_audit_verify_passes_on_an_intact_log(client, runner):
    user = factories.user("keyworker")
    assert create_user(runner).exit_code == 0
    sign_in(client, user)
    assert issue_by_cli(runner, user.email)
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert "chain intact" in result.output
    checked = int(re.search(r"verified: (\d+) entries", result.output).group(1))
    db.session.expire_all()
    assert checked == len(db.session.scalars(select(AuditEntry.id)).all()) >= 3


def test_audit_log_cannot_be_altered_and_stays_verifiable(runner):
    assert create_user(runner).exit_code == 0
    db.session.expire_all()
    entry = db.session.scalar(select(AuditEntry).order_by(AuditEntry.id))
    entry.reason = "rewritten"
    with pytest.raises(sa.exc.DBAPIError, match="append-only"):
        db.session.commit()
    db.session.rollback()
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert "chain intact" in result.output
