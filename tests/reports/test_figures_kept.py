"""Report figures are kept for ``REPORT_FIGURES_SECONDS`` (app.reports.figures): within
that time everyone asking with the same filters gets the same figures, worked out once;
other filters get their own; once the time has passed they are worked out again from the
records; and every page says when its figures were worked out."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from app import kept
from app.auth.roles import Role
from app.auth.tokens import issue_token
from app.database import utcnow
from app.reports.registry import NAMES
from tests import factories
from tests.helpers import api_headers, sign_in

PAGES = ["/reports/", *(f"/reports/{name}" for name in NAMES)]


@pytest.fixture
def supervisor(app):
    return factories.user(Role.SUPERVISOR)


def referred(client, supervisor, **filters) -> int:
    token = issue_token(supervisor, days=1).secret
    query = "&".join(f"{k}={v}" for k, v in filters.items())
    response = client.get(f"/api/v1/reports/funnel?{query}", headers=api_headers(token))
    assert response.status_code == 200, response.json
    return response.json["referred"]


def worked_out_note(response) -> str:
    found = re.search(r'data-testid="figures-worked-out">\s*(.*?)\s*</p>', response.text, re.S)
    assert found, "the page does not say when its figures were worked out"
    return " ".join(found.group(1).split())


def test_kept_figures_are_shared_until_they_are_too_old(app, client, supervisor, monkeypatch):
    app.config["REPORT_FIGURES_SECONDS"] = 600
    factories.case()
    assert referred(client, supervisor) == 1
    factories.case()
    assert referred(client, supervisor) == 1  # kept: the new case is not counted yet
    other = factories.user(Role.SUPERVISOR)
    assert referred(client, other) == 1  # the same figures for everyone who asks
    ten_minutes_on = utcnow() + timedelta(seconds=600)
    monkeypatch.setattr(kept, "utcnow", lambda: ten_minutes_on)
    assert referred(client, supervisor) == 2  # too old: worked out again
    assert referred(client, other) == 2


def test_other_filters_get_their_own_figures(app, client, supervisor):
    app.config["REPORT_FIGURES_SECONDS"] = 600
    factories.case()
    everything = referred(client, supervisor)
    nothing = referred(client, supervisor, **{"from": "2001-01-01", "to": "2001-12-31"})
    assert (everything, nothing) == (1, 0)
    assert referred(client, supervisor) == 1


@pytest.mark.parametrize("path", PAGES)
def test_every_report_page_says_when_its_figures_were_worked_out(app, supervisor, path):
    browser = app.test_client()
    sign_in(browser, supervisor)
    app.config["REPORT_FIGURES_SECONDS"] = 600
    first = browser.get(path)
    assert first.status_code == 200
    note = worked_out_note(first)
    assert note.startswith("These figures were worked out on ")
    assert note.endswith("once they are more than 10 minutes old.")
    assert worked_out_note(browser.get(path)) == note  # the kept figures, the same time
    app.config["REPORT_FIGURES_SECONDS"] = 0
    assert worked_out_note(browser.get(path)) == (
        "These figures were worked out from the records when you opened this page."
    )


@pytest.mark.parametrize(
    ("seconds", "ending"),
    [(60, "more than 1 minute old."), (30, "more than 30 seconds old.")],
)
def test_the_note_says_how_long_figures_are_kept_in_words(app, supervisor, seconds, ending):
    browser = app.test_client()
    sign_in(browser, supervisor)
    app.config["REPORT_FIGURES_SECONDS"] = seconds
    note = worked_out_note(browser.get("/reports/"))
    assert note.startswith("These figures were worked out on ")
    assert note.endswith(ending)
