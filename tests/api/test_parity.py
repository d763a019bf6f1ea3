"""The pages and the API allow and refuse the same things, role by role.

For each kind of caller and a set of representative actions, the page and the API call
that do the same thing must give the same kind of answer:

- ``allowed``: the request reached the service (2xx, a redirect, or a refusal of the
  input or the state: 400 on a page, 422 or 409 in the API);
- ``forbidden`` (403): the caller's role may not do this at all;
- ``not found`` (404): the object is outside the caller's scope.

Page forms are sent empty: a page checks the caller's scope before the form. API bodies
are well formed (the API checks a body's shape before it looks the object up, for any
id alike, so an empty body would answer 422 without telling anything about scope).
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.auth.roles import Role
from app.auth.tokens import issue_token
from app.database import utcnow
from app.evidence import services as evidence_services
from app.extensions import db
from app.victims.models import Victim
from tests import factories
from tests.auth.support import signed_in_csrf_token
from tests.helpers import api_headers, sign_in
from tests.referrals import support

WHO = (
    "keyworker",  # of the case
    "other_keyworker",
    "supervisor",
    "admin",
    "partner",  # of the referral's organisation
    "other_partner",
    "victim_liaison",
)

# action -> ((page method, page path, form), (API method, API path, JSON body))
ACTIONS = {
    "view case": (("GET", "/cases/{case}", None), ("GET", "/api/v1/cases/{case}", None)),
    "list a case's consents": (
        ("GET", "/cases/{case}/consents", None),
        ("GET", "/api/v1/cases/{case}/consents", None),
    ),
    "record consent": (
        ("POST", "/cases/{case}/consents/new", {}),
        (
            "POST",
            "/api/v1/cases/{case}/consents",
            {
                "organisation_id": "{org}",
                "categories": ["housing"],
                "method": "written",
                "notice_version": "2026-04",
            },
        ),
    ),
    "withdraw consent": (
        ("POST", "/consents/{consent}/withdraw", {}),
        ("POST", "/api/v1/consents/{consent}/withdrawal", {"reason": "Asked to stop"}),
    ),
    "allocate case": (
        ("POST", "/cases/{case}/allocation", {}),
        ("POST", "/api/v1/cases/{case}/allocation", {"keyworker_id": "{keyworker}"}),
    ),
    "send referral": (
        ("POST", "/cases/{case}/referrals/new/{org}", {}),
        (
            "POST",
            "/api/v1/cases/{case}/referrals",
            {
                "organisation_id": "{org}",
                "condition_ids": [],
                "need": "Housing",
                "shared_categories": ["housing"],
            },
        ),
    ),
    "view referral": (
        ("GET", "/referrals/{referral}", None),
        ("GET", "/api/v1/referrals/{referral}", None),
    ),
    "acknowledge referral": (
        ("POST", "/referrals/{referral}/acknowledge", {}),
        ("POST", "/api/v1/referrals/{referral}/transitions", {"to": "acknowledged"}),
    ),
    "accept referral": (
        ("POST", "/referrals/{referral}/accept", {}),
        ("POST", "/api/v1/referrals/{referral}/transitions", {"to": "accepted"}),
    ),
    "decline referral": (
        ("POST", "/referrals/{referral}/decline", {}),
        (
            "POST",
            "/api/v1/referrals/{referral}/transitions",
            {"to": "declined", "reason": "no_capacity"},
        ),
    ),
    "record attendance": (
        ("POST", "/appointments/{appointment}/attendance", {}),
        ("POST", "/api/v1/appointments/{appointment}/attendance", {"status": "attended"}),
    ),
    "post referral update": (
        ("POST", "/referrals/{referral}/updates", {}),
        ("POST", "/api/v1/referrals/{referral}/updates", {"body": "Booked"}),
    ),
    "view victim update": (
        ("GET", "/victims/cases/{case}", None),
        ("GET", "/api/v1/cases/{case}/victim-update", None),
    ),
    "record victim update": (
        ("POST", "/victims/cases/{case}/updates", {}),
        (
            "POST",
            "/api/v1/cases/{case}/victim-updates",
            {"method": "phone", "summary": "Told them the contract started"},
        ),
    ),
    "create user": (("POST", "/users/new", {}), ("POST", "/api/v1/users", {})),
}


def outcome(status: int) -> str:
    if status == 403:
        return "forbidden"
    if status == 404:
        return "not found"
    if 200 <= status < 400 or status in (400, 409, 422):
        return "allowed"
    return f"unexpected {status}"


def fill(body, ids):
    """The body with ``{name}`` placeholders replaced by the world's ids."""
    if isinstance(body, dict):
        return {key: fill(value, ids) for key, value in body.items()}
    if isinstance(body, list):
        return [fill(value, ids) for value in body]
    if isinstance(body, str) and body.startswith("{") and body.endswith("}"):
        return str(ids[body[1:-1]])
    return body


@pytest.fixture
def world(app):
    world = support.World.build()
    db.session.add(Victim(case_id=world.case.id, name="Val Victim", preferred_contact="email"))
    db.session.commit()
    world.appointment = evidence_services.book_appointment(
        world.partner, world.referral.id, starts_at=utcnow() - timedelta(hours=2), mode="phone"
    )
    return world


def caller(world, who):
    def other():
        return support.World.build(org_name="Elsewhere Recovery Service")

    return {
        "keyworker": lambda: world.keyworker,
        "other_keyworker": lambda: other().keyworker,
        "supervisor": lambda: factories.user(Role.SUPERVISOR),
        "admin": lambda: factories.user(Role.ADMIN),
        "partner": lambda: world.partner,
        "other_partner": lambda: other().partner,
        "victim_liaison": lambda: factories.user(Role.VICTIM_LIAISON),
    }[who]()


@pytest.mark.parametrize("action", sorted(ACTIONS))
@pytest.mark.parametrize("who", WHO)
def test_page_and_api_agree(app, world, who, action):
    user = caller(world, who)
    ids = {
        "case": world.case.id,
        "consent": world.consent.id,
        "referral": world.referral.id,
        "org": world.org.id,
        "keyworker": world.keyworker.id,
        "appointment": world.appointment.id,
    }
    (page_method, page_path, form), (api_method, api_path, body) = ACTIONS[action]

    browser = app.test_client()
    sign_in(browser, user)
    data = None if form is None else {**form, "csrf_token": signed_in_csrf_token(browser)}
    page = browser.open(page_path.format(**ids), method=page_method, data=data)

    headers = api_headers(issue_token(user, days=1).secret)
    api = app.test_client().open(
        api_path.format(**ids), method=api_method, json=fill(body, ids), headers=headers
    )
    assert outcome(api.status_code) == outcome(page.status_code), (
        f"page {page.status_code}, API {api.status_code}"
    )
