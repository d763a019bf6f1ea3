"""Who may reach each case endpoint: role x endpoint x ownership -> status.

The keyworker of the case may; another keyworker gets 404 (the case does not exist for
them); a supervisor may; administrators, partners and victim liaison staff get 403 from
the pages. In the API, victim liaison staff may list cases (id, reference and status
only) and get 404 for one case, as API.md says.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.auth.roles import Role
from app.cases.models import Case
from app.cases.policy import can_see_case, case_scope, get_case_for
from app.errors import NotFound
from app.extensions import db
from tests import factories
from tests.cases.support import browser_for, headers_for

OWNER, OTHER, SUPERVISOR = "keyworker of the case", "another keyworker", "supervisor"
ADMIN, PARTNER, LIAISON = "admin", "partner", "victim liaison"
ACTORS = (OWNER, OTHER, SUPERVISOR, ADMIN, PARTNER, LIAISON)
ROLE_OF = {
    OWNER: Role.KEYWORKER,
    OTHER: Role.KEYWORKER,
    SUPERVISOR: Role.SUPERVISOR,
    ADMIN: Role.ADMIN,
    PARTNER: Role.PARTNER,
    LIAISON: Role.VICTIM_LIAISON,
}


def expect(owner, other, supervisor, admin=403, partner=403, liaison=403) -> dict:
    return dict(zip(ACTORS, (owner, other, supervisor, admin, partner, liaison), strict=True))


# endpoint -> (method, path, expected status per actor). {case} is a case of OWNER's.
PAGES = {
    "cases.caseload": ("GET", "/cases/", expect(200, 200, 403)),
    "cases.team": ("GET", "/cases/team", expect(403, 403, 200)),
    "cases.new": ("GET", "/cases/new", expect(200, 200, 200)),
    "cases.show": ("GET", "/cases/{case}", expect(200, 404, 200)),
    "cases.result": ("GET", "/cases/{case}/eligibility", expect(200, 404, 200)),
    "cases.allocate": ("GET", "/cases/{case}/allocation", expect(403, 403, 200)),
}

# An empty JSON body: the roles that may act get 422 (the body is invalid), not 2xx.
API = {
    "api_cases.create_case": ("POST", "/api/v1/cases", expect(422, 422, 422)),
    "api_cases.list_cases": ("GET", "/api/v1/cases", expect(200, 200, 200, liaison=200)),
    "api_cases.get_case": ("GET", "/api/v1/cases/{case}", expect(200, 404, 200, liaison=403)),
    "api_cases.allocate_case": (
        "POST",
        "/api/v1/cases/{case}/allocation",
        expect(403, 403, 422),
    ),
}

COVERED_ENDPOINTS = set(PAGES) | set(API)


@pytest.fixture
def case_and_actors(app):
    owner = factories.user(Role.KEYWORKER)
    case = factories.case(owner, victims=1)
    users = {actor: factories.user(ROLE_OF[actor]) for actor in ACTORS if actor != OWNER}
    users[OWNER] = owner
    return case, users


@pytest.mark.parametrize("actor", ACTORS)
def test_pages(app, case_and_actors, actor):
    case, users = case_and_actors
    browser = browser_for(app, users[actor])
    observed = {
        endpoint: browser.open(path.format(case=case.id), method=method).status_code
        for endpoint, (method, path, _) in PAGES.items()
    }
    assert observed == {endpoint: row[2][actor] for endpoint, row in PAGES.items()}


@pytest.mark.parametrize("actor", ACTORS)
def test_api(app, client, case_and_actors, actor):
    case, users = case_and_actors
    headers = headers_for(users[actor])
    observed = {}
    for endpoint, (method, path, _) in API.items():
        kwargs = {"json": {}} if method == "POST" else {}
        response = client.open(path.format(case=case.id), method=method, headers=headers, **kwargs)
        observed[endpoint] = response.status_code
    assert observed == {endpoint: row[2][actor] for endpoint, row in API.items()}


@pytest.mark.parametrize("actor", ACTORS)
def test_one_case_and_the_lists_agree_on_who_sees_it(case_and_actors, actor):
    """The policy answers the same for one case (can_see_case, get_case_for) as for lists."""
    case, users = case_and_actors
    user = users[actor]
    listed = case.id in set(db.session.scalars(select(Case.id).where(case_scope(user))))
    try:
        read = get_case_for(user, case.id) is not None
    except NotFound:
        read = False
    assert can_see_case(user, case) == listed == read == (actor in {OWNER, SUPERVISOR})


@pytest.mark.parametrize("actor", [ADMIN, PARTNER, LIAISON, OTHER])
def test_posting_the_intake_and_allocation_forms_is_refused_alike(app, case_and_actors, actor):
    """A POST is refused as the GET is (the role check comes before the form)."""
    case, users = case_and_actors
    browser = browser_for(app, users[actor])
    token = _csrf(browser)
    allocation = browser.post(f"/cases/{case.id}/allocation", data={"csrf_token": token})
    intake = browser.post("/cases/new", data={"csrf_token": token})
    assert allocation.status_code == 403
    assert intake.status_code == (400 if actor == OTHER else 403)


def _csrf(browser) -> str:
    from tests.helpers import CSRF_PATTERN

    page = browser.get("/", follow_redirects=True).get_data(as_text=True)
    return CSRF_PATTERN.search(page).group(1)
