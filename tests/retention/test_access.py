"""Who reaches the retention review: administrators only (every other role 403), and a
case that is not due answers 404 to them."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from app.auth.roles import Role
from app.cases.models import CaseStatus
from app.dates import add_months, today_in_london
from tests import factories
from tests.helpers import assert_redirects, csrf_token, sign_in
from tests.victims.support import london_noon

COVERED_ENDPOINTS = {
    "retention.index",
    "retention.erase_selected",
    "retention.review",
    "retention.keep",
}
ROLES = list(Role)


def admin_only(ok: int) -> dict:
    return {role: ok if role == Role.ADMIN else 403 for role in ROLES}


# endpoint -> (method, path, expected per role). {due}: an ineligible case past its period.
MATRIX = {
    "retention.index": ("GET", "/retention/", admin_only(200)),
    # Nothing selected: sent back to the list with a message.
    "retention.erase_selected": ("POST", "/retention/erase", admin_only(302)),
    "retention.review": ("GET", "/retention/cases/{due}/case", admin_only(200)),
    "retention.keep": ("GET", "/retention/cases/{due}/case/keep", admin_only(200)),
}
POSTS = {
    # An empty form is refused with its errors; the case stays.
    "retention.review": ("/retention/cases/{due}/case", admin_only(400)),
    "retention.keep": ("/retention/cases/{due}/case/keep", admin_only(400)),
}


def test_the_matrix_covers_every_endpoint():
    assert set(MATRIX) == COVERED_ENDPOINTS


@pytest.fixture
def due_case(app):
    day = add_months(today_in_london(), -24) - timedelta(days=3)
    return factories.case(status=CaseStatus.INELIGIBLE, created_at=london_noon(day))


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r.value)
def test_each_role(client, due_case, role):
    sign_in(client, factories.user(role))
    token = csrf_token(client, "/")
    observed, expected = {}, {}
    for endpoint, (method, template, statuses) in MATRIX.items():
        path = template.format(due=due_case.id)
        data = {"data": {"csrf_token": token}} if method == "POST" else {}
        response = client.open(path, method=method, **data)
        observed[endpoint, method] = response.status_code
        expected[endpoint, method] = statuses[role]
        if statuses[role] == response.status_code == 302:  # back to the list
            assert_redirects(response, "/retention/")
    for endpoint, (template, statuses) in POSTS.items():
        path = template.format(due=due_case.id)
        observed[endpoint, "POST"] = client.post(path, data={"csrf_token": token}).status_code
        expected[endpoint, "POST"] = statuses[role]
    assert observed == expected


def test_a_case_not_due_or_unknown_is_not_found(client):
    sign_in(client, factories.user(Role.ADMIN))
    recent = factories.case(status=CaseStatus.INELIGIBLE)
    for case_id in (recent.id, uuid.uuid4()):
        assert client.get(f"/retention/cases/{case_id}/case").status_code == 404
        assert client.get(f"/retention/cases/{case_id}/victim_contact/keep").status_code == 404
    assert client.get(f"/retention/cases/{recent.id}/other").status_code == 404
