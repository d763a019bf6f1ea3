"""The human-readable API reference at /api-docs: public, and made from the OpenAPI
document, so every operation in the document is on the page."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.api.spec import operations
from tests.e2e.test_sign_in_journeys import assert_no_serious_accessibility_problems


def test_the_reference_page_lists_every_operation_with_its_roles(client, app):
    page = client.get("/api-docs")

    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert "API reference" in body
    for operation in operations():
        assert f"<code>{operation.path}</code>" in body
    assert "Roles:</strong> partner" in body
    assert "Example request body" in body


@pytest.mark.e2e
@pytest.mark.browser_context_args(bypass_csp=True)
def test_the_reference_page_is_accessible(page: Page, live_server):
    page.goto(live_server + "/api-docs")
    expect(page.get_by_role("heading", name="API reference")).to_be_visible()
    assert_no_serious_accessibility_problems(page, "api reference")
