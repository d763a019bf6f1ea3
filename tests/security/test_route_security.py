"""Deny by default, proven over the whole URL map.

Every rule the app has is requested anonymously; apart from a short public allow-list,
pages send the visitor to sign in and the API answers 401. A new route is covered the
moment it is added, with no list of routes to keep up to date here.
"""

from __future__ import annotations

import uuid

import pytest

from tests.helpers import assert_redirects, redirects_to

# Every endpoint that may be reached without signing in. Adding one is a security
# decision: it must be added here, deliberately.
PUBLIC_ENDPOINTS = {
    "static",
    "health.health",
    "health.live",
    "health.ready",
    "auth.sign_in",
    "auth.enter_code",
    "auth.set_up_code",
    "auth.set_up_account",  # a new user's emailed set-up link (choose a password)
    "auth.signed_out",
    "api-docs.openapi_json",
    "api_reference.reference",
    "help.index",  # the help page: no personal data, and needed before signing in too
}

SAMPLE_VALUES = {"UUIDConverter": lambda: str(uuid.uuid4())}


def build_path(rule) -> str:
    values = {}
    for name in rule.arguments:
        converter = type(rule._converters[name]).__name__
        if converter == "AnyConverter":
            values[name] = sorted(rule._converters[name].items)[0]
        elif converter in SAMPLE_VALUES:
            values[name] = SAMPLE_VALUES[converter]()
        else:
            values[name] = "sample"
    return rule.build(values, append_unknown=False)[1]


def all_rules(app):
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method


def test_public_endpoints_are_exactly_the_allow_list(app):
    from app.auth.permissions import is_public_endpoint

    with app.test_request_context():
        public = {
            rule.endpoint for rule in app.url_map.iter_rules() if is_public_endpoint(rule.endpoint)
        }
    assert public == PUBLIC_ENDPOINTS


def test_every_other_rule_refuses_an_anonymous_request(app, client):
    refused_wrongly = []
    checked = 0
    for rule, method in all_rules(app):
        if rule.endpoint in PUBLIC_ENDPOINTS:
            continue
        path = build_path(rule)
        response = client.open(path, method=method)
        checked += 1
        if path.startswith("/api/"):
            ok = response.status_code == 401 and response.mimetype == "application/problem+json"
        else:
            # Sent to sign in, and (for a page) back to it afterwards.
            ok = redirects_to(response, f"/sign-in?next={path}" if method == "GET" else "/sign-in")
        if not ok:
            refused_wrongly.append((method, path, response.status_code, response.location))
    assert checked > 10
    assert refused_wrongly == []


def test_ids_in_urls_use_the_uuid_converter(app):
    untyped = [
        (rule.rule, name)
        for rule in app.url_map.iter_rules()
        for name in rule.arguments
        if name.endswith("_id") and type(rule._converters[name]).__name__ != "UUIDConverter"
    ]
    assert untyped == []


@pytest.mark.parametrize("path", ["/users/not-a-uuid", "/users/123"])
def test_malformed_ids_are_not_found(client, path):
    response = client.get(path)
    assert response.status_code in {302, 404}
    if response.status_code == 302:  # sent to sign in first, and back here afterwards
        assert_redirects(response, f"/sign-in?next={path}")
