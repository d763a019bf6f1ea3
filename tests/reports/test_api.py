"""GET /api/v1/reports/{name}: the exact shapes of API.md, the same figures as the pages."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.auth.roles import Role
from app.auth.tokens import issue_token
from app.extensions import db
from tests import factories
from tests.helpers import api_headers
from tests.reports import world

FUNNEL_KEYS = {
    "referred",
    "eligible",
    "ineligible",
    "ineligible_by_rule",
    "allocated",
    "contracts",
    "opted_out",
    "breached",
    "completed",
    "active",
}
GROUP_KEYS = {
    "cases",
    "checked",
    "reoffended",
    "rate",
    "ci_low",
    "ci_high",
    "harm_total",
    "harm_mean",
}
PARTNER_KEYS = {
    "organisation_id",
    "name",
    "sent",
    "acknowledged",
    "acknowledged_within_sla",
    "median_working_days_to_acknowledge",
    "accepted",
    "declined",
    "acceptance_rate",
    "sessions",
    "attended",
    "attendance_rate",
}


def headers(role=Role.ANALYST, **fields):
    return api_headers(issue_token(factories.user(role, **fields), days=1).secret)


def test_funnel_has_exactly_its_fields(client):
    world.case("ineligible", eligibility_failed=["age"], referred_on=world.days_ago(900))
    world.case("active", contract_on=world.days_ago(10))
    body = client.get("/api/v1/reports/funnel", headers=headers()).get_json()
    assert set(body) == FUNNEL_KEYS
    assert body["referred"] == 2  # no from/to: all records
    assert body["ineligible_by_rule"] == {"age": 1}
    recent = f"/api/v1/reports/funnel?from={world.days_ago(365).isoformat()}"
    assert client.get(recent, headers=headers()).get_json()["referred"] == 1


def test_evaluation_for_ten_completers_and_five_opt_outs(client):
    for n in range(10):
        world.ended("completed", reoffended=n < 2, harm_days=40 if n < 2 else None)
    for n in range(5):
        world.ended("opted_out", reoffended=n < 2)
    world.ended("breached", outcome_on=world.days_ago(30))  # its check is not yet due
    body = client.get("/api/v1/reports/evaluation", headers=headers()).get_json()
    assert set(body) == {"groups", "difference", "checks_pending", "caveat"}
    assert set(body["groups"]) == {"completed", "opted_out", "breached"}
    completed = body["groups"]["completed"]
    assert set(completed) == GROUP_KEYS
    assert (completed["cases"], completed["checked"], completed["reoffended"]) == (10, 10, 2)
    assert completed["rate"] == 0.2
    assert completed["ci_low"] == pytest.approx(0.0567, abs=5e-5)
    assert completed["ci_high"] == pytest.approx(0.5098, abs=5e-5)
    assert (completed["harm_total"], completed["harm_mean"]) == (80, 40)
    opted = body["groups"]["opted_out"]
    assert (opted["rate"], round(opted["ci_low"], 4), round(opted["ci_high"], 4)) == (
        0.4,
        0.1176,
        0.7693,
    )
    breached = body["groups"]["breached"]
    assert (breached["checked"], breached["rate"], breached["ci_low"]) == (0, None, None)
    assert set(body["difference"]) == {"completed_minus_opted_out", "ci_low", "ci_high"}
    assert body["difference"]["completed_minus_opted_out"] == pytest.approx(-0.2)
    assert body["difference"]["ci_low"] == pytest.approx(-0.5961, abs=5e-5)
    assert body["checks_pending"] == 1
    assert "motivated" in body["caveat"]


def test_partners_shape_and_a_partners_own_row(client):
    mine = factories.organisation(name="Hillside Housing")
    theirs = factories.organisation(name="Riverside Minds")
    case = world.case("active", contract_on=world.days_ago(40))
    for _ in range(6):
        world.referral(case, mine, sent_on=world.days_ago(30), acknowledged_on=world.days_ago(29))
    world.referral(case, theirs, sent_on=world.days_ago(30))
    body = client.get("/api/v1/reports/partners", headers=headers()).get_json()
    assert [item["name"] for item in body["items"]] == ["Hillside Housing", "Riverside Minds"]
    assert set(body["items"][0]) == PARTNER_KEYS
    assert body["items"][1]["sent"] == 1  # an analyst sees every count
    partner = headers(Role.PARTNER, organisation_id=mine.id)
    [own] = client.get("/api/v1/reports/partners", headers=partner).get_json()["items"]
    assert (own["organisation_id"], own["sent"], own["acknowledged"]) == (str(mine.id), 6, 6)
    assert (own["accepted"], own["acceptance_rate"]) == (0, None)
    other = f"/api/v1/reports/partners?organisation_id={theirs.id}"
    assert client.get(other, headers=partner).status_code == 404
    small = headers(Role.PARTNER, organisation_id=theirs.id)
    [row] = client.get("/api/v1/reports/partners", headers=small).get_json()["items"]
    assert row["sent"] == "fewer than 5"


def test_bad_filters_are_422_and_csv_is_audited(client):
    analyst = factories.user(Role.ANALYST)
    auth = api_headers(issue_token(analyst, days=1).secret)
    bad = client.get(
        "/api/v1/reports/outcomes?age_band=old&from=2026-01-02&to=2026-01-01", headers=auth
    )
    assert bad.status_code == 422
    assert set(bad.get_json()["errors"]) >= {"age_band"}
    response = client.get("/api/v1/reports/funnel.csv?sex=female", headers=auth)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    text = response.get_data(as_text=True)
    assert text.lstrip("\ufeff").startswith("Report,Funnel")
    assert "Sex,Female" in text
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "report.downloaded"))
    assert entry.actor_id == analyst.id and entry.details["filters"]["sex"] == "female"


def test_a_partner_cannot_narrow_its_figures_to_reveal_small_numbers(client):
    """Filters that narrow the cohort are ignored for a partner, and its date range is
    widened to whole months, so two queries cannot be subtracted to expose a withheld 1-4."""
    mine = factories.organisation(name="Hillside Housing")
    woman = world.case(
        "active", contract_on=date(2026, 5, 1), referred_on=date(2026, 5, 4), sex="female"
    )
    man = world.case(
        "active", contract_on=date(2026, 5, 1), referred_on=date(2026, 5, 20), sex="male"
    )
    for case in (woman, man):
        for _ in range(3):
            world.referral(case, mine, sent_on=date(2026, 5, 21))
    partner = headers(Role.PARTNER, organisation_id=mine.id)

    def sent(query: str, who=partner):
        [row] = client.get(f"/api/v1/reports/partners?{query}", headers=who).get_json()["items"]
        return row["sent"]

    everything = sent("from=2026-05-01&to=2026-05-31")
    assert everything == 6
    assert sent("from=2026-05-01&to=2026-05-31&sex=female") == everything
    assert sent("from=2026-05-10&to=2026-05-31") == everything  # the month, not from the 10th
    # A supervisor's filters still apply (whole-scheme figures carry no suppression).
    supervisor = headers(Role.SUPERVISOR)
    mine_only = f"organisation_id={mine.id}&from=2026-05-01&to=2026-05-31"
    assert sent(f"{mine_only}&sex=female", supervisor) == 3
