"""Helpers that act as a person would: sign in through the real pages."""

from __future__ import annotations

import re

from tests.factories import PASSWORD, next_code

CSRF_PATTERN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def csrf_token(client, path: str) -> str:
    response = client.get(path, follow_redirects=True)
    match = CSRF_PATTERN.search(response.get_data(as_text=True))
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def post_form(client, path: str, data: dict, **kwargs):
    """Fetch the form for its CSRF token, then post it."""
    return client.post(path, data={**data, "csrf_token": csrf_token(client, path)}, **kwargs)


def sign_in(client, user, password: str = PASSWORD):
    response = post_form(client, "/sign-in", {"email": user.email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)
    response = post_form(client, "/sign-in/code", {"code": next_code(user)})
    assert response.status_code == 302, response.get_data(as_text=True)
    return response


def api_headers(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}
