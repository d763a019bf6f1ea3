"""What a subject access record holds: for the person on a case, everything the hub holds
about them (and nothing about the victims); for a victim, their own data and only what
the victim view tells them of the person responsible. Each one produced is audited."""

from __future__ import annotations

import html
import json
from datetime import timedelta

import pytest

from app.auth.roles import Role
from app.cases.models import Case
from app.database import utcnow
from app.dates import today_in_london
from app.extensions import db
from app.outcomes.models import Survey
from app.subject_access import person
from app.victims.models import VictimConsultation, VictimUpdate
from tests import factories
from tests.cases.support import audit_entries
from tests.helpers import sign_in
from tests.victims import support
from tests.victims.support import (
    ALLOWED_CONDITIONS,
    _appointments,
    _referral,
    leaks,
    planted_case,
)

# Planted in the person's record: each must be in their subject access record.
PERSON_HOLDS = [
    "PLANTED-PERSON-GIVEN",
    "PLANTED-PERSON-FAMILY",
    "PLANTED-PERSON-ADDRESS",
    support.PERSON_EMAIL,
    support.PERSON_PHONE,
    "PLANTED-OFFENCE-DETAIL",
    "PLANTED-PREVIOUS-OFFENDING",
    "PLANTED-GOALS",
    "PLANTED-HEALTH depression",
    "PLANTED-REHAB-CONDITION",
    ALLOWED_CONDITIONS["restorative"],
    "PLANTED-EVIDENCE-NOTE",
    "PLANTED-REFERRAL-NEED",
    "PLANTED-REFERRAL-MESSAGE",
    "PLANTED-REFERRAL-UPDATE",
    "PLANTED-DECLINE-DETAILS",
    "PLANTED-APPOINTMENT-LOCATION",
    "PLANTED-ATTENDANCE-NOTE",
    "PLANTED-ATTENDANCE-CONCERN",
    "PLANTED-COMPLIANCE-SUMMARY",
    "PLANTED-DECISION-REASON",
    "PLANTED-OUTCOME-REASON",
    "PLANTED-TIMELINE-SUMMARY",
    "PERSON-SURVEY-COMMENT",
]
SECTIONS = [
    "person",
    "case",
    "allocations",
    "consents",
    "contract",
    "conditions",
    "condition_evidence",
    "referrals",
    "referral_history",
    "partner_updates",
    "appointments",
    "attendance",
    "compliance_concerns",
    "compliance_decisions",
    "assessments",
    "outcome",
    "ending_survey",
    "reoffending_check",
    "timeline",
]
VERA = ["Vera Victim", "vera.victim@example.org", "07700 900111", "2 Victim Lane"]
OTTO = ["Otto Other", "otto.other@example.org", "07700 900222", "9 Other Road"]
VICTIMS_OWN = [
    "VERA-VIEWS",
    "VERA-ASKED",
    "VERA-UPDATE",
    "ALL-VICTIMS-UPDATE",
    "VERA-SURVEY-COMMENT",
]
OTHER_VICTIM = [*OTTO, "OTTO-VIEWS", "OTTO-UPDATE"]


@pytest.fixture
def world(app):
    planted = planted_case("completed")
    case, vera = planted.case, planted.victim
    otto = support.victim(case, name=OTTO[0], email=OTTO[1], phone=OTTO[2], address=OTTO[3])
    keyworker = planted.keyworker
    for who, views, asked in ((vera, "VERA-VIEWS", "VERA-ASKED"), (otto, "OTTO-VIEWS", None)):
        db.session.add(
            VictimConsultation(
                case_id=case.id,
                victim_id=who.id,
                consulted_on=today_in_london() - timedelta(days=60),
                views=views,
                requested_actions=asked,
                recorded_by_id=keyworker.id,
            )
        )
    for who, text in ((vera, "VERA-UPDATE"), (None, "ALL-VICTIMS-UPDATE"), (otto, "OTTO-UPDATE")):
        db.session.add(
            VictimUpdate(
                case_id=case.id,
                victim_id=who.id if who else None,
                method="phone",
                summary=text,
                given_at=utcnow() - timedelta(days=2),
                given_by_id=keyworker.id,
            )
        )
    db.session.add_all(
        [
            Survey(
                case_id=case.id,
                respondent="victim",
                victim_id=vera.id,
                satisfaction=4,
                kept_informed=5,
                comments="VERA-SURVEY-COMMENT",
                recorded_by_id=keyworker.id,
            ),
            Survey(
                case_id=case.id,
                respondent="person",
                satisfaction=5,
                police_legitimacy=4,
                comments="PERSON-SURVEY-COMMENT",
                recorded_by_id=keyworker.id,
            ),
        ]
    )
    db.session.commit()
    return {"case": case, "vera": vera, "otto": otto}


def _text(response) -> str:
    assert response.status_code == 200
    return html.unescape(response.get_data(as_text=True))


@pytest.fixture
def supervisor_client(client):
    supervisor = factories.user(Role.SUPERVISOR)
    sign_in(client, supervisor)
    return client


def test_the_persons_record_holds_everything_about_them_and_nothing_of_the_victims(
    supervisor_client, world
):
    case = world["case"]
    page = _text(supervisor_client.get(f"/cases/{case.id}/subject-access"))
    download = supervisor_client.get(f"/cases/{case.id}/subject-access.json")
    assert download.headers["Content-Disposition"].startswith("attachment;")
    data = download.get_json()
    as_text = json.dumps(data)
    assert sorted(data["sections"]) == sorted(SECTIONS)
    for text in (page, as_text):
        assert [s for s in PERSON_HOLDS if s not in text] == []
        assert [s for s in VERA + OTHER_VICTIM + VICTIMS_OWN if s in text] == []
    assert data["sections"]["person"][0]["given_name"] == "PLANTED-PERSON-GIVEN"
    assert data["sections"]["person"][0]["date_of_birth"] == "1990-05-17"
    assert data["sections"]["referrals"][0]["need"].startswith("PLANTED-REFERRAL-NEED")
    assert "Subject access record: PLANTED-PERSON-GIVEN PLANTED-PERSON-FAMILY" in page
    assert "personal data of other people" in page  # the victims, withheld
    formats = [e.details["format"] for e in audit_entries("subject_access.produced", case.id)]
    assert formats == ["html", "json"]
    details = repr([e.details for e in audit_entries("subject_access.produced")])
    assert "PLANTED" not in details


def test_the_case_page_links_supervisors_to_it(app, world, supervisor_client):
    case = world["case"]
    assert "Subject access request" in _text(supervisor_client.get(f"/cases/{case.id}"))
    keyworker = app.test_client()
    sign_in(keyworker, case.keyworker)
    assert "Subject access request" not in _text(keyworker.get(f"/cases/{case.id}"))


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.VICTIM_LIAISON])
def test_a_victims_record_holds_their_own_data_and_only_what_victims_are_told(client, world, role):
    sign_in(client, factories.user(role))
    vera = world["vera"]
    assert "Subject access record" in _text(client.get(f"/victims/cases/{vera.case_id}"))
    page = _text(client.get(f"/victims/{vera.id}/subject-access"))
    data = client.get(f"/victims/{vera.id}/subject-access.json").get_json()
    as_text = json.dumps(data)
    for text in (page, as_text):
        assert [s for s in VERA + VICTIMS_OWN if s not in text] == []
        assert [s for s in OTHER_VICTIM if s in text] == []
        assert leaks(text) == []  # nothing of the person beyond the victim view
        assert ALLOWED_CONDITIONS["restorative"] in text  # what the victim view tells
    assert sorted(data["sections"]) == sorted(
        ["victim", "case", "conditions", "consultations", "updates", "ending_survey"]
    )
    assert data["subject"] == "victim" and data["sections"]["victim"][0]["name"] == VERA[0]
    entries = audit_entries("subject_access.produced", vera.id)
    assert [(e.object_type, e.details["format"]) for e in entries] == [
        ("victim", "html"),
        ("victim", "json"),
    ]


def test_the_record_is_built_with_a_fixed_number_of_queries(app, world, count_queries):
    case_id = world["case"].id

    def count() -> int:
        db.session.expire_all()
        case = db.session.get(Case, case_id)
        with count_queries() as counter:
            person.person_sections(case)
        return counter.count

    one = count()
    case = db.session.get(Case, case_id)
    partner = factories.organisation()
    for _ in range(3):  # three more referrals, each with an appointment, attendance...
        referral = _referral(case, partner, case.keyworker, conditions=[])
        _appointments(case, referral, case.keyworker, case.contract.conditions[0])
    assert count() == one
