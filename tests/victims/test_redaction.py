"""The victim-update view is redacted by construction: nothing about the person's needs,
health, substance use, housing, finances, partners, referrals, appointments,
rehabilitative conditions or contact details reaches its page or its JSON, at any stage
of the case; what the victim may be told does."""

from __future__ import annotations

import dataclasses
import json
from datetime import timedelta

import pytest
from flask import template_rendered

from app.cases.models import CaseStatus
from app.contracts.models import Condition, ConditionType
from app.database import utcnow
from app.dates import today_in_london
from app.evidence.models import ComplianceConcern
from app.extensions import db
from app.outcomes.models import OutcomeProposal
from tests.victims import support
from tests.victims.support import ALLOWED_CONDITIONS, STAGES, leaks, planted_case

VIEW_FIELDS = {
    "crime_reference",
    "stage",
    "stage_text",
    "contract_start",
    "contract_end",
    "conditions",
    "overall",
    "outcome_code",
    "outcome_decided_on",
    "updates",
    "next_update_due",
    "update_overdue",
    "victims",
    "suggested_update",
}
EXPECTED = {
    "eligible": ("being_considered", "on_track", None),
    "allocated": ("being_considered", "on_track", None),
    "active": ("contract_in_progress", "on_track", None),
    "completed": ("completed", "completed", "24"),
    "breached": ("referred_for_prosecution", "not_completed_referred_for_prosecution", "charge"),
    "opted_out": ("referred_for_prosecution", "not_completed_referred_for_prosecution", "charge"),
}
VIEWERS = ["liaison_officer", "keyworker", "supervisor"]


def _viewer(request, name, planted):
    return planted.keyworker if name == "keyworker" else request.getfixturevalue(name)


@pytest.mark.parametrize("viewer", VIEWERS)
@pytest.mark.parametrize("stage", STAGES)
def test_the_page_shows_nothing_it_must_not(app, request, stage, viewer):
    planted = planted_case(stage)
    browser = support.browser_for(app, _viewer(request, viewer, planted))

    response = browser.get(f"/victims/cases/{planted.case.id}")

    assert response.status_code == 200
    text = support.page_text(response)
    assert leaks(text) == []
    assert planted.case.crime_reference in text
    if stage in ("eligible", "allocated"):
        assert "There is no contract yet" in text
    else:
        for description in ALLOWED_CONDITIONS.values():
            assert description in text
        assert "Protects the victim" in text
    # The victim's own details are on the page, for the officer who contacts them.
    assert "Vera Victim" in text and "vera.victim@example.org" in text


@pytest.mark.parametrize("viewer", VIEWERS)
@pytest.mark.parametrize("stage", STAGES)
def test_the_api_view_holds_nothing_it_must_not(app, request, client, stage, viewer):
    planted = planted_case(stage)
    headers = support.headers_for(_viewer(request, viewer, planted))

    response = client.get(f"/api/v1/cases/{planted.case.id}/victim-update", headers=headers)

    assert response.status_code == 200
    body = response.json
    raw = json.dumps(body)
    assert leaks(raw) == []
    # Not even the victim's contact details travel in the JSON.
    assert "Vera Victim" not in raw and "vera.victim@example.org" not in raw
    assert "07700 900111" not in raw
    assert set(body) == VIEW_FIELDS
    stage_code, overall, outcome = EXPECTED[stage]
    assert body["crime_reference"] == planted.case.crime_reference
    assert body["stage"] == stage_code
    assert body["overall"] == overall
    assert body["outcome_code"] == outcome
    if stage in ("eligible", "allocated"):
        assert body["conditions"] == []
        assert body["contract_start"] is None and body["contract_end"] is None
    else:
        start = today_in_london() - timedelta(days=35)
        assert body["contract_start"] == start.isoformat()
        assert body["contract_end"] == (start + timedelta(days=112)).isoformat()
        assert {(c["type"], c["description"]) for c in body["conditions"]} == {
            (kind, text) for kind, text in ALLOWED_CONDITIONS.items()
        }
        for condition in body["conditions"]:
            assert set(condition) == {"type", "description", "status", "protects_victim"}
            assert condition["status"] == "not_started"
            assert condition["protects_victim"] is (condition["type"] == "restrictive")
    for victim in body["victims"]:
        assert set(victim) == {
            "id",
            "wants_updates",
            "enhanced_rights",
            "update_frequency",
            "next_update_due",
            "overdue",
        }


def _walk(value, seen=None):
    """Every object reachable through dataclasses, lists, tuples and dicts."""
    seen = seen if seen is not None else set()
    if id(value) in seen:
        return
    seen.add(id(value))
    yield value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        for item in dataclasses.fields(value):
            yield from _walk(getattr(value, item.name), seen)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _walk(key, seen)
            yield from _walk(item, seen)
    elif isinstance(value, (list, tuple, set, frozenset)):
        for item in value:
            yield from _walk(item, seen)


@pytest.mark.parametrize("stage", ["active", "breached"])
def test_the_template_is_given_no_database_object(app, liaison_officer, stage):
    planted = planted_case(stage)
    browser = support.browser_for(app, liaison_officer)
    captured = []

    def record(sender, template, context, **extra):
        if template.name == "victims/show.html":
            captured.append(context)

    with template_rendered.connected_to(record, app):
        assert browser.get(f"/victims/cases/{planted.case.id}").status_code == 200

    assert len(captured) == 1
    context = captured[0]
    models = [
        (name, type(value).__name__)
        for name in ("page", "view", "back", "overall_tags", "scale", "today")
        for value in _walk(context[name])
        if isinstance(value, db.Model)
    ]
    assert models == []
    # The only database object anywhere in the context is the signed-in member of staff.
    assert [name for name, value in context.items() if isinstance(value, db.Model)] == [
        "current_user"
    ]


def test_the_suggested_update_is_plain_english_from_the_view_only(app, liaison_officer):
    planted = planted_case("active")
    browser = support.browser_for(app, liaison_officer)

    text = support.page_text(browser.get(f"/victims/cases/{planted.case.id}"))

    start, _, rest = text.partition('name="summary"')
    suggestion = rest.split(">", 1)[1].split("</textarea>", 1)[0]
    assert f"crime reference {planted.case.crime_reference}" in suggestion
    assert "16-week contract" in suggestion
    assert "expected to end on" in suggestion
    for description in ALLOWED_CONDITIONS.values():
        assert description in suggestion
    assert "a condition to protect you" in suggestion
    assert "keeping to their contract" in suggestion
    assert leaks(suggestion) == []


def test_a_superseded_condition_text_is_not_shown(app, liaison_officer, client):
    planted = planted_case("active")
    old = planted.conditions["Write a letter of apology to the shop owner"]
    old.superseded_at = utcnow()
    db.session.add(
        Condition(
            contract_id=old.contract_id,
            type=ConditionType.RESTORATIVE.value,
            description="Take part in a restorative meeting",
            revision=2,
            supersedes_id=old.id,
            created_by_id=planted.keyworker.id,
        )
    )
    db.session.commit()
    headers = support.headers_for(liaison_officer)

    body = client.get(f"/api/v1/cases/{planted.case.id}/victim-update", headers=headers).json

    descriptions = [c["description"] for c in body["conditions"]]
    assert "Take part in a restorative meeting" in descriptions
    assert ALLOWED_CONDITIONS["restorative"] not in descriptions


def _overall(client, case, headers) -> str:
    return client.get(f"/api/v1/cases/{case.id}/victim-update", headers=headers).json["overall"]


def test_overall_shows_concerns_without_saying_which(app, liaison_officer, client):
    headers = support.headers_for(liaison_officer)
    planted = planted_case("active")
    assert _overall(client, planted.case, headers) == "on_track"

    # A rehabilitative condition past its due date and not met: a concern, but its text
    # (and which condition it is) stays out of the view.
    rehab = planted.conditions["PLANTED-REHAB-CONDITION"]
    rehab.due_date = today_in_london() - timedelta(days=1)
    db.session.commit()
    response = client.get(f"/api/v1/cases/{planted.case.id}/victim-update", headers=headers)
    assert response.json["overall"] == "concerns"
    assert {c["status"] for c in response.json["conditions"]} == {"not_started"}
    assert leaks(json.dumps(response.json)) == []

    rehab.due_date = None
    db.session.commit()
    assert _overall(client, planted.case, headers) == "on_track"

    # An open compliance concern (no decision yet) is a concern too.
    concern = ComplianceConcern(case_id=planted.case.id, summary="Missed an appointment")
    db.session.add(concern)
    db.session.commit()
    assert _overall(client, planted.case, headers) == "concerns"
    db.session.delete(concern)
    db.session.commit()

    # So is a breach proposal waiting for the supervisor.
    db.session.add(
        OutcomeProposal(
            case_id=planted.case.id, result="breached", proposed_by_id=planted.keyworker.id
        )
    )
    db.session.commit()
    assert _overall(client, planted.case, headers) == "concerns"


def test_a_victim_condition_not_met_shows_as_not_met(app, liaison_officer, client):
    planted = planted_case("active")
    apology = planted.conditions["Write a letter of apology to the shop owner"]
    apology.due_date = today_in_london() - timedelta(days=2)
    db.session.commit()
    headers = support.headers_for(liaison_officer)

    body = client.get(f"/api/v1/cases/{planted.case.id}/victim-update", headers=headers).json

    statuses = {c["description"]: c["status"] for c in body["conditions"]}
    assert statuses[ALLOWED_CONDITIONS["restorative"]] == "not_met"
    assert body["overall"] == "concerns"


def test_ineligible_and_withdrawn_cases_are_not_on_the_scheme(app, liaison_officer, client):
    headers = support.headers_for(liaison_officer)
    for status in (CaseStatus.INELIGIBLE, CaseStatus.WITHDRAWN):
        planted = planted_case("eligible")
        planted.case.status = status.value
        db.session.commit()
        body = client.get(f"/api/v1/cases/{planted.case.id}/victim-update", headers=headers).json
        assert body["overall"] == "not_on_scheme"
        assert leaks(json.dumps(body)) == []


def test_every_read_is_audited(app, liaison_officer, client):
    from sqlalchemy import select

    from app.audit.models import AuditEntry

    planted = planted_case("active")
    headers = support.headers_for(liaison_officer)
    client.get(f"/api/v1/cases/{planted.case.id}/victim-update", headers=headers)
    browser = support.browser_for(app, liaison_officer)
    browser.get(f"/victims/cases/{planted.case.id}")

    db.session.expire_all()
    entries = db.session.execute(
        select(AuditEntry.action, AuditEntry.object_id, AuditEntry.details).where(
            AuditEntry.actor_id == liaison_officer.id,
            AuditEntry.action.in_(["victim_update.viewed", "victim.viewed"]),
        )
    ).all()
    assert (
        "victim_update.viewed",
        str(planted.case.id),
        {"purpose": "api_victim_update"},
    ) in entries
    assert ("victim_update.viewed", str(planted.case.id), {"purpose": "victim_page"}) in entries
    assert ("victim.viewed", str(planted.victim.id), {"purpose": "victim_page"}) in entries
    assert leaks(json.dumps([list(map(str, e)) for e in entries])) == []


def test_the_openapi_document_describes_the_victim_endpoints(client):
    spec = client.get("/api/v1/openapi.json").json
    paths = spec["paths"]
    view = paths["/api/v1/cases/{case_id}/victim-update"]["get"]
    create = paths["/api/v1/cases/{case_id}/victim-updates"]["post"]
    assert {"200", "403", "404"} <= set(view["responses"])
    assert {"201", "403", "404", "422"} <= set(create["responses"])
    schemas = spec["components"]["schemas"]
    assert set(schemas["VictimUpdateView"]["properties"]) == VIEW_FIELDS
    assert set(schemas["VictimCondition"]["properties"]) == {
        "type",
        "description",
        "status",
        "protects_victim",
    }
    assert set(schemas["NewVictimUpdate"]["required"]) == {"method", "summary"}
