"""Every report page, download and API answer runs a fixed number of queries, however
many cases, referrals, keyworkers and organisations there are."""

from __future__ import annotations

import pytest

from app.assessments.models import NeedDomain, NeedLevel
from app.auth.roles import Role
from app.auth.tokens import issue_token
from app.extensions import db
from app.outcomes.models import Survey
from app.reports.registry import NAMES
from app.victims.models import Victim
from tests import factories
from tests.helpers import api_headers, sign_in
from tests.reports import world


def add_history(n: int) -> None:
    """``n`` of everything: keyworkers, organisations, cases in each state, referrals
    with sessions, assessments, victims and surveys."""
    for i in range(n):
        kw = world.keyworker()
        org = factories.organisation()
        done = world.ended(
            "completed",
            reoffended=i % 2 == 0,
            harm_days=10,
            keyworker_user=kw,
            allocated_on=world.days_ago(500),
            sex="female" if i % 2 else "male",
        )
        factories.assessment(done, "initial", {NeedDomain.DRUGS: NeedLevel.HIGH})
        factories.assessment(done, "exit", {NeedDomain.DRUGS: NeedLevel.LOW})
        db.session.add(
            Survey(
                case_id=done.id,
                respondent="person",
                satisfaction=4,
                police_legitimacy=3,
                recorded_by_id=kw.id,
            )
        )
        world.ended("opted_out", reoffended=False, keyworker_user=kw)
        active = world.case(
            "active",
            keyworker_user=kw,
            contract_on=world.days_ago(30),
            allocated_on=world.days_ago(35),
        )
        db.session.add(Victim(case_id=active.id, name=f"Victim {i}"))
        db.session.commit()
        referral = world.referral(
            active,
            org,
            sent_on=world.days_ago(25),
            acknowledged_on=world.days_ago(24),
            accepted=True,
            status="in_progress",
        )
        world.session(referral, on=world.days_ago(20))


PAGES = [
    "/reports/",
    *(f"/reports/{name}?from=&to=" for name in NAMES),
    *(f"/reports/{name}.csv?from=&to=" for name in NAMES),
    "/reports/evaluation.xlsx?from=&to=",
    "/reports/research-extract.csv?from=&to=",
    "/reports/data-quality",
]
API = [
    *(f"/api/v1/reports/{name}" for name in NAMES),
    *(f"/api/v1/reports/{name}.csv" for name in NAMES),
]


def _counts(client, count_queries, paths, **kwargs) -> dict[str, int]:
    counts = {}
    for path in paths:
        client.get(path, **kwargs).get_data()  # once first: sign-in and token bookkeeping
        with count_queries() as counter:
            response = client.get(path, **kwargs)
            response.get_data()  # streamed downloads run their queries here
        assert response.status_code == 200, path
        counts[path] = counter.count
    return counts


@pytest.mark.parametrize("role", [Role.SUPERVISOR])
def test_pages_and_downloads(client, count_queries, role):
    add_history(1)
    sign_in(client, factories.user(role))
    few = _counts(client, count_queries, PAGES)
    add_history(4)
    assert _counts(client, count_queries, PAGES) == few


def test_api(client, count_queries):
    headers = api_headers(issue_token(factories.user(Role.ANALYST), days=1).secret)
    add_history(1)
    few = _counts(client, count_queries, API, headers=headers)
    add_history(4)
    assert _counts(client, count_queries, API, headers=headers) == few


def test_a_partners_page(client, count_queries):
    org = factories.organisation(name="Hillside Housing")
    add_history(1)
    case = world.case("active", contract_on=world.days_ago(30))
    world.referral(case, org, sent_on=world.days_ago(10))
    sign_in(client, factories.user(Role.PARTNER, organisation_id=org.id))
    paths = ["/reports/my-organisation", f"/reports/organisations/{org.id}.xlsx"]
    few = _counts(client, count_queries, paths)
    add_history(3)
    for _ in range(3):
        world.referral(case, org, sent_on=world.days_ago(9))
    assert _counts(client, count_queries, paths) == few
