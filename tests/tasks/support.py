"""Helpers for the work queue tests: what a person sees on "Your tasks" and what the API
says, by kind."""

from __future__ import annotations

import html
import re

from app.auth.tokens import issue_token
from tests.helpers import api_headers, sign_in


def headers_for(user) -> dict:
    return api_headers(issue_token(user, days=1).secret)


def browser_for(app, user):
    browser = app.test_client()
    sign_in(browser, user)
    return browser


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


# A completion proposed before the exit steps are done must be confirmed, with a reason.
CONFIRMED_REASON = "Agreed early: the person has met every condition"

SECTION = re.compile(
    r'<section aria-labelledby="([a-z_]+)" data-testid="section-\1">(.*?)</section>', re.S
)
COUNT = re.compile(r'data-testid="count-([a-z_]+)">(\d+)<')
LINK = re.compile(r'<a class="govuk-link[^"]*" href="([^"]+)">')


def page_sections(response) -> dict[str, str]:
    """Each section of the tasks page that has items: its kind -> its HTML."""
    return {kind: body for kind, body in SECTION.findall(text(response))}


def page_counts(response) -> dict[str, int]:
    return {kind: int(n) for kind, n in COUNT.findall(text(response))}


def links_in(section_html: str) -> list[str]:
    return LINK.findall(section_html)


def api_queue(client, user, **params) -> dict:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    response = client.get(f"/api/v1/tasks?{query}", headers=headers_for(user))
    assert response.status_code == 200, response.json
    return response.json


def api_items(client, user, kind: str) -> list[dict]:
    return [item for item in api_queue(client, user)["items"] if item["kind"] == kind]
