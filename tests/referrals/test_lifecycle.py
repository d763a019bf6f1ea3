"""The transition table, tried in full: every legal move and every illegal one, with what
each move writes, and the concurrency rules."""

from __future__ import annotations

import itertools

import pytest
from sqlalchemy.orm import Session

from app.errors import InvalidInput, StaleVersion
from app.extensions import db
from app.notifications.models import Notification
from app.referrals import lifecycle, moves
from app.referrals.errors import ConsentRequired, InvalidTransition
from app.referrals.models import Referral, ReferralStatus, ReferralTransition
from app.referrals.policy import Actor
from tests.referrals import support

STATUSES = [s.value for s in ReferralStatus]
OPEN = ["sent", "acknowledged", "accepted", "in_progress"]

# The table as the issue states it, written out independently of the code's table.
LEGAL = (
    {
        ("partner", "sent", "acknowledged"),
        ("partner", "sent", "accepted"),
        ("partner", "sent", "declined"),
        ("partner", "acknowledged", "accepted"),
        ("partner", "acknowledged", "declined"),
        ("partner", "accepted", "in_progress"),
        ("partner", "accepted", "completed"),
        ("partner", "in_progress", "completed"),
    }
    | {
        (staff, source, "cancelled")
        for staff in ("keyworker", "supervisor")
        for source in [*OPEN, "on_hold"]
    }
    # resume: back to the status it was held from (set to the target in this test)
    | {(staff, "on_hold", target) for staff in ("keyworker", "supervisor") for target in OPEN}
)

# What each move needs.
VALUES = {
    "declined": {"reason": "no_capacity"},
    "completed": {"outcome": "achieved"},
    "cancelled": {"reason": "The person has moved out of the area"},
}


def _who(world, supervisor, name):
    return {"partner": world.partner, "keyworker": world.keyworker, "supervisor": supervisor}[name]


@pytest.mark.parametrize(
    "source, target", list(itertools.product(STATUSES, STATUSES)), ids=lambda s: s
)
def test_every_move_of_the_table(world, supervisor, source, target):
    for who in ("partner", "keyworker", "supervisor"):
        held_from = (
            target
            if source == "on_hold" and target in OPEN
            else ("accepted" if source == "on_hold" else None)
        )
        support.set_status(world.referral, source, held_from=held_from)
        before = len(support.transitions(world.referral))
        user = _who(world, supervisor, who)
        if (who, source, target) in LEGAL:
            moved = lifecycle.transition(user, world.referral.id, target, **VALUES.get(target, {}))
            assert support.fresh(Referral, moved.id).status == target, (who, source, target)
            latest = support.transitions(world.referral)[-1]
            assert (latest.from_status, latest.to_status, latest.actor_id) == (
                source,
                target,
                user.id,
            )
        else:
            with pytest.raises(InvalidTransition) as refused:
                lifecycle.transition(user, world.referral.id, target, **VALUES.get(target, {}))
            assert refused.value.code == "invalid_transition"
            assert refused.value.message
            db.session.rollback()
            assert support.fresh(Referral, world.referral.id).status == source
            assert len(support.transitions(world.referral)) == before


def test_the_code_table_is_the_issue_table():
    staff_names = {"partner": ["partner"], "case_staff": ["keyworker", "supervisor"]}
    code = {
        (name, m.source.value, m.target.value)
        for m in moves.MOVES
        if m.actor.value != "system"
        for name in staff_names[m.actor.value]
    }
    assert code == LEGAL
    system = {(m.source.value, m.target.value) for m in moves.MOVES if m.actor.value == "system"}
    assert system == {(source, "on_hold") for source in OPEN} | {("accepted", "in_progress")}


@pytest.mark.parametrize(
    "who, source, target, words",
    [
        ("keyworker", "sent", "acknowledged", "Only the partner organisation"),
        ("partner", "sent", "cancelled", "Only the keyworker of the case or a supervisor"),
        (
            "partner",
            "sent",
            "in_progress",
            "cannot be moved to in progress. You can move it to: accepted, declined, acknowledged",
        ),
        ("keyworker", "accepted", "in_progress", "Only the partner organisation"),
        ("partner", "accepted", "accepted", "already accepted"),
        ("keyworker", "completed", "cancelled", "completed cannot be moved to cancelled"),
        ("keyworker", "sent", "on_hold", "Only the hub"),
    ],
)
def test_an_illegal_move_says_why(world, who, source, target, words):
    support.set_status(world.referral, source)
    with pytest.raises(InvalidTransition) as refused:
        lifecycle.transition(getattr(world, who), world.referral.id, target)
    assert words in refused.value.message


def test_each_move_records_who_when_audit_and_timeline(world):
    lifecycle.transition(world.partner, world.referral.id, "acknowledged")
    lifecycle.transition(world.colleague, world.referral.id, "accepted")
    lifecycle.transition(world.partner, world.referral.id, "in_progress")
    lifecycle.transition(
        world.partner, world.referral.id, "completed", outcome="partially_achieved"
    )
    history = support.transitions(world.referral)
    assert [(t.from_status, t.to_status) for t in history] == [
        (None, "sent"),
        ("sent", "acknowledged"),
        ("acknowledged", "accepted"),
        ("accepted", "in_progress"),
        ("in_progress", "completed"),
    ]
    assert history[2].actor_id == world.colleague.id
    assert history[-1].outcome == "partially_achieved"
    assert all(t.occurred_at is not None for t in history)
    referral = support.fresh(Referral, world.referral.id)
    assert referral.acknowledged_at is not None and referral.outcome == "partially_achieved"
    assert support.audit_actions(world.referral.id) == [
        "referral.sent",
        "referral.acknowledged",
        "referral.accepted",
        "referral.started",
        "referral.completed",
    ]
    kinds = [e.kind for e in support.events(world.case)]
    assert kinds[-4:] == [
        "referral.acknowledged",
        "referral.accepted",
        "referral.started",
        "referral.completed",
    ]


def test_accepting_straight_from_sent_records_the_acknowledgement_too(world):
    lifecycle.transition(world.partner, world.referral.id, "accepted")

    referral = support.fresh(Referral, world.referral.id)
    assert referral.status == "accepted"
    [sent, accepted] = support.transitions(world.referral)
    assert (accepted.from_status, accepted.to_status, accepted.actor_id) == (
        "sent",
        "accepted",
        world.partner.id,
    )
    # Both times, for the SLA figures: the acknowledgement and the acceptance.
    assert referral.acknowledged_at is not None
    assert referral.acknowledged_at == accepted.occurred_at
    assert support.audit_actions(world.referral.id) == ["referral.sent", "referral.accepted"]
    assert support.events(world.case)[-1].kind == "referral.accepted"


def test_declining_straight_from_sent_records_the_acknowledgement_and_the_reason(world):
    lifecycle.transition(world.partner, world.referral.id, "declined", reason="outside_area")

    referral = support.fresh(Referral, world.referral.id)
    assert (referral.status, referral.decline_reason) == ("declined", "outside_area")
    assert referral.acknowledged_at == support.transitions(world.referral)[-1].occurred_at
    assert [n.kind for n in support.notifications_for(world.keyworker)] == ["referral.declined"]


def test_the_old_moves_still_work_and_keep_the_first_acknowledgement(world):
    lifecycle.transition(world.partner, world.referral.id, "acknowledged")
    acknowledged_at = support.fresh(Referral, world.referral.id).acknowledged_at
    lifecycle.transition(world.partner, world.referral.id, "accepted")

    referral = support.fresh(Referral, world.referral.id)
    assert referral.status == "accepted"
    assert referral.acknowledged_at == acknowledged_at
    assert [(t.from_status, t.to_status) for t in support.transitions(world.referral)] == [
        (None, "sent"),
        ("sent", "acknowledged"),
        ("acknowledged", "accepted"),
    ]


def test_a_partner_completes_an_accepted_referral_directly(world):
    support.set_status(world.referral, "accepted")
    lifecycle.transition(world.partner, world.referral.id, "completed", outcome="achieved")

    referral = support.fresh(Referral, world.referral.id)
    assert (referral.status, referral.outcome) == ("completed", "achieved")
    assert support.transitions(world.referral)[-1].from_status == "accepted"
    assert support.notifications_for(world.keyworker)[-1].kind == "referral.completed"


def test_decline_and_completion_notify_the_keyworker(world):
    lifecycle.transition(world.partner, world.referral.id, "acknowledged")
    assert support.notifications_for(world.keyworker) == []
    lifecycle.transition(
        world.partner,
        world.referral.id,
        "declined",
        reason="other",
        details="We only work with under-25s",
    )
    [declined] = support.notifications_for(world.keyworker)
    assert declined.kind == "referral.declined"
    referral = support.fresh(Referral, world.referral.id)
    assert (referral.decline_reason, referral.decline_details) == (
        "other",
        "We only work with under-25s",
    )
    assert "under-25s" not in declined.body

    second = support.send(world.case, world.org, world.keyworker)
    support.set_status(second, "in_progress")
    lifecycle.transition(world.partner, second.id, "completed", outcome="achieved")
    assert [n.kind for n in support.notifications_for(world.keyworker)] == [
        "referral.declined",
        "referral.completed",
    ]


def test_cancelling_tells_the_partner_organisation(world):
    lifecycle.transition(world.keyworker, world.referral.id, "cancelled", reason="Moved away")
    kinds = [n.kind for n in support.notifications_for(world.partner)]
    assert kinds == ["referral.sent", "referral.cancelled"]
    assert support.transitions(world.referral)[-1].reason == "Moved away"


@pytest.mark.parametrize(
    "source, target, values, field",
    [
        ("acknowledged", "declined", {}, "reason"),
        ("sent", "declined", {}, "reason"),
        ("sent", "declined", {"reason": "other"}, "details"),
        ("accepted", "completed", {}, "outcome"),
        ("acknowledged", "declined", {"reason": "too busy"}, "reason"),
        ("acknowledged", "declined", {"reason": "other"}, "details"),
        ("acknowledged", "declined", {"reason": "other", "details": "   "}, "details"),
        ("in_progress", "completed", {}, "outcome"),
        ("in_progress", "completed", {"outcome": "great"}, "outcome"),
        ("sent", "cancelled", {}, "reason"),
        ("sent", "cancelled", {"reason": "  "}, "reason"),
    ],
)
def test_a_move_missing_what_it_needs_is_refused(world, source, target, values, field):
    support.set_status(world.referral, source)
    who = world.keyworker if target == "cancelled" else world.partner
    with pytest.raises(InvalidInput) as refused:
        lifecycle.transition(who, world.referral.id, target, **values)
    assert field in refused.value.errors
    db.session.rollback()
    assert support.fresh(Referral, world.referral.id).status == source
    assert len(support.transitions(world.referral)) == 1


def test_an_unknown_status_is_invalid_input(world):
    with pytest.raises(InvalidInput) as refused:
        lifecycle.transition(world.partner, world.referral.id, "teleported")
    assert "to" in refused.value.errors


def test_a_stale_version_is_refused_and_nothing_is_written(world):
    lifecycle.transition(world.partner, world.referral.id, "acknowledged")
    with pytest.raises(StaleVersion) as refused:
        lifecycle.transition(world.colleague, world.referral.id, "accepted", version=1)
    assert refused.value.code == "stale_version"
    assert support.fresh(Referral, world.referral.id).status == "acknowledged"
    current = support.fresh(Referral, world.referral.id).version
    lifecycle.transition(world.colleague, world.referral.id, "accepted", version=current)
    assert support.fresh(Referral, world.referral.id).status == "accepted"


@pytest.mark.committed
def test_two_partner_users_accepting_at_once_cannot_both_win(world, monkeypatch):
    """Both load the referral at version N; the other's acceptance commits in between
    (from another database session); the later commit must fail as stale."""
    lifecycle.transition(world.partner, world.referral.id, "acknowledged")
    real_get = lifecycle.get_referral_for

    def load_then_lose_the_race(user, referral_id):
        referral = real_get(user, referral_id)
        with Session(db.engine) as other:  # the colleague's request, in its own session
            theirs = other.get(Referral, referral_id)
            assert theirs.version == referral.version
            theirs.status = "accepted"
            other.add(
                ReferralTransition(
                    referral_id=referral_id,
                    from_status="acknowledged",
                    to_status="accepted",
                    actor_id=world.colleague.id,
                )
            )
            other.commit()
        return referral

    monkeypatch.setattr(lifecycle, "get_referral_for", load_then_lose_the_race)
    with pytest.raises(StaleVersion):
        lifecycle.transition(world.partner, world.referral.id, "accepted")
    monkeypatch.undo()
    accepted = [t for t in support.transitions(world.referral) if t.to_status == "accepted"]
    assert [t.actor_id for t in accepted] == [world.colleague.id]
    assert support.count(Notification, Notification.kind == "referral.accepted") == 0


def test_a_failure_after_the_notification_leaves_neither_change_nor_message(world, monkeypatch):
    lifecycle.transition(world.partner, world.referral.id, "acknowledged")
    before = support.count(Notification)
    real_send = lifecycle.messages.send

    def notify_then_fail(referral, kind):
        real_send(referral, kind)
        assert kind == "referral.declined"
        assert db.session.new  # the message is in the transaction...
        raise RuntimeError("the database went away")  # ...and then the change fails

    monkeypatch.setattr(lifecycle.messages, "send", notify_then_fail)
    with pytest.raises(RuntimeError):
        lifecycle.transition(world.partner, world.referral.id, "declined", reason="no_capacity")
    db.session.rollback()  # what the request's teardown does
    assert support.fresh(Referral, world.referral.id).status == "acknowledged"
    assert support.count(Notification) == before
    assert [t.to_status for t in support.transitions(world.referral)] == ["sent", "acknowledged"]
    assert "referral.declined" not in support.audit_actions(world.referral.id)


def test_resume_needs_consent_and_returns_to_the_status_it_was_held_from(world):
    lifecycle.transition(world.partner, world.referral.id, "acknowledged")
    support.withdraw(world.consent, world.keyworker)
    assert support.fresh(Referral, world.referral.id).status == "on_hold"
    with pytest.raises(ConsentRequired) as refused:
        lifecycle.transition(world.keyworker, world.referral.id, "acknowledged")
    assert "cannot resume" in refused.value.message
    with pytest.raises(InvalidTransition):
        lifecycle.transition(world.keyworker, world.referral.id, "accepted")
    support.consent(world.case, world.org)
    lifecycle.transition(world.keyworker, world.referral.id, "acknowledged")
    referral = support.fresh(Referral, world.referral.id)
    assert (referral.status, referral.held_from_status) == ("acknowledged", None)
    assert support.notifications_for(world.partner)[-1].kind == "referral.resumed"


def test_the_partner_cannot_resume_and_a_held_referral_can_be_cancelled(world):
    support.withdraw(world.consent, world.keyworker)
    with pytest.raises(InvalidTransition):
        lifecycle.transition(world.partner, world.referral.id, "sent")
    lifecycle.transition(world.keyworker, world.referral.id, "cancelled", reason="No consent")
    assert support.fresh(Referral, world.referral.id).status == "cancelled"


def test_moves_for_offers_only_the_moves_allowed_now(world):
    referral = support.set_status(world.referral, "acknowledged")
    partner_moves = moves.moves_for(Actor.PARTNER, referral)
    assert [m.action for m in partner_moves] == ["accept", "decline"]
    assert [m.action for m in moves.moves_for(Actor.CASE_STAFF, referral)] == ["cancel"]
    referral = support.set_status(world.referral, "on_hold", held_from="accepted")
    staff = moves.moves_for(Actor.CASE_STAFF, referral)
    assert sorted((m.action, m.target.value) for m in staff) == [
        ("cancel", "cancelled"),
        ("resume", "accepted"),
    ]
