"""Administrators manage accounts through the /users pages; every change is audited."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.auth.models import User
from app.auth.passwords import check_password
from app.auth.roles import Role
from app.extensions import db
from tests import factories
from tests.auth.support import (
    ERROR_SUMMARY,
    audit_entries,
    is_signed_in,
    location,
    password_step,
    post_form,
    reload,
    sent_to_sign_in,
    sessions_of,
    text,
    user_count,
)
from tests.helpers import assert_redirects, sign_in

NEW_PASSWORD = "violet tugboat ladder"  # noqa: S105
PASSWORD_INPUT = re.compile(r'<input[^>]*name="password"[^>]*>')


def user_by_email(email: str) -> User | None:
    db.session.expire_all()
    return db.session.scalar(select(User).where(User.email == email))


def form_data(**fields) -> dict:
    data = {
        "name": "Priya Sharma",
        "email": "priya.sharma@hub.example",
        "role": "keyworker",
        "organisation_id": "",
        "password": NEW_PASSWORD,
    }
    data.update(fields)
    return data


@pytest.mark.parametrize("role", list(Role))
def test_admin_creates_a_user_of_each_role(admin, admin_client, role):
    organisation = factories.organisation() if role == Role.PARTNER else None
    email = f"new.{role.value}@hub.example"
    response = post_form(
        admin_client,
        "/users/new",
        form_data(
            email=email,
            role=role.value,
            organisation_id=str(organisation.id) if organisation else "",
        ),
    )
    assert response.status_code == 302, text(response)
    created = user_by_email(email)
    assert created is not None
    assert location(response) == f"/users/{created.id}"
    assert created.role == role.value
    assert created.name == "Priya Sharma"
    assert created.organisation_id == (organisation.id if organisation else None)
    assert created.active
    assert not created.mfa_enrolled
    assert check_password(created.password_hash, NEW_PASSWORD)

    page = admin_client.get(location(response))
    assert "User created" in text(page)
    assert email in text(page)

    (entry,) = audit_entries("user.created", created.id)
    assert entry.actor_id == admin.id
    assert entry.actor_role == "admin"
    assert entry.details == {"role": role.value}


def test_new_user_sets_up_two_factor_at_first_sign_in(client, admin_client):
    response = post_form(admin_client, "/users/new", form_data())
    assert_redirects(response, f"/users/{user_by_email('priya.sharma@hub.example').id}")
    response = password_step(client, "priya.sharma@hub.example", NEW_PASSWORD)
    assert response.status_code == 302
    assert location(response) == "/sign-in/set-up-code"


INVALID = [
    pytest.param(
        {"email": "not-an-email"},
        "email",
        "Enter an email address in the correct format, like name@example.com",
        id="bad-email",
    ),
    pytest.param({"name": ""}, "name", "Enter the person's full name", id="missing-name"),
    pytest.param({"name": "   "}, "name", "Enter the person's full name", id="blank-name"),
    pytest.param(
        {"password": "short"},
        "password",
        "Password must be 8 characters or more",
        id="short-password",
    ),
    pytest.param(
        {"password": "password123"},
        "password",
        "Password is too common. Choose a password that is harder to guess",
        id="common-password",
    ),
    pytest.param({"role": ""}, "role", "Select a role", id="missing-role"),
    pytest.param(
        {"role": "partner"},
        "organisation_id",
        "Select the partner organisation",
        id="partner-no-org",
    ),
]


@pytest.mark.parametrize(("fields", "field", "message"), INVALID)
def test_invalid_new_user_is_refused_with_messages(admin_client, fields, field, message):
    before = user_count()
    data = form_data(**fields)
    response = post_form(admin_client, "/users/new", data)
    page = text(response)

    assert response.status_code == 400
    assert ERROR_SUMMARY in page
    assert page.count(message) >= 2, page  # in the summary and by the field
    assert f'id="{field}-error"' in page
    assert f'href="#{field}"' in page
    assert user_count() == before

    # What was typed is kept, except the password.
    if data["name"].strip():
        assert f'value="{data["name"]}"' in page
    assert f'value="{data["email"]}"' in page
    (password_input,) = PASSWORD_INPUT.findall(page)
    assert "value=" not in password_input or 'value=""' in password_input
    if data["password"] != "short":
        assert data["password"] not in page


def test_duplicate_email_is_refused_whatever_its_case(admin_client):
    existing = factories.user("keyworker", email="taken@hub.example")
    before = user_count()
    response = post_form(admin_client, "/users/new", form_data(email="Taken@Hub.Example"))
    page = text(response)
    assert response.status_code == 400
    assert ERROR_SUMMARY in page
    assert page.count("A user with this email address already exists") >= 2
    assert 'value="Taken@Hub.Example"' in page
    assert 'value="Priya Sharma"' in page
    assert NEW_PASSWORD not in page
    assert user_count() == before
    assert reload(existing).name != "Priya Sharma"


def test_organisation_is_only_for_partners(admin_client):
    organisation = factories.organisation()
    before = user_count()
    response = post_form(
        admin_client,
        "/users/new",
        form_data(role="keyworker", organisation_id=str(organisation.id)),
    )
    assert response.status_code == 400
    assert "Only partner users belong to an organisation" in text(response)
    assert user_count() == before


@pytest.mark.parametrize("role", [r for r in Role if r != Role.ADMIN])
def test_other_roles_cannot_use_the_user_pages(client, role):
    other = factories.user("keyworker")
    person = factories.user(role)
    sign_in(client, person)
    for path in (
        "/users/",
        "/users/new",
        f"/users/{other.id}",
        f"/users/{other.id}/deactivate",
        f"/users/{other.id}/reset-mfa",
    ):
        response = client.get(path)
        assert response.status_code == 403, path

    token = re.search(
        r'name="csrf_token" type="hidden" value="([^"]+)"',
        client.get("/", follow_redirects=True).get_data(as_text=True),
    ).group(1)
    response = client.post(
        f"/users/{other.id}/deactivate", data={"reason": "Not allowed", "csrf_token": token}
    )
    assert response.status_code == 403
    response = client.post(
        "/users/new", data={**form_data(email="sneaky@hub.example"), "csrf_token": token}
    )
    assert response.status_code == 403
    assert reload(other).active
    assert user_by_email("sneaky@hub.example") is None
    assert audit_entries("user.viewed") == []


def test_signed_out_visitor_is_sent_to_sign_in(client):
    assert sent_to_sign_in(client.get("/users/")) == {"next": "/users/"}


def test_viewing_a_user_is_audited(admin, admin_client):
    user = factories.user("supervisor")
    response = admin_client.get(f"/users/{user.id}")
    assert response.status_code == 200
    assert user.name in text(response)
    assert user.email in text(response)
    (entry,) = audit_entries("user.viewed", user.id)
    assert entry.actor_id == admin.id
    assert entry.object_type == "user"


def test_unknown_user_is_not_found(admin_client):
    assert admin_client.get("/users/00000000-0000-0000-0000-000000000000").status_code == 404


def change(admin_client, user, action: str, reason: str):
    response = post_form(admin_client, f"/users/{user.id}/{action}", {"reason": reason})
    assert response.status_code == 302, text(response)
    assert location(response) == f"/users/{user.id}"
    return response


def assert_audited(action: str, user, admin, reason: str) -> None:
    entries = audit_entries(action, user.id)
    assert len(entries) == 1, action
    assert entries[0].actor_id == admin.id
    assert entries[0].actor_role == "admin"
    assert entries[0].reason == reason


def test_admin_deactivates_and_reactivates_a_user(client, admin, admin_client):
    user = factories.user("keyworker")
    change(admin_client, user, "deactivate", "Left the force")
    assert not reload(user).active
    assert_audited("user.deactivate", user, admin, "Left the force")
    assert "Enter a correct email address and password" in text(password_step(client, user.email))

    page = admin_client.get(f"/users/{user.id}/reactivate")
    assert page.status_code == 200
    change(admin_client, user, "reactivate", "Rejoined the team")
    assert reload(user).active
    assert_audited("user.reactivate", user, admin, "Rejoined the team")
    sign_in(client, user)
    assert is_signed_in(client)


def test_reactivating_an_active_user_is_refused(admin_client):
    user = factories.user("keyworker")
    response = post_form(admin_client, f"/users/{user.id}/reactivate", {"reason": "Mistake"})
    assert response.status_code == 400
    assert "This user is already active" in text(response)
    assert audit_entries("user.reactivate", user.id) == []


def test_admin_resets_two_factor_sign_in(client, admin, admin_client):
    user = factories.user("keyworker")
    sign_in(client, user)
    assert is_signed_in(client)

    change(admin_client, user, "reset-mfa", "Lost phone")
    reload(user)
    assert not user.mfa_enrolled
    assert user.totp_last_step is None
    assert_audited("user.reset_mfa", user, admin, "Lost phone")
    assert {s.end_reason for s in sessions_of(user)} == {"mfa_reset"}

    assert sent_to_sign_in(client.get("/cases/")) == {"expired": "1", "next": "/cases/"}
    response = password_step(client, user.email)
    assert response.status_code == 302
    assert location(response) == "/sign-in/set-up-code"


def test_admin_cannot_deactivate_themself(admin, admin_client):
    response = post_form(admin_client, f"/users/{admin.id}/deactivate", {"reason": "Testing"})
    assert response.status_code == 400
    page = text(response)
    assert ERROR_SUMMARY in page
    assert "You cannot do this to your own account. Ask another administrator" in page
    assert reload(admin).active
    assert is_signed_in(admin_client)
    assert audit_entries("user.deactivate") == []


def test_admin_cannot_reset_their_own_two_factor(admin, admin_client):
    response = post_form(admin_client, f"/users/{admin.id}/reset-mfa", {"reason": "Testing"})
    assert response.status_code == 400
    assert "You cannot do this to your own account" in text(response)
    assert reload(admin).mfa_enrolled


def test_a_change_needs_a_reason(admin_client):
    user = factories.user("keyworker")
    response = post_form(admin_client, f"/users/{user.id}/deactivate", {"reason": "  "})
    assert response.status_code == 400
    assert ERROR_SUMMARY in text(response)
    assert "Enter a reason" in text(response)
    assert reload(user).active
    assert audit_entries("user.deactivate") == []
