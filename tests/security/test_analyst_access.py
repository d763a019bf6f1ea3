"""The performance analyst sees aggregates and nothing else: 403 everywhere else.

Like the anonymous walk in ``test_route_security``, this walks the whole URL map, so a
route added tomorrow is covered the day it is added: every page and API rule, with every
method, answers an analyst 403, apart from the short allow-list below (their own account,
signing out, and the reports). The reports are aggregates by design: their own matrix
(``tests/reports``) says what each role gets from them.
"""

from __future__ import annotations

from app.auth.roles import Role
from app.auth.tokens import issue_token
from tests import factories
from tests.helpers import api_headers, csrf_token, sign_in
from tests.security.test_route_security import PUBLIC_ENDPOINTS, all_rules, build_path

# Reachable by an analyst, deliberately. Anything else must answer 403.
ANALYST_ENDPOINTS = {
    "auth.home",  # redirects to the reports
    "auth.sign_out",
    "auth.tokens",  # every user manages their own API tokens
    "auth.new_token",
    "auth.revoke_token",
    "api_me.me",
}
# Blueprints of aggregate reports only (pages and API).
ANALYST_BLUEPRINTS = ("reports.", "api_reports.")


def _allowed(endpoint: str) -> bool:
    return (
        endpoint in PUBLIC_ENDPOINTS
        or endpoint in ANALYST_ENDPOINTS
        or endpoint.startswith(ANALYST_BLUEPRINTS)
    )


def test_an_analyst_is_refused_every_person_case_and_referral_route(app, client):
    analyst = factories.user(Role.ANALYST)
    sign_in(client, analyst)
    token = csrf_token(client, "/")
    headers = api_headers(issue_token(analyst, days=1).secret)
    not_refused = []
    checked = 0
    for rule, method in all_rules(app):
        if _allowed(rule.endpoint):
            continue
        path = build_path(rule)
        if path.startswith("/api/"):
            body = {"json": {}} if method in {"POST", "PUT", "PATCH"} else {}
            response = client.open(path, method=method, headers=headers, **body)
        else:
            data = {"data": {"csrf_token": token}} if method != "GET" else {}
            response = client.open(path, method=method, **data)
        checked += 1
        if response.status_code != 403:
            not_refused.append((method, path, response.status_code))
    assert checked > 100
    assert not_refused == []


def test_an_analyst_lands_on_the_performance_reports(client):
    sign_in(client, factories.user(Role.ANALYST))
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/reports/"
    page = client.get("/reports/").get_data(as_text=True)
    assert "Performance reports" in page
    assert "Caseload" not in page
