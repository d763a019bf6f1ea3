"""Administrators change a user's name, email address and role (with the partner
organisation), through the pages (answers, then "check your answers", then save) and
PATCH /api/v1/users/{id}; every change is audited with codes and ids only, and nobody
changes their own role."""

from __future__ import annotations

import json

import pytest

from app.auth.models import User
from app.auth.roles import Role
from app.auth.tokens import issue_token
from app.extensions import db
from tests import factories
from tests.auth.support import audit_entries, location
from tests.dom import parse
from tests.helpers import api_headers, csrf_token


@pytest.fixture
def kim(app):
    return factories.user(Role.KEYWORKER, name="Kim Keyworker", email="kim@hub.example")


EMAIL_FORMAT = "Enter an email address in the correct format, like name@example.com"


def reloaded(user: User) -> User:
    db.session.expire_all()
    return db.session.get(User, user.id)


def answers(user: User, **fields) -> dict:
    data = {
        "name": user.name,
        "email": user.email,
        "role": user.role,
        "organisation_id": str(user.organisation_id or ""),
        "version": str(user.version),
    }
    data.update(fields)
    return data


def post_edit(client, user: User, data: dict):
    path = f"/users/{user.id}/edit"
    return client.post(path, data={**data, "csrf_token": csrf_token(client, path)})


def test_the_form_shows_the_users_details_as_they_are(admin_client, kim):
    doc = parse(admin_client.get(f"/users/{kim.id}"))
    assert doc.link("Change details").attrs["href"] == f"/users/{kim.id}/edit"
    doc = parse(admin_client.get(f"/users/{kim.id}/edit"))
    assert doc.one("input", id="name").attrs["value"] == "Kim Keyworker"
    assert doc.one("input", id="email").attrs["value"] == "kim@hub.example"
    assert (
        "checked" in doc.one("input", where=lambda el: el.attrs.get("value") == "keyworker").attrs
    )


def test_admin_checks_then_saves_a_change_of_name_email_and_role(admin, admin_client, kim):
    organisation = factories.organisation(name="Turning Point Recovery")
    data = answers(
        kim,
        name="Kim Partner",
        email="Kim.Partner@Turning.example",
        role="partner",
        organisation_id=str(organisation.id),
    )
    check = post_edit(admin_client, kim, data)
    assert check.status_code == 200
    doc = parse(check)
    assert doc.heading("Check the changes before saving them") is not None
    assert doc.summary_value("Full name").lines == ["Kim Partner", "Was: Kim Keyworker"]
    assert doc.summary_value("Email address").lines == [
        "kim.partner@turning.example",
        "Was: kim@hub.example",
    ]
    assert doc.summary_value("Role").lines == ["Partner organisation", "Was: Keyworker"]
    assert doc.summary_value("Partner organisation").lines == [
        "Turning Point Recovery",
        "Was: None",
    ]
    assert reloaded(kim).name == "Kim Keyworker"  # nothing saved yet
    assert audit_entries("user.updated") == []

    saved = post_edit(admin_client, kim, {**data, "step": "confirm"})
    assert saved.status_code == 302
    assert location(saved) == f"/users/{kim.id}"
    after = reloaded(kim)
    assert (after.name, after.email, after.role, after.organisation_id) == (
        "Kim Partner",
        "kim.partner@turning.example",
        "partner",
        organisation.id,
    )
    page = parse(admin_client.get(location(saved)))
    assert "User details saved" in page.one(cls="govuk-notification-banner").text
    assert page.summary_value("Role").text == "Partner organisation"

    (entry,) = audit_entries("user.updated", kim.id)
    assert entry.actor_id == admin.id
    assert entry.details["fields"] == ["email", "name", "organisation_id", "role"]
    assert entry.details["before"] == {"role": "keyworker", "organisation_id": None}
    assert entry.details["after"] == {"role": "partner", "organisation_id": str(organisation.id)}
    # No personal data beyond what the users' other entries carry (ids and codes).
    flat = json.dumps(entry.details) + (entry.reason or "")
    assert "Kim" not in flat and "@" not in flat


def test_change_on_the_check_page_brings_the_answers_back(admin_client, kim):
    data = answers(kim, name="Kimberley Keyworker")
    back = post_edit(admin_client, kim, {**data, "step": "change"})
    assert back.status_code == 200
    doc = parse(back)
    assert doc.one("input", id="name").attrs["value"] == "Kimberley Keyworker"
    assert doc.error_summary() == []


def test_bad_answers_are_all_shown_at_once_and_kept(admin_client, kim):
    factories.user(Role.SUPERVISOR, email="taken@hub.example")
    response = post_edit(admin_client, kim, answers(kim, name="Kim K", email="taken@hub.example"))
    assert response.status_code == 400
    doc = parse(response)
    assert doc.field_error("email") == "A user with this email address already exists"
    assert doc.one("input", id="name").attrs["value"] == "Kim K"

    response = post_edit(admin_client, kim, answers(kim, name="", email="not-an-email"))
    doc = parse(response)
    assert doc.error_summary() == [
        "Enter the person's full name",
        "Enter an email address in the correct format, like name@example.com",
    ]
    assert doc.one("input", id="email").attrs["value"] == "not-an-email"
    assert reloaded(kim).email == "kim@hub.example"


def test_a_partner_needs_an_organisation_and_other_roles_leave_it_out(admin_client, kim):
    response = post_edit(admin_client, kim, answers(kim, role="partner", organisation_id=""))
    assert parse(response).field_error("organisation_id") == "Select the partner organisation"

    partner = factories.user(Role.PARTNER)
    response = post_edit(admin_client, partner, answers(partner, role="supervisor"))
    doc = parse(response)
    assert response.status_code == 200
    assert doc.summary_value("Partner organisation").lines[0] == "None"
    saved = post_edit(
        admin_client, partner, {**answers(partner, role="supervisor"), "step": "confirm"}
    )
    assert saved.status_code == 302
    after = reloaded(partner)
    assert (after.role, after.organisation_id) == ("supervisor", None)


def test_nothing_changed_says_so(admin_client, kim):
    response = post_edit(admin_client, kim, answers(kim))
    assert response.status_code == 400
    assert parse(response).error_summary() == [
        "You have not changed anything. Change a detail, or go back"
    ]


def test_an_administrator_cannot_change_their_own_role(admin, admin_client):
    admin = reloaded(admin)  # as signing in left it
    doc = parse(admin_client.get(f"/users/{admin.id}/edit"))
    assert "not your role" in doc.by_test_id("own-account").text
    response = post_edit(admin_client, admin, answers(admin, role="supervisor"))
    assert response.status_code == 400
    assert parse(response).field_error("role") == (
        "You cannot change your own role. Ask another administrator to change it"
    )
    confirmed = post_edit(
        admin_client, admin, {**answers(admin, role="supervisor"), "step": "confirm"}
    )
    assert confirmed.status_code == 400
    assert reloaded(admin).role == "admin"
    # Their own name is theirs to correct.
    renamed = post_edit(admin_client, admin, {**answers(admin, name="Ada A"), "step": "confirm"})
    assert location(renamed) == f"/users/{admin.id}"
    assert reloaded(admin).name == "Ada A"


def test_a_change_made_meanwhile_is_not_overwritten(admin_client, kim):
    stale = answers(kim, name="Kim Old Form")
    db.session.get(User, kim.id).name = "Kim Renamed Elsewhere"
    db.session.commit()
    response = post_edit(admin_client, kim, {**stale, "step": "confirm"})
    assert response.status_code == 409
    doc = parse(response)
    assert "Your changes were not saved" in doc.by_test_id("stale").text
    assert doc.one("input", id="name").attrs["value"] == "Kim Renamed Elsewhere"
    assert reloaded(kim).name == "Kim Renamed Elsewhere"


@pytest.mark.parametrize("version", [None, "", "not-a-number"])
def test_a_form_that_lost_its_version_saves_nothing(admin_client, kim, version):
    """Without the version the page was read at, a change made meanwhile could not be
    told apart: the post is treated as stale, never as "skip the check"."""
    data = answers(kim, name="Kim From A Lost Form")
    if version is None:
        del data["version"]
    else:
        data["version"] = version
    response = post_edit(admin_client, kim, {**data, "step": "confirm"})
    assert response.status_code == 409
    assert "Your changes were not saved" in parse(response).by_test_id("stale").text
    assert reloaded(kim).name == "Kim Keyworker"


@pytest.mark.parametrize("role", [r for r in Role if r != Role.ADMIN])
def test_only_administrators_edit_users(client, kim, role):
    from tests.helpers import sign_in

    sign_in(client, factories.user(role))
    assert client.get(f"/users/{kim.id}/edit").status_code == 403
    token = csrf_token(client, "/")
    response = client.post(
        f"/users/{kim.id}/edit",
        data={**answers(kim, name="X"), "step": "confirm", "csrf_token": token},
    )
    assert response.status_code == 403
    assert reloaded(kim).name == "Kim Keyworker"


# The API ------------------------------------------------------------------------------


def api(user: User) -> dict:
    return api_headers(issue_token(user, days=1).secret)


def test_patch_changes_only_the_fields_sent(admin, client, kim):
    response = client.patch(
        f"/api/v1/users/{kim.id}",
        json={"role": "supervisor", "version": kim.version},
        headers=api(admin),
    )
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert (body["role"], body["name"], body["email"]) == (
        "supervisor",
        "Kim Keyworker",
        "kim@hub.example",
    )
    assert body["version"] == reloaded(kim).version
    (entry,) = audit_entries("user.updated", kim.id)
    assert entry.details["before"] == {"role": "keyworker"}
    assert entry.details["after"] == {"role": "supervisor"}


def test_patch_validates_as_the_page_does(admin, client, kim):
    factories.user(Role.SUPERVISOR, email="taken@hub.example")
    headers = api(admin)
    cases = [
        ({"email": "taken@hub.example"}, "email", "A user with this email address already exists"),
        (
            {"email": "nope"},
            "email",
            "Enter an email address in the correct format, like name@example.com",
        ),
        ({"role": "partner"}, "organisation_id", "Select the partner organisation"),
        (
            {"organisation_id": str(factories.organisation().id)},
            "organisation_id",
            "Only partner users belong to an organisation",
        ),
    ]
    for body, field, message in cases:
        response = client.patch(f"/api/v1/users/{kim.id}", json=body, headers=headers)
        assert response.status_code == 422, body
        assert response.mimetype == "application/problem+json"
        assert response.get_json()["errors"][field] == [message]
    response = client.patch(f"/api/v1/users/{kim.id}", json={"role": "chief"}, headers=headers)
    assert response.status_code == 422
    assert "role" in response.get_json()["errors"]
    assert reloaded(kim).role == "keyworker"
    assert audit_entries("user.updated") == []


def test_patch_refuses_your_own_role_and_a_stale_version(admin, client, kim):
    headers = api(admin)
    own = client.patch(f"/api/v1/users/{admin.id}", json={"role": "keyworker"}, headers=headers)
    assert own.status_code == 422
    assert own.get_json()["code"] == "own_role"
    assert own.get_json()["errors"]["role"] == [
        "You cannot change your own role. Ask another administrator to change it"
    ]
    stale = client.patch(
        f"/api/v1/users/{kim.id}", json={"name": "K", "version": kim.version - 1}, headers=headers
    )
    assert stale.status_code == 409
    assert stale.get_json()["code"] == "stale_version"
    assert reloaded(kim).name == "Kim Keyworker"


def test_patch_is_for_administrators_only(client, kim):
    for role in (r for r in Role if r != Role.ADMIN):
        response = client.patch(
            f"/api/v1/users/{kim.id}", json={"name": "X"}, headers=api(factories.user(role))
        )
        assert response.status_code == 403, role
    assert reloaded(kim).name == "Kim Keyworker"


def test_patch_is_in_the_openapi_document(client):
    document = client.get("/api/v1/openapi.json").get_json()
    operation = document["paths"]["/api/v1/users/{user_id}"]["patch"]
    assert {"200", "409", "422"} <= set(operation["responses"])
    schema = document["components"]["schemas"]["UserChanges"]
    assert {"name", "email", "role", "organisation_id", "version"} <= set(schema["properties"])


def test_a_lead_moved_out_of_their_organisation_is_warned_of_and_stops_leading(
    admin_client,
):
    lead = factories.user(Role.PARTNER, is_organisation_lead=True)
    data = answers(lead, role="keyworker")
    doc = parse(post_edit(admin_client, lead, data))
    assert "They will no longer be its lead" in doc.by_test_id("lead-warning").text
    post_edit(admin_client, lead, {**data, "step": "confirm"})
    after = reloaded(lead)
    assert (after.role, after.organisation_id, after.is_organisation_lead) == (
        "keyworker",
        None,
        False,
    )
    (entry,) = audit_entries("user.updated", lead.id)
    assert "is_organisation_lead" in entry.details["fields"]


def test_a_role_that_is_not_one_of_the_list_is_refused_in_words(admin_client, kim):
    response = post_edit(admin_client, kim, answers(kim, role="chief"))
    assert response.status_code == 400
    assert parse(response).field_error("role") == "Select a role"
