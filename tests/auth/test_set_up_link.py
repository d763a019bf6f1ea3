"""Users created without a password: an emailed, single-use set-up link to choose one,
then the usual two-factor set-up. No one but the person ever handles their password."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import sqlalchemy as sa

from app.auth import mfa
from app.auth import set_up as set_up_module
from app.auth.models import User
from app.auth.tokens import issue_token
from app.database import utcnow
from app.extensions import db
from app.notifications.models import Notification
from app.notifications.sender import SmtpTransport, deliver_pending
from tests import factories
from tests.auth.support import (
    ERROR_SUMMARY,
    WRONG_CREDENTIALS,
    audit_entries,
    code_step,
    csrf_token,
    is_signed_in,
    location,
    password_step,
    post_form,
    sign_out,
    text,
)
from tests.helpers import api_headers, assert_redirects, sign_in

CHOSEN = "copper kettle lantern"  # noqa: S105
LINK = re.compile(r"https?://\S+?(/set-up\?token=[A-Za-z0-9_-]+)")
SECRET_PATTERN = re.compile(r'data-testid="totp-secret">([A-Z2-7]+)<')


class Outbox:
    """A transport that keeps what it is given."""

    def __init__(self):
        self.messages = []

    def send(self, message) -> None:
        self.messages.append(message)


def deliver() -> list:
    outbox = Outbox()
    deliver_pending(outbox)
    return outbox.messages


def set_up_path(message) -> str:
    match = LINK.search(message.get_content())
    assert match, message.get_content()
    return match.group(1)


def user_by_email(email: str) -> User | None:
    db.session.expire_all()
    return db.session.scalar(sa.select(User).where(User.email == email))


def create_through_api(client, **body):
    admin = factories.user("admin")
    headers = api_headers(issue_token(admin, days=1).secret)
    data = {"email": "new.person@hub.example", "name": "Noor Person", "role": "keyworker"}
    return client.post("/api/v1/users", json={**data, **body}, headers=headers)


def choose(client, path: str, password: str = CHOSEN, confirm: str | None = None):
    return post_form(
        client, path, {"password": password, "confirm": password if confirm is None else confirm}
    )


def test_the_api_creates_a_user_without_a_password_who_is_emailed_a_link(client):
    response = create_through_api(client)
    assert response.status_code == 201, response.get_json()
    assert response.json["email"] == "new.person@hub.example"
    assert response.json["mfa_enrolled"] is False
    assert "password" not in response.json

    [message] = deliver()
    assert message["To"] == "new.person@hub.example"
    assert message["Subject"] == "Set up your account"
    content = message.get_content()
    assert "72 hours" in content
    # Nothing about the person beyond the link itself.
    assert "Noor" not in content and "keyworker" not in content.lower()
    assert "new.person" not in content

    # The token is stored nowhere: only its hash.
    path = set_up_path(message)
    # The token is in the query string, which the access log leaves out, not the path.
    assert urlsplit(path).path == "/set-up"
    token = parse_qs(urlsplit(path).query)["token"][0]
    db.session.expire_all()
    stored = " ".join(
        str(value)
        for table in ("set_up_links", "notifications", "audit_entries")
        for row in db.session.execute(sa.text(f"SELECT * FROM {table}"))  # noqa: S608
        for value in row
    )
    assert token not in stored


def test_the_link_sets_a_password_then_two_factor_sign_in(client):
    create_through_api(client)
    path = set_up_path(deliver()[0])

    page = client.get(path)
    assert page.status_code == 200
    assert "Choose your password" in text(page)
    assert "new.person@hub.example" in text(page)

    response = choose(client, path, confirm="something else entirely")
    assert response.status_code == 400
    assert ERROR_SUMMARY in text(response)
    assert "Enter the same password in both boxes" in text(response)
    response = choose(client, path, "password123")
    assert response.status_code == 400
    assert "Password is too common" in text(response)

    response = choose(client, path)
    assert response.status_code == 302
    assert location(response) == "/sign-in/set-up-code"
    secret = SECRET_PATTERN.search(client.get("/sign-in/set-up-code").get_data(as_text=True))[1]
    response = code_step(client, mfa.code_for(secret), path="/sign-in/set-up-code")
    assert location(response) == "/"
    assert is_signed_in(client)

    user = user_by_email("new.person@hub.example")
    assert user.mfa_enrolled
    (entry,) = audit_entries("user.password_set", user.id)
    assert entry.actor_id == user.id

    # From now on they sign in with what they chose.
    sign_out(client)
    sign_in(client, user, password=CHOSEN)
    assert is_signed_in(client)


def test_before_set_up_no_password_signs_in(client):
    create_through_api(client)
    for guess in ("", "correct horse battery staple", "!set-up-pending"):
        response = password_step(client, "new.person@hub.example", guess or "x")
        assert response.status_code == 400
        assert WRONG_CREDENTIALS in text(response)


def test_a_link_works_once(client):
    create_through_api(client)
    path = set_up_path(deliver()[0])
    assert_redirects(choose(client, path), "/sign-in/set-up-code")

    elsewhere = client.application.test_client()  # the link opened again, in another browser
    token = csrf_token(elsewhere, "/sign-in")
    again = elsewhere.post(
        path,
        data={"password": "another one here", "confirm": "another one here", "csrf_token": token},
    )
    for response in (client.get(path), again):
        assert response.status_code == 410
        page = text(response)
        assert "This link has already been used" in page
        assert "govuk-heading-l" in page
        assert "Traceback" not in page
    user = user_by_email("new.person@hub.example")
    assert user is not None
    assert len(audit_entries("user.password_set", user.id)) == 1


def test_a_link_expires_after_72_hours(client, monkeypatch):
    create_through_api(client)
    path = set_up_path(deliver()[0])
    later = utcnow() + timedelta(hours=72, minutes=1)
    monkeypatch.setattr(set_up_module, "utcnow", lambda: later)
    response = client.get(path)
    assert response.status_code == 410
    assert "This link has expired" in text(response)
    assert "Ask an administrator" in text(response)
    assert user_by_email("new.person@hub.example").password_hash is None


@pytest.mark.parametrize(
    "path",
    [
        "/set-up?token=not-a-real-token",
        "/set-up?token=" + "x" * 300,
        "/set-up",
    ],
)
def test_an_unknown_link_is_not_found(client, path):
    response = client.get(path)
    assert response.status_code == 404
    page = text(response)
    assert "This link is not valid" in page
    assert "Traceback" not in page


def test_a_link_with_a_nul_is_the_400_page(client):
    """Every page's query string is refused with a NUL in it (app.security), this one too."""
    response = client.get("/set-up?token=%00abc")
    assert response.status_code == 400
    assert "There is a problem with your request" in text(response)
    assert "Traceback" not in text(response)


def test_a_deactivated_users_link_is_not_valid(client, admin_client):
    create_through_api(client)
    path = set_up_path(deliver()[0])
    user = user_by_email("new.person@hub.example")
    post_form(admin_client, f"/users/{user.id}/deactivate", {"reason": "Created by mistake"})
    assert client.get(path).status_code == 404


def test_a_failed_send_leaves_no_link_behind(client):
    create_through_api(client)
    closed = SmtpTransport("127.0.0.1", 9, timeout=1)  # nothing listens on the discard port
    assert deliver_pending(closed) == (0, 1)
    assert db.session.scalar(sa.text("SELECT count(*) FROM set_up_links")) == 0
    later = utcnow() + timedelta(minutes=2)
    outbox = Outbox()
    assert deliver_pending(outbox, now=later) == (1, 0)
    assert client.get(set_up_path(outbox.messages[0])).status_code == 200


# The admin's and the partner lead's pages --------------------------------------------------


def test_admin_creates_a_user_without_a_password(client, admin_client):
    response = post_form(
        admin_client,
        "/users/new",
        {"name": "Priya Sharma", "email": "priya@hub.example", "role": "supervisor"},
    )
    assert_redirects(response, f"/users/{user_by_email('priya@hub.example').id}")
    page = text(admin_client.get(location(response)))
    assert "They have been emailed a link to set up their account" in page
    assert "Waiting for set-up" in page
    [message] = deliver()
    assert message["To"] == "priya@hub.example"
    assert client.get(set_up_path(message)).status_code == 200


def test_admin_sends_a_new_link_and_any_link_ends_when_a_password_is_chosen(
    client, admin, admin_client
):
    create_through_api(client)
    first = set_up_path(deliver()[0])
    user = user_by_email("new.person@hub.example")
    assert f"/users/{user.id}/send-set-up-link" in text(admin_client.get(f"/users/{user.id}"))

    response = post_form(
        admin_client, f"/users/{user.id}/send-set-up-link", {"reason": "Their link expired"}
    )
    assert_redirects(response, f"/users/{user.id}")
    assert "Set-up link sent" in text(admin_client.get(location(response)))
    (entry,) = audit_entries("user.send_set_up_link", user.id)
    assert entry.actor_id == admin.id
    second = set_up_path(deliver()[0])
    assert second != first

    assert_redirects(choose(client, second), "/sign-in/set-up-code")
    assert client.get(first).status_code == 410

    # With a password chosen, there is nothing more to send.
    response = post_form(admin_client, f"/users/{user.id}/send-set-up-link", {"reason": "Again"})
    assert response.status_code == 400
    assert "This user has already chosen a password" in text(response)


def test_a_partner_lead_adds_a_user_who_is_emailed_a_link(client):
    org = factories.organisation()
    lead = factories.user("partner", organisation_id=org.id, is_organisation_lead=True)
    lead_browser = client.application.test_client()
    sign_in(lead_browser, lead)
    response = post_form(
        lead_browser,
        "/organisations/my-users/new",
        {"name": "Nia New", "email": "nia@harbour.example"},
    )
    assert_redirects(response, "/organisations/my-users")
    assert "emailed a link to set up their account" in text(lead_browser.get(location(response)))
    [message] = deliver()
    assert message["To"] == "nia@harbour.example"
    assert_redirects(choose(client, set_up_path(message)), "/sign-in/set-up-code")


def test_the_api_documents_password_as_optional(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    operation = spec["paths"]["/api/v1/users"]["post"]
    assert "set-up link" in operation["description"]
    body = operation["requestBody"]["content"]["application/json"]
    assert "password" not in body.get("example", {})
    schema = body["schema"]
    if "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    assert "password" in schema["properties"]
    assert "password" not in schema.get("required", [])
    assert "set-up link" in schema["properties"]["password"]["description"]


def test_notifications_carry_the_set_up_kind_only_for_new_users(client):
    create_through_api(client)
    create_through_api(client, email="with.password@hub.example", password=CHOSEN)
    db.session.expire_all()
    kinds = db.session.scalars(sa.select(Notification.kind)).all()
    assert kinds == [set_up_module.KIND]
