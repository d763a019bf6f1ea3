"""The API's basics from shared/API.md: token auth, problem+json errors, the OpenAPI document."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.auth.roles import Role
from app.auth.tokens import issue_token
from app.database import utcnow
from app.extensions import db
from tests import factories
from tests.helpers import api_headers, assert_redirects, sign_in


@pytest.fixture
def admin_headers(app):
    return api_headers(issue_token(factories.user(Role.ADMIN), days=1).secret)


def test_openapi_document_is_public_and_describes_the_api(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = response.json
    assert spec["openapi"].startswith("3.")
    assert {"/api/v1/me", "/api/v1/users", "/api/v1/users/{user_id}/tokens"} <= set(spec["paths"])
    assert spec["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"


@pytest.mark.parametrize("header", [None, "Bearer", "Bearer nonsense", "Basic abc", "voh_abc"])
def test_missing_or_unknown_tokens_get_401_problem_json(client, header):
    headers = {"Authorization": header} if header else {}
    response = client.get("/api/v1/me", headers=headers)
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"
    assert set(response.json) >= {"type", "title", "status", "detail"}
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_me_returns_the_token_owner(client):
    partner = factories.user(Role.PARTNER)
    response = client.get("/api/v1/me", headers=api_headers(issue_token(partner, days=1).secret))
    assert response.status_code == 200
    assert response.json["email"] == partner.email
    assert response.json["role"] == "partner"
    assert response.json["organisation_id"] == str(partner.organisation_id)
    assert "password_hash" not in response.json and "totp_secret" not in response.json


def test_expired_and_revoked_tokens_are_refused(client):
    user = factories.user(Role.KEYWORKER)
    expired = issue_token(user, days=1)
    expired.token.expires_at = utcnow() - timedelta(seconds=1)
    revoked = issue_token(user, days=1)
    revoked.token.revoked_at = utcnow()
    db.session.commit()
    assert client.get("/api/v1/me", headers=api_headers(expired.secret)).status_code == 401
    assert client.get("/api/v1/me", headers=api_headers(revoked.secret)).status_code == 401


def test_tokens_are_stored_hashed(app):
    issued = issue_token(factories.user(Role.KEYWORKER), days=1)
    assert issued.secret not in issued.token.token_hash
    assert len(issued.token.token_hash) == 64


def test_a_page_session_does_not_open_the_api(client):
    sign_in(client, factories.user(Role.ADMIN))
    assert client.get("/api/v1/me").status_code == 401


def test_a_token_does_not_open_the_pages(client):
    token = issue_token(factories.user(Role.ADMIN), days=1).secret
    response = client.get("/users/", headers=api_headers(token))
    assert_redirects(response, "/sign-in?next=/users/")


def test_admin_creates_a_user(client, admin_headers):
    org = factories.organisation()
    body = {
        "email": "Partner.Person@Example.org",
        "name": "Partner Person",
        "role": "partner",
        "organisation_id": str(org.id),
        "password": "a long enough password",
    }
    response = client.post("/api/v1/users", json=body, headers=admin_headers)
    assert response.status_code == 201
    assert response.json["email"] == "partner.person@example.org"
    assert response.json["organisation_id"] == str(org.id)
    assert "password" not in response.json


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (
            {
                "email": "not-an-email",
                "name": "A",
                "role": "keyworker",
                "password": "long enough pw",
            },
            "email",
        ),
        (
            {"email": "a@b.example", "name": "A", "role": "chief", "password": "long enough pw"},
            "role",
        ),
        (
            {"email": "a@b.example", "name": "A", "role": "keyworker", "password": "short"},
            "password",
        ),
        (
            {"email": "a@b.example", "name": "A", "role": "keyworker", "password": "password123"},
            "password",
        ),
        (
            {"email": "a@b.example", "name": "A", "role": "partner", "password": "long enough pw"},
            "organisation_id",
        ),
        (
            {
                "email": "a@b.example",
                "name": "A",
                "role": "keyworker",
                "password": "long enough pw",
                "x": 1,
            },
            "x",
        ),
        ({"email": 7, "name": "A", "role": "keyworker", "password": "long enough pw"}, "email"),
    ],
)
def test_invalid_users_get_422_with_field_errors(client, admin_headers, body, field):
    response = client.post("/api/v1/users", json=body, headers=admin_headers)
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert field in response.json["errors"]


def test_malformed_json_and_wrong_content_type_are_4xx_not_500(client, admin_headers):
    malformed = client.post(
        "/api/v1/users", data="{", content_type="application/json", headers=admin_headers
    )
    assert malformed.status_code == 400
    assert malformed.mimetype == "application/problem+json"
    as_form = client.post("/api/v1/users", data={"email": "a@b.example"}, headers=admin_headers)
    assert 400 <= as_form.status_code < 500
    assert as_form.mimetype == "application/problem+json"


def test_oversize_bodies_are_refused(client, admin_headers):
    response = client.post(
        "/api/v1/users",
        data="x" * (1024 * 1024 + 1),
        content_type="application/json",
        headers=admin_headers,
    )
    assert response.status_code == 413
    assert response.mimetype == "application/problem+json"


def test_issuing_a_token_for_a_user(client, admin_headers):
    keyworker = factories.user(Role.KEYWORKER)
    response = client.post(
        f"/api/v1/users/{keyworker.id}/tokens", json={"days": 7}, headers=admin_headers
    )
    assert response.status_code == 201
    token = response.json["token"]
    assert client.get("/api/v1/me", headers=api_headers(token)).json["id"] == str(keyworker.id)


def test_tokens_for_unknown_users_answer_404(client, admin_headers):
    import uuid

    response = client.post(f"/api/v1/users/{uuid.uuid4()}/tokens", json={}, headers=admin_headers)
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
