"""Consent going away: shared details disappear from the partner's view at once, open
referrals go on hold and both sides are told. And the periodic check: overdue
acknowledgements flagged once, expired consent put on hold."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from app import events
from app.consent.models import Consent
from app.database import utcnow
from app.dates import today_in_london
from app.extensions import db
from app.notifications.models import Notification
from app.referrals import lifecycle, queries, subscribers
from app.referrals.checks import check_referrals
from app.referrals.cli import referrals_cli
from app.referrals.models import Referral
from tests.helpers import sign_in
from tests.referrals import support

GONE = "Consent to share was withdrawn or has expired. Contact the keyworker."


def _partner_shared(world) -> dict:
    return queries.partner_referral(world.partner, world.referral.id, purpose="test").view["shared"]


def test_the_partner_sees_the_shared_categories_while_consent_stands(world):
    shared = _partner_shared(world)
    assert set(shared) == {"contact_details", "health", "housing"}
    assert shared["contact_details"]["name"] == "Jordan Ellis"


def test_withdrawal_empties_shared_at_once_even_before_the_hold(world):
    consent = db.session.get(Consent, world.consent.id)
    consent.withdrawn_at = utcnow()
    db.session.commit()
    view = queries.partner_referral(world.partner, world.referral.id, purpose="test").view
    assert view["shared"] == {}
    assert view["consent_withdrawn"] is True


def test_withdrawal_holds_open_referrals_and_tells_both_sides(world):
    lifecycle.transition(world.partner, world.referral.id, "acknowledged")
    closed = support.send(world.case, world.org, world.keyworker)
    support.set_status(closed, "completed")
    elsewhere = support.organisation()
    support.consent(world.case, elsewhere)
    unrelated = support.send(world.case, elsewhere, world.keyworker)

    held = support.withdraw(world.consent, world.keyworker)

    assert [r.id for r in held] == [world.referral.id]
    referral = support.fresh(Referral, world.referral.id)
    assert (referral.status, referral.held_from_status) == ("on_hold", "acknowledged")
    last = support.transitions(referral)[-1]
    assert (last.from_status, last.to_status, last.actor_id) == (
        "acknowledged",
        "on_hold",
        world.keyworker.id,
    )
    assert last.reason == "Consent to share was withdrawn"
    assert support.fresh(Referral, closed.id).status == "completed"
    assert support.fresh(Referral, unrelated.id).status == "sent"
    for user in (world.partner, world.colleague, world.keyworker):
        assert support.notifications_for(user)[-1].kind == "referral.on_hold"
    assert "referral.held" in support.audit_actions(world.referral.id)
    assert support.events(world.case)[-1].kind == "referral.held"
    assert _partner_shared(world) == {}


def test_the_partner_page_and_api_show_nothing_after_withdrawal(world, client):
    support.withdraw(world.consent, world.keyworker)
    sign_in(client, world.partner)
    page = client.get(f"/referrals/{world.referral.id}").get_data(as_text=True)
    assert GONE in page
    assert "Jordan" not in page and "Ellis" not in page
    body = client.get(
        f"/api/v1/referrals/{world.referral.id}", headers=support.headers_for(world.partner)
    ).json
    assert body["shared"] == {}
    assert body["status"] == "on_hold"
    assert body["consent_withdrawn"] is True


def test_a_narrower_replacement_holds_only_referrals_sharing_what_it_dropped(world):
    housing_only = support.send(world.case, world.org, world.keyworker, categories=["housing"])
    now = utcnow()
    narrower = support.consent(world.case, world.org, categories=["housing"], given_at=now)
    old = db.session.get(Consent, world.consent.id)
    old.withdrawn_at = now
    old.withdrawn_by_id = world.keyworker.id
    lifecycle.hold_referrals_for_consent(old)  # actor: whoever withdrew it
    db.session.commit()
    assert support.fresh(Referral, world.referral.id).status == "on_hold"
    assert support.fresh(Referral, housing_only.id).status == "sent"
    assert support.transitions(world.referral)[-1].actor_id == world.keyworker.id
    assert narrower.id


def test_expiry_empties_shared_at_once_and_the_check_puts_it_on_hold(world):
    consent = db.session.get(Consent, world.consent.id)
    consent.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert _partner_shared(world) == {}

    result = check_referrals()
    assert result.held == 1
    referral = support.fresh(Referral, world.referral.id)
    assert (referral.status, referral.held_from_status) == ("on_hold", "sent")
    assert support.transitions(referral)[-1].actor_id is None
    assert support.notifications_for(world.partner)[-1].kind == "referral.on_hold"
    assert support.notifications_for(world.keyworker)[-1].kind == "referral.on_hold"
    assert check_referrals().held == 0


def test_the_check_leaves_covered_referrals_alone(world, other_org):
    assert check_referrals().held == 0
    assert support.fresh(Referral, world.referral.id).status == "sent"


# Overdue acknowledgements -------------------------------------------------------------


def _due(referral, day: date) -> Referral:
    referral = db.session.get(Referral, referral.id)
    referral.acknowledge_by = day
    db.session.commit()
    return referral


def test_an_overdue_acknowledgement_is_flagged_once_to_both_sides(world):
    today = today_in_london()
    _due(world.referral, today - timedelta(days=1))
    version = support.fresh(Referral, world.referral.id).version
    on_time = support.send(world.case, world.org, world.keyworker)
    _due(on_time, today + timedelta(days=30))
    acknowledged = support.send(world.case, world.org, world.keyworker)
    _due(acknowledged, today - timedelta(days=3))
    lifecycle.transition(world.partner, acknowledged.id, "acknowledged")

    assert check_referrals().overdue_flagged == 1

    referral = support.fresh(Referral, world.referral.id)
    assert referral.overdue_notified_at is not None
    assert referral.version == version  # nobody's open form goes stale
    for user in (world.partner, world.colleague, world.keyworker):
        overdue = [n for n in support.notifications_for(user) if n.kind == "referral.overdue"]
        assert len(overdue) == 1
        assert overdue[0].link_path == f"/referrals/{world.referral.id}"
    assert "referral.overdue" in support.audit_actions(world.referral.id)

    assert check_referrals().overdue_flagged == 0
    assert support.count(Notification, Notification.kind == "referral.overdue") == 3


def test_the_overdue_flag_shows_on_the_partner_view(world):
    _due(world.referral, today_in_london() - timedelta(days=1))
    assert queries.partner_referral(world.partner, world.referral.id, purpose="t").view["overdue"]
    lifecycle.transition(world.partner, world.referral.id, "acknowledged")
    assert not queries.partner_referral(world.partner, world.referral.id, purpose="t").view[
        "overdue"
    ]


def test_the_command_runs_the_check(app, world):
    _due(world.referral, today_in_london() - timedelta(days=2))
    result = app.test_cli_runner().invoke(referrals_cli, ["check"])
    assert result.exit_code == 0, result.output
    assert "Flagged 1 overdue acknowledgement(s); put 0 referral(s) on hold" in result.output


# With the consent service itself (its consent_withdrawn event, as every app wires it) ---


@pytest.fixture
def wired():
    from app.consent import services as consent_services

    return consent_services


def test_withdrawing_through_the_consent_service_holds_the_referral(world, wired):
    wired.withdraw_consent(world.keyworker, world.consent.id, "The person asked us to stop")
    referral = support.fresh(Referral, world.referral.id)
    assert referral.status == "on_hold"
    assert support.transitions(referral)[-1].actor_id == world.keyworker.id
    assert _partner_shared(world) == {}
    assert support.notifications_for(world.partner)[-1].kind == "referral.on_hold"


def test_connecting_the_receiver_again_still_runs_it_once(world, wired, monkeypatch):
    calls = []

    def counted(consent, *args, **kwargs):
        calls.append(consent.id)
        return lifecycle.hold_referrals_for_consent(consent, *args, **kwargs)

    monkeypatch.setattr(subscribers, "hold_referrals_for_consent", counted)
    events.consent_withdrawn.connect(subscribers.hold_referrals_on_consent_withdrawn)
    wired.withdraw_consent(world.keyworker, world.consent.id, "The person asked us to stop")
    assert calls == [world.consent.id]
    referral = support.fresh(Referral, world.referral.id)
    assert [t.to_status for t in support.transitions(referral)].count("on_hold") == 1
    kinds = [n.kind for n in support.notifications_for(world.partner)]
    assert kinds.count("referral.on_hold") == 1


def test_a_narrower_consent_through_the_service_holds_only_what_it_no_longer_covers(world, wired):
    housing_only = support.send(world.case, world.org, world.keyworker, categories=["housing"])
    wired.give_consent(
        world.keyworker,
        world.case.id,
        world.org.id,
        ["contact_details", "housing"],
        "verbal",
        "2026-04",
    )
    assert support.fresh(Referral, world.referral.id).status == "on_hold"  # shared health
    assert support.fresh(Referral, housing_only.id).status == "sent"
    # What the new consent still covers stays visible; health is gone at once.
    assert set(_partner_shared(world)) == {"contact_details", "housing"}
