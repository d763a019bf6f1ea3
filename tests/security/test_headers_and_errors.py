"""Security headers on every response, and error pages that never show a stack trace."""

from __future__ import annotations

import re

import pytest

from app.auth.permissions import public
from app.auth.roles import Role
from tests import factories
from tests.dom import parse
from tests.helpers import csrf_token, sign_in


@pytest.fixture
def app_with_failing_routes(fresh_app):
    app = fresh_app

    @public
    def boom():
        raise RuntimeError("secret internal detail")

    app.add_url_rule("/test-only/boom", "boom", boom)
    app.add_url_rule("/api/v1/test-only/boom", "api_boom", boom)
    return app


def test_pages_send_the_security_headers(client):
    response = client.get("/sign-in")
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp
    assert re.search(r"script-src 'self' 'nonce-[\w-]+'", csp)
    assert "unsafe-inline" not in csp
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Cache-Control"] == "no-store"


def test_each_response_gets_its_own_nonce_used_by_the_inline_script(client):
    first, second = client.get("/sign-in"), client.get("/sign-in")
    nonce = re.search(r"'nonce-([\w-]+)'", first.headers["Content-Security-Policy"]).group(1)
    other = re.search(r"'nonce-([\w-]+)'", second.headers["Content-Security-Policy"]).group(1)
    assert nonce != other
    assert f'nonce="{nonce}"' in first.get_data(as_text=True)


def test_signed_in_pages_with_personal_data_are_not_stored(client):
    sign_in(client, factories.user(Role.ADMIN))
    response = client.get("/users/")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"


def test_static_assets_are_served_from_assets_and_may_be_cached(client):
    response = client.get("/assets/application.css")
    assert response.status_code == 200
    assert response.headers.get("Cache-Control") != "no-store"
    css = response.get_data(as_text=True)
    assert "GDS Transport" not in css  # reserved for GOV.UK


def test_pages_show_the_service_name_and_no_gov_uk_branding(client):
    html = client.get("/sign-in").get_data(as_text=True)
    assert "Virtual offender hub" in html
    assert "govuk-header__logo" not in html
    assert "Crown copyright" not in html
    assert 'lang="en"' in html


def test_not_found_page_is_in_the_service_design(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)
    assert "govuk-template" in response.get_data(as_text=True)


def test_unexpected_errors_show_a_plain_page_without_details(app_with_failing_routes):
    client = app_with_failing_routes.test_client()
    response = client.get("/test-only/boom")
    body = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in body
    assert "secret internal detail" not in body
    assert "Traceback" not in body


def test_unexpected_api_errors_are_problem_json_without_details(app_with_failing_routes):
    client = app_with_failing_routes.test_client()
    response = client.get("/api/v1/test-only/boom")
    assert response.status_code == 500
    assert response.mimetype == "application/problem+json"
    assert response.json["status"] == 500
    assert "secret internal detail" not in response.get_data(as_text=True)


def test_forms_without_a_csrf_token_are_refused(client):
    sign_in(client, factories.user(Role.ADMIN))
    response = client.post("/users/new", data={"name": "No Token"})
    assert response.status_code == 400
    assert "Your form expired" in response.get_data(as_text=True)


def test_a_signed_in_user_of_the_wrong_role_gets_the_forbidden_page(client):
    sign_in(client, factories.user(Role.PARTNER))
    response = client.get("/users/")
    assert response.status_code == 403
    assert "You do not have permission to see this page" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("error", "status", "page_text"),
    [("not_found", 404, "Page not found"), ("forbidden", 403, "You do not have permission")],
)
def test_a_services_not_found_or_forbidden_is_answered_not_crashed(
    fresh_app, error, status, page_text
):
    from app.errors import Forbidden, NotFound

    @public
    def refuse():
        raise (NotFound if error == "not_found" else Forbidden)("out of scope")

    fresh_app.add_url_rule("/test-only/refuse", "refuse", refuse)
    fresh_app.add_url_rule("/api/v1/test-only/refuse", "api_refuse", refuse)
    client = fresh_app.test_client()
    page = client.get("/test-only/refuse")
    assert page.status_code == status
    assert page_text in page.get_data(as_text=True)
    api = client.get("/api/v1/test-only/refuse")
    assert api.status_code == status
    assert api.mimetype == "application/problem+json"


@pytest.mark.parametrize(
    ("error", "status", "page_text", "api_status", "api_extra"),
    [
        ("stale", 409, "Someone else changed this", 409, {"code": "stale_version"}),
        (
            "invalid",
            400,
            "There is a problem with your request",
            422,
            {"code": "validation_failed", "errors": {"name": ["Enter a name"]}},
        ),
        (
            "fields",
            400,
            "There is a problem with your request",
            422,
            {"code": "validation_failed", "errors": {"a": ["Enter a"], "b": ["Enter b"]}},
        ),
    ],
)
def test_any_other_domain_error_left_unhandled_is_a_4xx_not_a_crash(
    fresh_app, error, status, page_text, api_status, api_extra
):
    app = fresh_app
    from app.errors import InvalidInput, StaleVersion, ValidationFailed

    errors = {
        "stale": StaleVersion("Someone else changed it"),
        "invalid": ValidationFailed("Enter a name", field="name"),
        "fields": InvalidInput({"a": "Enter a", "b": "Enter b"}),
    }

    @public
    def refuse():
        raise errors[error]

    app.add_url_rule("/test-only/refuse", "refuse", refuse)
    app.add_url_rule("/api/v1/test-only/refuse", "api_refuse", refuse)
    client = app.test_client()
    page = client.get("/test-only/refuse")
    assert page.status_code == status
    assert page_text in page.get_data(as_text=True)
    api = client.get("/api/v1/test-only/refuse")
    assert api.status_code == api_status
    assert api.mimetype == "application/problem+json"
    body = api.get_json()
    assert body["detail"] == errors[error].message
    for key, value in api_extra.items():
        assert body[key] == value


def test_a_form_larger_than_the_hub_accepts_is_413_on_the_hubs_page(client):
    """A signed-in user's 1.5 MB form: the hub's own error page, with its headers."""
    sign_in(client, factories.user(Role.ADMIN))
    token = csrf_token(client, "/users/new")
    response = client.post(
        "/users/new",
        data={"csrf_token": token, "name": "x" * (1536 * 1024), "email": "big@example.org"},
    )
    assert response.status_code == 413
    page = parse(response)
    assert page.one("h1").text == "What you sent is too large"
    assert page.one("title").text.startswith("What you sent is too large")
    assert response.headers["Cache-Control"] == "no-store"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
