"""A partner organisation's lead manages its own users; administrators choose the leads."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from app.auth.models import User
from app.auth.roles import Role
from app.errors import Conflict, Forbidden, NotFound
from app.extensions import db
from app.partners import users as partner_users
from tests import factories
from tests.auth.support import location, sessions_of
from tests.helpers import assert_redirects, csrf_token, post_form, sign_in
from tests.partners.support import ERROR_SUMMARY, audit_entries, lead, partner, reload, text

NEW_PASSWORD = "violet tugboat ladder"  # noqa: S105


@pytest.fixture
def org(app):
    return factories.organisation(name="Safe Harbour Housing")


@pytest.fixture
def other_org(app):
    return factories.organisation(name="Turning Point Recovery")


@pytest.fixture
def the_lead(org):
    return lead(org, name="Lee Lead")


@pytest.fixture
def lead_client(app, the_lead):
    browser = app.test_client()
    sign_in(browser, the_lead)
    return browser


def user_by_email(email: str) -> User | None:
    db.session.expire_all()
    return db.session.scalar(select(User).where(User.email == email))


# The users page ------------------------------------------------------------------------------


def test_lead_sees_their_own_organisations_users_only(lead_client, org, other_org):
    partner(org, name="Pat Colleague")
    partner(other_org, name="Oscar Elsewhere")
    page = text(lead_client.get("/organisations/my-users"))
    assert "Pat Colleague" in page
    assert "Lee Lead (you)" in page
    assert "Oscar Elsewhere" not in page
    assert "2 users" in page


def test_lead_adds_a_user_to_their_own_organisation(lead_client, the_lead, org):
    response = post_form(
        lead_client,
        "/organisations/my-users/new",
        {"name": "Nia New", "email": "nia@harbour.example", "password": NEW_PASSWORD},
    )
    assert response.status_code == 302, text(response)
    assert location(response) == "/organisations/my-users"
    created = user_by_email("nia@harbour.example")
    assert created.role == "partner"
    assert created.organisation_id == org.id
    assert created.is_organisation_lead is False
    assert not created.mfa_enrolled
    assert "Nia New added" in text(lead_client.get("/organisations/my-users"))
    (entry,) = audit_entries("user.created", created.id)
    assert entry.actor_id == the_lead.id


def test_a_lead_cannot_choose_another_organisation(lead_client, org, other_org):
    response = post_form(
        lead_client,
        "/organisations/my-users/new",
        {
            "name": "Sly Switch",
            "email": "sly@harbour.example",
            "password": NEW_PASSWORD,
            "organisation_id": str(other_org.id),
            "role": "admin",
        },
    )
    assert_redirects(response, "/organisations/my-users")
    created = user_by_email("sly@harbour.example")
    assert (created.role, created.organisation_id) == ("partner", org.id)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"name": " "}, "Enter the person's full name"),
        ({"email": "not-an-email"}, "Enter an email address in the correct format"),
        ({"password": "short"}, "Password must be 8 characters or more"),
    ],
)
def test_invalid_new_users_are_refused(lead_client, fields, message):
    data = {"name": "Nia New", "email": "nia@harbour.example", "password": NEW_PASSWORD}
    response = post_form(lead_client, "/organisations/my-users/new", {**data, **fields})
    assert response.status_code == 400
    page = text(response)
    assert ERROR_SUMMARY in page and message in page
    assert user_by_email("nia@harbour.example") is None


def test_lead_deactivates_a_user_of_their_organisation(app, lead_client, the_lead, org):
    colleague = partner(org, name="Pat Colleague")
    colleague_browser = app.test_client()
    sign_in(colleague_browser, colleague)

    page = text(lead_client.get(f"/organisations/my-users/{colleague.id}/deactivate"))
    assert "Deactivate Pat Colleague?" in page
    response = post_form(
        lead_client,
        f"/organisations/my-users/{colleague.id}/deactivate",
        {"reason": "Left the organisation"},
    )
    assert_redirects(response, "/organisations/my-users")
    assert reload(colleague).active is False
    assert all(s.ended_at is not None for s in sessions_of(colleague))
    assert "Pat Colleague deactivated" in text(lead_client.get("/organisations/my-users"))
    (entry,) = audit_entries("user.deactivate", colleague.id)
    assert (entry.actor_id, entry.reason) == (the_lead.id, "Left the organisation")


def test_a_reason_is_needed_to_deactivate(lead_client, org):
    colleague = partner(org)
    response = post_form(
        lead_client, f"/organisations/my-users/{colleague.id}/deactivate", {"reason": "  "}
    )
    assert response.status_code == 400
    assert "Enter the reason for deactivating this user" in text(response)
    assert reload(colleague).active is True


def test_another_organisations_user_is_not_found_to_a_lead(lead_client, other_org):
    outsider = partner(other_org)
    path = f"/organisations/my-users/{outsider.id}/deactivate"
    assert lead_client.get(path).status_code == 404
    token = csrf_token(lead_client, "/organisations/my-users")
    assert lead_client.post(path, data={"reason": "x", "csrf_token": token}).status_code == 404
    assert reload(outsider).active is True
    staff = factories.user(Role.KEYWORKER)
    assert lead_client.get(f"/organisations/my-users/{staff.id}/deactivate").status_code == 404
    assert lead_client.get(f"/organisations/my-users/{uuid.uuid4()}/deactivate").status_code == 404


def test_a_lead_cannot_deactivate_themself(lead_client, the_lead):
    token = csrf_token(lead_client, "/organisations/my-users")
    response = lead_client.post(
        f"/organisations/my-users/{the_lead.id}/deactivate",
        data={"reason": "Leaving", "csrf_token": token},
    )
    assert_redirects(response, "/organisations/my-users")
    assert reload(the_lead).active is True
    assert "You cannot deactivate your own account" in text(
        lead_client.get("/organisations/my-users")
    )
    with pytest.raises(Conflict):
        partner_users.deactivate_partner_user(the_lead, the_lead.id, "Leaving")


def test_a_deactivated_user_cannot_be_deactivated_again(lead_client, the_lead, org):
    colleague = partner(org, name="Pat Colleague")
    partner_users.deactivate_partner_user(the_lead, colleague.id, "Left")

    response = lead_client.get(f"/organisations/my-users/{colleague.id}/deactivate")
    assert_redirects(response, "/organisations/my-users")
    assert "Pat Colleague is already deactivated" in text(
        lead_client.get("/organisations/my-users")
    )
    with pytest.raises(Conflict, match="Pat Colleague is already deactivated"):
        partner_users.deactivate_partner_user(the_lead, colleague.id, "Left again")
    assert len(audit_entries("user.deactivate", colleague.id)) == 1


def test_services_enforce_the_same_rules(the_lead, org, other_org):
    with pytest.raises(NotFound):
        partner_users.deactivate_partner_user(the_lead, partner(other_org).id, "Moved")
    with pytest.raises(NotFound):
        partner_users.org_users(the_lead, other_org.id)
    not_lead = partner(org)
    with pytest.raises(Forbidden):
        partner_users.add_partner_user(
            not_lead, name="X", email="x@x.example", password=NEW_PASSWORD
        )
    with pytest.raises(Forbidden):
        partner_users.deactivate_partner_user(not_lead, the_lead.id, "Coup")


def test_a_partner_who_is_not_the_lead_gets_403(client, org):
    sign_in(client, partner(org))
    colleague = partner(org)
    assert client.get("/organisations/my-users").status_code == 403
    assert client.get("/organisations/my-users/new").status_code == 403
    assert client.get(f"/organisations/my-users/{colleague.id}/deactivate").status_code == 403


# Administrators choose the lead ---------------------------------------------------------------


def set_lead(admin_client, org, user, value: str):
    token = csrf_token(admin_client, f"/organisations/{org.id}")
    return admin_client.post(
        f"/organisations/{org.id}/users/{user.id}/lead",
        data={"lead": value, "csrf_token": token},
    )


def test_admin_makes_and_removes_a_lead(admin, admin_client, org):
    user = partner(org, name="Pat Colleague")
    page = text(admin_client.get(f"/organisations/{org.id}"))
    assert "Make lead" in page and "Pat Colleague" in page

    response = set_lead(admin_client, org, user, "yes")
    assert response.status_code == 302
    assert location(response) == f"/organisations/{org.id}"
    assert reload(user).is_organisation_lead is True
    page = text(admin_client.get(f"/organisations/{org.id}"))
    assert "Pat Colleague is now the organisation's lead" in page
    assert "Remove lead" in page and ">Lead</strong>" in page

    assert_redirects(set_lead(admin_client, org, user, "no"), f"/organisations/{org.id}")
    assert reload(user).is_organisation_lead is False

    granted, removed = audit_entries("user.lead_granted"), audit_entries("user.lead_removed")
    assert [e.object_id for e in granted + removed] == [str(user.id)] * 2
    assert granted[0].actor_id == admin.id
    assert granted[0].details["organisation_id"] == str(org.id)


def test_the_new_lead_can_then_manage_users(app, admin_client, org):
    user = partner(org)
    browser = app.test_client()
    sign_in(browser, user)
    assert browser.get("/organisations/my-users").status_code == 403
    set_lead(admin_client, org, user, "yes")
    assert browser.get("/organisations/my-users").status_code == 200


def test_lead_of_another_organisations_user_is_not_found(admin_client, org, other_org):
    outsider = partner(other_org)
    assert set_lead(admin_client, org, outsider, "yes").status_code == 404
    assert reload(outsider).is_organisation_lead is False


def test_only_partner_users_can_be_leads(admin):
    with pytest.raises(Conflict):
        partner_users.set_lead(admin, factories.user(Role.KEYWORKER).id, True)
    with pytest.raises(NotFound):
        partner_users.set_lead(admin, uuid.uuid4(), True)


def test_setting_the_same_value_again_is_refused_plainly(admin, admin_client, the_lead, org):
    response = set_lead(admin_client, org, the_lead, "yes")
    assert_redirects(response, f"/organisations/{org.id}")
    assert "already their organisation's lead" in text(admin_client.get(f"/organisations/{org.id}"))
    assert audit_entries("user.lead_granted") == []


def test_a_garbled_lead_value_is_a_bad_request(admin_client, org):
    user = partner(org)
    assert set_lead(admin_client, org, user, "maybe").status_code == 400
    assert reload(user).is_organisation_lead is False


def test_organisation_page_lists_its_users_and_audits_the_read(admin, admin_client, org):
    colleague = partner(org, name="Pat Colleague")
    page = admin_client.get(f"/organisations/{org.id}")
    assert "Pat Colleague" in page.text
    (entry,) = audit_entries("organisation.users_listed")
    assert entry.actor_id == admin.id
    assert entry.details["organisation_id"] == str(org.id)
    assert str(colleague.id) in entry.details["ids"]
