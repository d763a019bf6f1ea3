"""Who may open the reports: role x endpoint (x the partner's own organisation).

Supervisors and analysts: every aggregate page, download and API answer. A partner: its
own organisation's figures only (another organisation's: 404). Administrators (and
supervisors): the data-quality view. Everyone else: 403.
"""

from __future__ import annotations

import pytest

from app.auth.roles import Role
from app.auth.tokens import issue_token
from tests import factories
from tests.helpers import api_headers, sign_in

COVERED_ENDPOINTS = {
    "reports.dashboard",
    "reports.section",
    "reports.download",
    "reports.organisation",
    "reports.organisation_download",
    "reports.my_organisation",
    "reports.research_extract",
    "reports.research_extract_download",
    "reports.data_dictionary",
    "reports.data_quality",
    "api_reports.funnel_report",
    "api_reports.outcomes_report",
    "api_reports.progress_report",
    "api_reports.compliance_report",
    "api_reports.victims_report",
    "api_reports.voice_report",
    "api_reports.evaluation_report",
    "api_reports.partners_report",
    "api_reports.partners_csv",
    *(
        f"api_reports.{name}_csv"
        for name in (
            "funnel",
            "outcomes",
            "progress",
            "compliance",
            "victims",
            "voice",
            "evaluation",
        )
    ),
}

WHO = ["keyworker", "supervisor", "admin", "partner", "other_partner", "victim_liaison", "analyst"]
ROLE_OF = {
    "keyworker": Role.KEYWORKER,
    "supervisor": Role.SUPERVISOR,
    "admin": Role.ADMIN,
    "partner": Role.PARTNER,
    "other_partner": Role.PARTNER,
    "victim_liaison": Role.VICTIM_LIAISON,
    "analyst": Role.ANALYST,
}


def allowed(*who: str, other: int = 403, **special: int) -> dict:
    return {w: special.get(w, 200 if w in who else other) for w in WHO}


AGGREGATES = allowed("supervisor", "analyst")
ORGANISATION = allowed("supervisor", "analyst", "partner", other_partner=404)
PAGES = {
    "/reports/": AGGREGATES,
    "/reports/funnel": AGGREGATES,
    "/reports/evaluation": AGGREGATES,
    "/reports/partners.xlsx": AGGREGATES,
    "/reports/organisations/{org}": ORGANISATION,
    "/reports/organisations/{org}.csv": ORGANISATION,
    "/reports/my-organisation": allowed("partner", "other_partner"),
    "/reports/research-extract": AGGREGATES,
    "/reports/research-extract.csv": AGGREGATES,
    "/reports/research-extract/data-dictionary.csv": AGGREGATES,
    "/reports/data-quality": allowed("admin", "supervisor"),
}
API = {
    **{
        f"/api/v1/reports/{name}": AGGREGATES
        for name in ("funnel", "outcomes", "progress", "compliance", "victims", "voice")
    },
    "/api/v1/reports/evaluation": AGGREGATES,
    "/api/v1/reports/evaluation.csv": AGGREGATES,
    "/api/v1/reports/funnel.csv": AGGREGATES,
    "/api/v1/reports/partners": allowed("supervisor", "analyst", "partner", "other_partner"),
    "/api/v1/reports/partners?organisation_id={org}": ORGANISATION,
    "/api/v1/reports/partners.csv?organisation_id={org}": ORGANISATION,
}


@pytest.fixture
def org(app):
    return factories.organisation(name="Hillside Housing")


def person(who: str, org):
    if who == "partner":
        return factories.user(Role.PARTNER, organisation_id=org.id)
    return factories.user(ROLE_OF[who])


@pytest.mark.parametrize("who", WHO)
def test_pages(client, org, who):
    sign_in(client, person(who, org))
    observed = {path: client.get(path.format(org=org.id)).status_code for path in PAGES}
    assert observed == {path: statuses[who] for path, statuses in PAGES.items()}


@pytest.mark.parametrize("who", WHO)
def test_api(client, org, who):
    headers = api_headers(issue_token(person(who, org), days=1).secret)
    observed = {
        path: client.get(path.format(org=org.id), headers=headers).status_code for path in API
    }
    assert observed == {path: statuses[who] for path, statuses in API.items()}
