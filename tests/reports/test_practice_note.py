"""The evaluation reproduces the practice note's table from records brought in by the
historic import: 383 referred, 336 completed of whom 64 reoffended (19.0%), 47 opted out
of whom 19 reoffended (40.4%), with their 95% Wilson intervals and Newcombe's interval
for the difference."""

from __future__ import annotations

import pytest

from app.auth.roles import Role
from app.auth.tokens import issue_token
from tests import factories
from tests.helpers import api_headers, sign_in
from tests.reports import practice_note


def approx(value):
    return pytest.approx(value, abs=5e-5)


@pytest.fixture
def imported(client):
    supervisor = factories.user(Role.SUPERVISOR)
    headers = {**api_headers(issue_token(supervisor, days=1).secret), "Content-Type": "text/csv"}
    response = client.post(
        "/api/v1/imports/historic-cases", data=practice_note.practice_note_csv(), headers=headers
    )
    assert response.status_code == 201, response.json
    return supervisor


def test_the_api_gives_the_practice_notes_rates_and_intervals(client, imported):
    headers = api_headers(issue_token(factories.user(Role.ANALYST), days=1).secret)
    body = client.get("/api/v1/reports/evaluation", headers=headers).get_json()
    completed, opted = body["groups"]["completed"], body["groups"]["opted_out"]
    assert (completed["cases"], completed["checked"], completed["reoffended"]) == (336, 336, 64)
    assert round(completed["rate"] * 100, 1) == 19.0
    assert (completed["ci_low"], completed["ci_high"]) == (approx(0.1521), approx(0.2359))
    assert (opted["cases"], opted["checked"], opted["reoffended"]) == (47, 47, 19)
    assert round(opted["rate"] * 100, 1) == 40.4
    assert (opted["ci_low"], opted["ci_high"]) == (approx(0.2764), approx(0.5466))
    difference = body["difference"]
    assert difference["completed_minus_opted_out"] == approx(64 / 336 - 19 / 47)
    assert (difference["ci_low"], difference["ci_high"]) == (approx(-0.3612), approx(-0.0781))
    assert body["checks_pending"] == 0
    completers_harm, opt_outs_harm = practice_note.harm_totals()
    assert (completed["harm_total"], opted["harm_total"]) == (completers_harm, opt_outs_harm)
    assert completed["harm_mean"] == approx(completers_harm / 64)
    funnel = client.get("/api/v1/reports/funnel", headers=headers).get_json()
    assert (funnel["referred"], funnel["completed"], funnel["opted_out"]) == (383, 336, 47)


def test_the_evaluation_page_shows_the_practice_notes_table(client, imported):
    sign_in(client, imported)
    page = client.get("/reports/evaluation?from=&to=").get_data(as_text=True)
    assert "19.0%" in page and "40.4%" in page
    assert "15.2%" in page and "23.6%" in page  # 64 of 336: 95% CI 15.2% to 23.6%
    assert "27.6%" in page and "54.7%" in page  # 19 of 47: 27.6% to 54.7%
    assert "-21.4%" in page and "-36.1%" in page and "-7.8%" in page
    assert "not a like-for-like comparison group" in page
    assert "fewer than 30 checks done" not in page
