"""Who may reach the API token pages: role x endpoint x owner of the token -> status.

Every signed-in role has its own "Your API tokens" pages; another user's token answers
404 there. Only administrators reach a user's tokens from the user pages (403 for the
rest). The account, sign-in and user-admin pages are in tests/security's matrix.
"""

from __future__ import annotations

import pytest

from app.auth.roles import Role
from app.auth.tokens import issue_token
from tests import factories
from tests.helpers import sign_in

COVERED_ENDPOINTS = {
    "auth.tokens",
    "auth.new_token",
    "auth.revoke_token",
    "users.revoke_token",
}

ADMIN_ONLY = {role: (200 if role == Role.ADMIN else 403) for role in Role}
EVERYONE = dict.fromkeys(Role, 200)
NOBODY = dict.fromkeys(Role, 404)

# (endpoint, path; {own} is the signed-in user's token, {other} another user's token and
# {owner} that user's id) -> expected status per role
MATRIX = [
    ("auth.tokens", "/account/tokens", EVERYONE),
    ("auth.new_token", "/account/tokens/new", EVERYONE),
    ("auth.revoke_token", "/account/tokens/{own}/revoke", EVERYONE),
    ("auth.revoke_token", "/account/tokens/{other}/revoke", NOBODY),
    ("users.revoke_token", "/users/{owner}/tokens/{other}/revoke", ADMIN_ONLY),
]


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_token_pages_by_role(client, role):
    me = factories.user(role)
    owner = factories.user(Role.PARTNER)
    own = issue_token(me, days=1).token.id
    other = issue_token(owner, days=1).token.id
    sign_in(client, me)
    observed = {
        path: client.get(path.format(own=own, other=other, owner=owner.id)).status_code
        for _endpoint, path, _expected in MATRIX
    }
    assert observed == {path: expected[role] for _endpoint, path, expected in MATRIX}


def test_the_matrix_names_every_covered_endpoint():
    assert {endpoint for endpoint, _path, _expected in MATRIX} == COVERED_ENDPOINTS
