"""The referrals API, as a partner system or a force system uses it (shared/API.md)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.audit.models import AuditEntry
from app.dates import today_in_london
from app.extensions import db
from app.notifications.models import Notification
from app.referrals.models import Referral, ReferralTransition
from tests.referrals import support

PARTNER_DETAIL_KEYS = {
    "id",
    "reference",
    "status",
    "need",
    "message",
    "conditions",
    "introduction_method",
    "introduction_at",
    "keyworker",
    "sent_at",
    "acknowledge_by",
    "acknowledged_at",
    "overdue",
    "decline_reason",
    "decline_details",
    "outcome",
    "assigned_worker",
    "assigned_worker_id",
    "consent_withdrawn",
    "shared",
    "updates",
    "updated_at",
    "version",
}


def _body(world, **changes) -> dict:
    body = {
        "organisation_id": str(world.org.id),
        "condition_ids": [str(world.case.contract.current_conditions[0].id)],
        "need": "Help with debts",
        "message": "Prefers email contact",
        "shared_categories": ["contact_details", "finances"],
        "introduction_method": "introduction_email",
        "introduction_at": "2026-12-01T10:00:00Z",
    }
    body.update(changes)
    return body


def _create(client, world, user=None, headers=None, **changes):
    return client.post(
        f"/api/v1/cases/{world.case.id}/referrals",
        json=_body(world, **changes),
        headers=headers or support.headers_for(user or world.keyworker),
    )


def test_create_answers_201_with_the_referral(client, world):
    response = _create(client, world)
    assert response.status_code == 201, response.json
    body = response.json
    assert body["status"] == "sent"
    assert body["version"] == 1
    assert body["acknowledge_by"]
    assert body["reference"].startswith("RF-")
    assert body["shared_categories"] == ["contact_details", "finances"]
    assert body["introduction_at"].startswith("2026-12-01T10:00:00")
    assert body["conditions"][0]["type"] == "rehabilitative"
    assert support.fresh(Referral, body["id"]).status == "sent"


def test_without_consent_422_consent_required_and_nothing_written(client, world):
    unconsented = support.organisation()
    support.partner(unconsented)
    headers = support.headers_for(world.keyworker)
    counts = (support.count(Referral), support.count(Notification), support.count(AuditEntry))
    response = _create(client, world, headers=headers, organisation_id=str(unconsented.id))
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert response.json["code"] == "consent_required"
    assert "contact details and finances" in response.json["detail"]
    assert "shared_categories" in response.json["errors"]
    assert (
        support.count(Referral),
        support.count(Notification),
        support.count(AuditEntry),
    ) == counts


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"need": ""}, "need"),
        ({"shared_categories": ["gossip"]}, "shared_categories"),
        ({"shared_categories": []}, "shared_categories"),
        ({"condition_ids": ["not-a-uuid"]}, "condition_ids"),
        ({"introduction_method": "carrier_pigeon"}, "introduction_method"),
        ({"introduction_at": "tomorrow"}, "introduction_at"),
        ({"organisation_id": "00000000-0000-0000-0000-000000000000"}, "organisation_id"),
        ({"unexpected": True}, "unexpected"),
    ],
)
def test_invalid_input_is_422_with_field_errors(client, world, changes, field):
    response = _create(client, world, **changes)
    assert response.status_code == 422
    assert field in response.json["errors"]


def test_expired_agreement_and_not_accepting_have_their_codes(client, world):
    world.org.isa_expires_on = today_in_london() - timedelta(days=1)
    db.session.commit()
    assert _create(client, world).json["code"] == "isa_expired"
    world.org.isa_expires_on = today_in_london()
    world.org.capacity = "not_accepting"
    db.session.commit()
    assert _create(client, world).json["code"] == "not_accepting"


def test_a_closed_case_is_409_invalid_state(client, world):
    world.case.status = "completed"
    db.session.commit()
    response = _create(client, world)
    assert response.status_code == 409
    assert response.json["code"] == "invalid_state"


def test_the_partner_sees_its_own_referrals_only(client, world, other_org):
    response = client.get("/api/v1/referrals", headers=support.headers_for(world.partner))
    assert response.status_code == 200
    assert response.json["total"] == 1
    [item] = response.json["items"]
    assert item["id"] == str(world.referral.id)
    assert "case_id" not in item and "shared" not in item
    theirs = client.get(
        f"/api/v1/referrals/{other_org.referral.id}", headers=support.headers_for(world.partner)
    )
    assert theirs.status_code == 404
    assert theirs.json == {
        "type": "about:blank",
        "title": "Not Found",
        "status": 404,
        "detail": "No such object.",
    }


def test_keyworkers_see_their_cases_and_supervisors_all(client, world, other_org, supervisor):
    mine = client.get("/api/v1/referrals", headers=support.headers_for(world.keyworker)).json
    assert [i["id"] for i in mine["items"]] == [str(world.referral.id)]
    assert mine["items"][0]["case_id"] == str(world.case.id)
    every = client.get("/api/v1/referrals", headers=support.headers_for(supervisor)).json
    assert every["total"] == 2
    by_case = client.get(
        f"/api/v1/referrals?case_id={other_org.case.id}", headers=support.headers_for(supervisor)
    ).json
    assert [i["id"] for i in by_case["items"]] == [str(other_org.referral.id)]
    refused = client.get(
        f"/api/v1/referrals?case_id={world.case.id}", headers=support.headers_for(world.partner)
    )
    assert refused.status_code == 422


def test_the_list_pages_filters_and_syncs_by_updated_at(client, world):
    headers = support.headers_for(world.partner)
    second = support.send(world.case, world.org, world.keyworker)
    third = support.send(world.case, world.org, world.keyworker)
    from app.referrals import lifecycle

    lifecycle.transition(world.partner, world.referral.id, "acknowledged")
    listed = client.get("/api/v1/referrals?per_page=2", headers=headers).json
    assert listed["total"] == 3 and listed["per_page"] == 2 and listed["page"] == 1
    ids = [i["id"] for i in listed["items"]]
    page_two = client.get("/api/v1/referrals?per_page=2&page=2", headers=headers).json
    ids += [i["id"] for i in page_two["items"]]
    assert ids == [str(second.id), str(third.id), str(world.referral.id)]  # oldest change first
    acknowledged = client.get("/api/v1/referrals?status=acknowledged", headers=headers).json
    assert [i["id"] for i in acknowledged["items"]] == [str(world.referral.id)]
    changed_at = support.fresh(Referral, world.referral.id).updated_at
    since = client.get(
        "/api/v1/referrals",
        query_string={"updated_since": changed_at.isoformat()},
        headers=headers,
    ).json
    assert [i["id"] for i in since["items"]] == [str(world.referral.id)]


@pytest.mark.parametrize(
    "query", ["per_page=201", "per_page=0", "page=0", "status=lost", "updated_since=yesterday"]
)
def test_out_of_range_list_parameters_are_422(client, world, query):
    response = client.get(f"/api/v1/referrals?{query}", headers=support.headers_for(world.partner))
    assert response.status_code == 422


def test_the_partner_view_is_an_allow_list(client, world):
    response = client.get(
        f"/api/v1/referrals/{world.referral.id}", headers=support.headers_for(world.partner)
    )
    body = response.json
    assert set(body) == PARTNER_DETAIL_KEYS
    assert set(body["shared"]) == {"contact_details", "health", "housing"}
    assert body["shared"]["contact_details"]["name"] == "Jordan Ellis"
    assert body["keyworker"] == {"name": world.keyworker.name, "email": world.keyworker.email}
    assert body["conditions"] == [
        {
            "type": "rehabilitative",
            "description": "Attend 4 sessions with a substance misuse service",
        }
    ]
    flat = str(body)
    for never in ("case_id", world.case.crime_reference, "date_of_birth", "shared_snapshot"):
        assert never not in flat
    entry = db.session.query(AuditEntry).filter_by(action="referral.viewed").one()
    assert entry.details["categories_shown"] == ["contact_details", "health", "housing"]


def test_staff_get_the_staff_view(client, world):
    body = client.get(
        f"/api/v1/referrals/{world.referral.id}", headers=support.headers_for(world.keyworker)
    ).json
    assert body["case_id"] == str(world.case.id)
    assert body["consent_in_force"] is True
    assert [t["to_status"] for t in body["transitions"]] == ["sent"]
    assert "shared" not in body


def test_transitions_through_the_api(client, world):
    partner = support.headers_for(world.partner)
    path = f"/api/v1/referrals/{world.referral.id}/transitions"
    ok = client.post(path, json={"to": "acknowledged", "version": 1}, headers=partner)
    assert ok.status_code == 200
    assert ok.json["status"] == "acknowledged" and ok.json["version"] == 2
    illegal = client.post(path, json={"to": "completed"}, headers=partner)
    assert illegal.status_code == 409
    assert illegal.json["code"] == "invalid_transition"
    stale = client.post(path, json={"to": "accepted", "version": 1}, headers=partner)
    assert stale.status_code == 409
    assert stale.json["code"] == "stale_version"
    missing = client.post(path, json={"to": "declined"}, headers=partner)
    assert missing.status_code == 422
    assert "reason" in missing.json["errors"]
    declined = client.post(path, json={"to": "declined", "reason": "no_capacity"}, headers=partner)
    assert declined.status_code == 200
    assert declined.json["decline_reason"] == "no_capacity"
    assert declined.json["shared"] == {}  # declined: no more use for the person's details


def test_missing_outcome_and_cancel_reason_are_422(client, world):
    support.set_status(world.referral, "in_progress")
    path = f"/api/v1/referrals/{world.referral.id}/transitions"
    partner = support.headers_for(world.partner)
    assert client.post(path, json={"to": "completed"}, headers=partner).status_code == 422
    bad = client.post(path, json={"to": "completed", "outcome": "brilliant"}, headers=partner)
    assert bad.status_code == 422
    keyworker = support.headers_for(world.keyworker)
    assert client.post(path, json={"to": "cancelled"}, headers=keyworker).status_code == 422
    done = client.post(path, json={"to": "cancelled", "reason": "Moved"}, headers=keyworker)
    assert done.status_code == 200 and done.json["status"] == "cancelled"


def test_two_partner_users_accepting_with_the_same_version_one_wins(client, world):
    from app.referrals import lifecycle

    lifecycle.transition(world.partner, world.referral.id, "acknowledged")
    version = support.fresh(Referral, world.referral.id).version
    path = f"/api/v1/referrals/{world.referral.id}/transitions"
    first = client.post(
        path,
        json={"to": "accepted", "version": version},
        headers=support.headers_for(world.partner),
    )
    second = client.post(
        path,
        json={"to": "accepted", "version": version},
        headers=support.headers_for(world.colleague),
    )
    assert first.status_code == 200
    assert second.status_code == 409 and second.json["code"] == "stale_version"
    assert support.count(ReferralTransition, ReferralTransition.to_status == "accepted") == 1


def test_updates_and_assignment(client, world, other_org):
    partner = support.headers_for(world.partner)
    update = client.post(
        f"/api/v1/referrals/{world.referral.id}/updates", json={"body": "Booked"}, headers=partner
    )
    assert update.status_code == 201
    assert update.json["author"] == world.partner.name
    assert (
        client.post(
            f"/api/v1/referrals/{world.referral.id}/updates", json={"body": ""}, headers=partner
        ).status_code
        == 422
    )
    path = f"/api/v1/referrals/{world.referral.id}/assignment"
    wrong = client.post(path, json={"worker_id": str(other_org.partner.id)}, headers=partner)
    assert wrong.status_code == 422
    assigned = client.post(path, json={"worker_id": str(world.colleague.id)}, headers=partner)
    assert assigned.status_code == 200
    assert assigned.json["assigned_worker"]["name"] == world.colleague.name
    cleared = client.post(path, json={"worker_id": None}, headers=partner)
    assert cleared.json["assigned_worker"] is None


def test_a_commit_failure_leaves_neither_the_change_nor_the_message(client, world, monkeypatch):
    """Outbox atomicity through a real request: the commit that carries the notification
    fails, and the request's session is rolled back."""
    from app.referrals import lifecycle

    lifecycle.transition(world.partner, world.referral.id, "acknowledged")
    before = support.count(Notification)
    headers = support.headers_for(world.partner)
    real_commit = db.session.commit
    failed = []

    def commit_failing_with_the_message():
        if any(isinstance(obj, Notification) for obj in db.session.new):
            failed.append(True)
            raise RuntimeError("disk full")
        real_commit()

    monkeypatch.setattr(db.session, "commit", commit_failing_with_the_message)
    response = client.post(
        f"/api/v1/referrals/{world.referral.id}/transitions",
        json={"to": "declined", "reason": "no_capacity"},
        headers=headers,
    )
    monkeypatch.undo()
    assert failed == [True]
    assert response.status_code == 500
    assert response.mimetype == "application/problem+json"
    assert support.fresh(Referral, world.referral.id).status == "acknowledged"
    assert support.count(Notification) == before
    assert [t.to_status for t in support.transitions(world.referral)] == ["sent", "acknowledged"]


def test_an_update_is_news_for_sync_but_does_not_make_forms_stale(client, world):
    before = support.fresh(Referral, world.referral.id)
    version, updated_at = before.version, before.updated_at
    response = client.post(
        f"/api/v1/referrals/{world.referral.id}/updates",
        json={"body": "Called them, no answer"},
        headers=support.headers_for(world.partner),
    )
    assert response.status_code == 201
    after = support.fresh(Referral, world.referral.id)
    assert after.version == version
    assert after.updated_at > updated_at


def test_the_openapi_document_describes_the_referral_endpoints(client):
    spec = client.get("/api/v1/openapi.json").json
    assert {
        "/api/v1/cases/{case_id}/referrals",
        "/api/v1/referrals",
        "/api/v1/referrals/{referral_id}",
        "/api/v1/referrals/{referral_id}/transitions",
        "/api/v1/referrals/{referral_id}/updates",
        "/api/v1/referrals/{referral_id}/assignment",
    } <= set(spec["paths"])
    assert {"PartnerReferral", "StaffReferral", "Shared"} <= set(spec["components"]["schemas"])
