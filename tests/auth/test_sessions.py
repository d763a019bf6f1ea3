"""Server-side sessions: timeouts, signing out, and ending a deactivated user's access."""

from __future__ import annotations

from datetime import timedelta

from app.auth import tokens
from app.database import utcnow
from app.extensions import db
from tests import factories
from tests.auth.support import (
    SESSION_ENDED,
    audit_entries,
    is_signed_in,
    location,
    post_form,
    reload,
    sent_to_sign_in,
    sessions_of,
    sign_out,
    signed_in_csrf_token,
    text,
)
from tests.factories import PASSWORD, next_code
from tests.helpers import api_headers, assert_redirects, sign_in


def open_session(user):
    (session,) = [s for s in sessions_of(user) if s.ended_at is None]
    return session


def test_idle_for_31_minutes_ends_the_session(client):
    user = factories.user("keyworker")
    sign_in(client, user)
    session = open_session(user)
    session.last_seen_at = utcnow() - timedelta(minutes=31)
    db.session.commit()

    response = client.get("/cases/")
    assert sent_to_sign_in(response) == {"expired": "1", "next": "/cases/"}
    page = client.get(location(response))
    assert page.status_code == 200
    assert SESSION_ENDED in text(page)

    reload(session)
    assert session.ended_at is not None
    assert session.end_reason == "idle_timeout"
    assert not is_signed_in(client)
    entries = audit_entries("session.expired", user.id)
    assert [e.reason for e in entries] == ["idle_timeout"]

    # Signing in again from that page returns the person to where they were.
    sign_in_page = location(response)
    response = post_form(client, sign_in_page, {"email": user.email, "password": PASSWORD})
    assert_redirects(response, "/sign-in/code")
    response = post_form(client, "/sign-in/code", {"code": next_code(user)})
    assert location(response) == "/cases/"


def test_activity_within_30_minutes_keeps_the_session(client):
    user = factories.user("keyworker")
    sign_in(client, user)
    session = open_session(user)
    session.last_seen_at = utcnow() - timedelta(minutes=29)
    db.session.commit()

    assert client.get("/cases/").status_code == 200
    reload(session)
    assert session.ended_at is None
    assert utcnow() - session.last_seen_at < timedelta(minutes=1)


def test_twelve_hours_after_sign_in_the_session_ends_even_if_active(client):
    user = factories.user("keyworker")
    sign_in(client, user)
    session = open_session(user)
    session.created_at = utcnow() - timedelta(hours=12, minutes=1)
    session.last_seen_at = utcnow() - timedelta(seconds=10)
    db.session.commit()

    response = client.get("/cases/")
    assert sent_to_sign_in(response) == {"expired": "1", "next": "/cases/"}
    assert SESSION_ENDED in text(client.get(location(response)))
    reload(session)
    assert session.ended_at is not None
    assert session.end_reason == "absolute_timeout"


def test_sign_out_ends_the_session_on_the_server(client):
    user = factories.user("keyworker")
    sign_in(client, user)
    stolen = client.get_cookie("session").value
    session = open_session(user)

    sign_out(client)
    page = client.get("/signed-out")
    assert page.status_code == 200
    assert not is_signed_in(client)
    reload(session)
    assert session.end_reason == "signed_out"
    assert len(audit_entries("user.signed_out", user.id)) == 1

    # Replaying the cookie from before sign-out does not authenticate.
    client.set_cookie("session", stolen)
    assert sent_to_sign_in(client.get("/cases/")) == {"expired": "1", "next": "/cases/"}


def test_sign_out_needs_post_with_a_csrf_token(client):
    user = factories.user("keyworker")
    sign_in(client, user)

    assert client.get("/sign-out").status_code == 405
    assert client.post("/sign-out").status_code == 400
    assert client.post("/sign-out", data={"csrf_token": "forged"}).status_code == 400
    assert is_signed_in(client)
    assert open_session(user).ended_at is None

    response = client.post("/sign-out", data={"csrf_token": signed_in_csrf_token(client)})
    assert_redirects(response, "/signed-out")
    assert not is_signed_in(client)


def test_deactivating_a_user_ends_their_sessions_and_api_tokens(client, app, admin, admin_client):
    user = factories.user("keyworker")
    sign_in(client, user)
    issued = tokens.issue_token(user, days=30)
    api = app.test_client()
    assert api.get("/api/v1/me", headers=api_headers(issued.secret)).status_code == 200
    assert is_signed_in(client)

    response = post_form(admin_client, f"/users/{user.id}/deactivate", {"reason": "Left the force"})
    assert_redirects(response, f"/users/{user.id}")
    assert "User deactivated" in text(admin_client.get(location(response)))

    assert sent_to_sign_in(client.get("/cases/")) == {"expired": "1", "next": "/cases/"}
    assert all(s.ended_at is not None for s in sessions_of(user))
    assert {s.end_reason for s in sessions_of(user)} == {"user_deactivated"}

    response = api.get("/api/v1/me", headers=api_headers(issued.secret))
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["status"] == 401
    # The administrator's own session is untouched.
    assert is_signed_in(admin_client)
    assert not reload(user).active
