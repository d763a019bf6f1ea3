"""Who may reach the email preferences page: partner users (each their own), nobody else."""

from __future__ import annotations

import pytest

from app.auth.roles import Role
from tests import factories
from tests.helpers import csrf_token, sign_in
from tests.partners.support import lead, partner

ACTORS = ("keyworker", "supervisor", "admin", "partner", "partner_lead", "victim_liaison")
PARTNERS = {"partner", "partner_lead"}

COVERED_ENDPOINTS = {"notifications.edit_preferences"}


def _actor(kind: str):
    if kind == "partner":
        return partner(factories.organisation())
    if kind == "partner_lead":
        return lead(factories.organisation())
    return factories.user(Role(kind))


@pytest.mark.parametrize("kind", ACTORS)
def test_only_partner_users_have_email_preferences(client, kind):
    sign_in(client, _actor(kind))
    token = csrf_token(client, "/")
    page = client.get("/notifications/preferences")
    saved = client.post("/notifications/preferences", data={"csrf_token": token})
    if kind in PARTNERS:
        assert page.status_code == 200
        assert saved.status_code == 302
        assert saved.headers["Location"] == "/notifications/preferences"
    else:
        assert (page.status_code, saved.status_code) == (403, 403)


def test_the_form_needs_its_csrf_token(client):
    sign_in(client, partner(factories.organisation()))
    assert client.post("/notifications/preferences", data={}).status_code == 400
