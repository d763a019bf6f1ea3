"""Sending a referral: the consent gate, what is shared, the working-day deadline, and
everything that is written with it (or, on refusal, nothing at all)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from app.audit.models import AuditEntry
from app.auth.roles import Role
from app.cases.models import CaseEvent, CaseStatus
from app.contracts.models import Condition
from app.database import utcnow
from app.dates import today_in_london
from app.errors import InvalidInput, InvalidState, NotFound
from app.extensions import db
from app.notifications.models import Notification
from app.partners.models import Capacity
from app.referrals import services
from app.referrals.errors import ConsentRequired, IsaExpired, NotAccepting
from app.referrals.models import Referral, ReferralTransition
from tests import factories
from tests.helpers import FromNow, resolved
from tests.referrals import support


@pytest.fixture
def keyworker(app):
    return factories.user(Role.KEYWORKER, name="Kim Keyworker")


@pytest.fixture
def case(keyworker):
    return support.active_case(keyworker)


@pytest.fixture
def org(app):
    return support.organisation("Hillside Housing Trust")


def _totals() -> dict:
    return {
        "referrals": support.count(Referral),
        "transitions": support.count(ReferralTransition),
        "notifications": support.count(Notification),
        "audit": support.count(AuditEntry),
        "events": support.count(CaseEvent),
    }


def test_a_sent_referral_is_written_with_its_history_audit_timeline_and_notifications(
    case, org, keyworker
):
    first, second = support.partner(org), support.partner(org)
    gone = support.partner(org, active=False)
    elsewhere = support.partner(support.organisation())
    support.consent(case, org)

    referral = support.send(case, org, keyworker, categories=["contact_details", "housing"])

    referral = support.fresh(Referral, referral.id)
    assert referral.status == "sent"
    assert referral.version == 1
    assert referral.shared_categories == ["contact_details", "housing"]
    assert [c.id for c in referral.conditions] == [case.contract.current_conditions[0].id]
    [history] = support.transitions(referral)
    assert (history.from_status, history.to_status, history.actor_id) == (
        None,
        "sent",
        keyworker.id,
    )
    assert support.audit_actions(referral.id) == ["referral.sent"]
    assert [e.kind for e in support.events(case)][-1] == "referral.sent"
    for user in (first, second):
        [message] = support.notifications_for(user)
        assert message.kind == "referral.sent"
        assert message.link_path == f"/referrals/{referral.id}"
    assert support.notifications_for(gone) == []
    assert support.notifications_for(elsewhere) == []


def test_notifications_and_timeline_carry_no_personal_data(case, org, keyworker):
    support.partner(org)
    support.consent(case, org)
    referral = support.send(case, org, keyworker)
    messages = db.session.query(Notification).all()
    # The partner user, and the organisation's referral address.
    assert sorted(m.address or "user" for m in messages) == [org.contact_email, "user"]
    for message in messages:
        text = message.subject + message.body
        for personal in ("Jordan", "Ellis", case.crime_reference, org.name, "accommodation"):
            assert personal not in text
        assert "RF-" in message.subject
    summary = support.events(case)[-1].summary
    assert "Jordan" not in summary and referral.need not in summary


def test_the_snapshot_holds_only_the_shared_categories(case, org, keyworker):
    support.consent(case, org)
    referral = support.send(
        case, org, keyworker, categories=["contact_details", "needs_summary", "health"]
    )
    snapshot = support.fresh(Referral, referral.id).shared_snapshot
    assert set(snapshot) == {"contact_details", "needs_summary", "health"}
    assert snapshot["contact_details"]["name"] == "Jordan Ellis"
    assert set(snapshot["contact_details"]) == {"name", "address", "postcode", "phone", "email"}
    needs = {row["domain"] for row in snapshot["needs_summary"]["domains"]}
    assert "accommodation" in needs
    assert needs.isdisjoint({"mental_health_wellbeing", "drugs", "alcohol"})
    assert all("notes" not in row for row in snapshot["needs_summary"]["domains"])
    [health] = snapshot["health"]["domains"]
    assert health["domain"] == "mental_health_wellbeing" and health["level"] == 2
    assert health["notes"]


@pytest.mark.parametrize(
    "category, domains",
    [
        ("substance_use", {"drugs", "alcohol"}),
        ("housing", {"accommodation"}),
        ("finances", {"finance_debt"}),
    ],
)
def test_each_needs_category_shares_its_own_domains(case, org, keyworker, category, domains):
    support.consent(case, org)
    referral = support.send(case, org, keyworker, categories=[category])
    snapshot = support.fresh(Referral, referral.id).shared_snapshot
    assert {row["domain"] for row in snapshot[category]["domains"]} == domains


def test_offence_summary_shares_the_offence_only(case, org, keyworker):
    support.consent(case, org)
    referral = support.send(case, org, keyworker, categories=["offence_summary"])
    snapshot = support.fresh(Referral, referral.id).shared_snapshot
    assert snapshot == {
        "offence_summary": {
            "description": case.offence_description,
            "offence_class": "summary",
            "committed_on": "2026-10-01",
        }
    }


def test_without_consent_the_referral_is_refused_and_nothing_is_written(case, org, keyworker):
    support.partner(org)
    before = _totals()
    with pytest.raises(ConsentRequired) as refused:
        support.send(case, org, keyworker, categories=["contact_details", "health"])
    assert refused.value.code == "consent_required"
    assert refused.value.categories == ["contact_details", "health"]
    assert "contact details and health" in refused.value.message
    db.session.rollback()
    assert _totals() == before


def test_consent_must_cover_every_shared_category(case, org, keyworker):
    support.consent(case, org, categories=["contact_details", "housing"])
    before = _totals()
    with pytest.raises(ConsentRequired) as refused:
        support.send(case, org, keyworker, categories=["contact_details", "health"])
    assert refused.value.categories == ["health"]
    db.session.rollback()
    assert _totals() == before


@pytest.mark.parametrize(
    "consent_fields",
    [
        {"withdrawn_at": FromNow(minutes=-1, moment=True)},
        {"expires_at": FromNow(seconds=-1, moment=True)},
        {"given_at": FromNow(days=1, moment=True)},
    ],
    ids=["withdrawn", "expired", "not-yet-given"],
)
def test_consent_not_in_force_does_not_count(case, org, keyworker, consent_fields):
    support.consent(case, org, **resolved(consent_fields))
    with pytest.raises(ConsentRequired):
        support.send(case, org, keyworker, categories=["contact_details"])
    assert support.count(Referral) == 0


def test_consent_to_another_organisation_does_not_count(case, org, keyworker):
    support.consent(case, support.organisation())
    with pytest.raises(ConsentRequired):
        support.send(case, org, keyworker, categories=["contact_details"])


@pytest.mark.parametrize("status", ["eligible", "allocated", "active"])
def test_an_open_case_can_be_referred(org, keyworker, status):
    case = factories.case(keyworker, status=status)
    support.consent(case, org)
    referral = support.send(case, org, keyworker, conditions=[])
    assert support.fresh(Referral, referral.id).status == "sent"


@pytest.mark.parametrize(
    "status", ["ineligible", "completed", "breached", "opted_out", "withdrawn"]
)
def test_a_closed_case_cannot_be_referred(org, keyworker, status):
    case = factories.case(keyworker, status=CaseStatus(status))
    support.consent(case, org)
    with pytest.raises(InvalidState) as refused:
        support.send(case, org, keyworker, conditions=[])
    assert refused.value.code == "invalid_state"
    assert support.count(Referral) == 0


def test_an_expired_information_sharing_agreement_refuses_new_referrals(case, keyworker):
    yesterday = today_in_london() - timedelta(days=1)
    org = support.organisation(isa_expires_on=yesterday)
    support.consent(case, org)
    with pytest.raises(IsaExpired) as refused:
        support.send(case, org, keyworker)
    assert refused.value.code == "isa_expired"
    assert support.count(Referral) == 0


def test_an_agreement_expiring_today_still_covers_today(case, keyworker):
    org = support.organisation(isa_expires_on=today_in_london())
    support.consent(case, org)
    assert support.send(case, org, keyworker).status == "sent"


def test_an_organisation_not_accepting_refuses_and_a_waiting_list_does_not(case, keyworker):
    closed = support.organisation(capacity=Capacity.NOT_ACCEPTING.value)
    waiting = support.organisation(capacity=Capacity.WAITING_LIST.value)
    support.consent(case, closed)
    support.consent(case, waiting)
    with pytest.raises(NotAccepting) as refused:
        support.send(case, closed, keyworker)
    assert refused.value.code == "not_accepting"
    assert support.send(case, waiting, keyworker).status == "sent"


def test_an_inactive_organisation_is_refused(case, keyworker):
    org = support.organisation(active=False)
    support.consent(case, org)
    with pytest.raises(InvalidInput) as refused:
        support.send(case, org, keyworker)
    assert "organisation_id" in refused.value.errors


def test_conditions_must_be_current_conditions_of_this_case(case, org, keyworker):
    support.consent(case, org)
    current = case.contract.current_conditions[0]
    current.superseded_at = utcnow()
    db.session.commit()
    other_case = support.active_case(keyworker)
    for wrong in (current.id, other_case.contract.current_conditions[0].id, "not-an-id"):
        with pytest.raises(InvalidInput) as refused:
            support.send(case, org, keyworker, conditions=[wrong])
        assert refused.value.errors == {
            "condition_ids": "Select conditions from this case's contract"
        }
    assert support.count(Referral) == 0
    assert db.session.get(Condition, current.id) is not None


def test_missing_need_and_categories_are_field_errors(case, org, keyworker):
    support.consent(case, org)
    with pytest.raises(InvalidInput) as refused:
        services.send_referral(keyworker, case.id, org.id, [], "  ", None, "by_pigeon", None, [])
    assert set(refused.value.errors) == {"need", "introduction_method", "shared_categories"}


def test_another_keyworkers_case_is_not_found_and_a_supervisor_may_send(case, org):
    support.consent(case, org)
    with pytest.raises(NotFound):
        support.send(case, org, factories.user(Role.KEYWORKER))
    supervisor = factories.user(Role.SUPERVISOR)
    referral = support.send(case, org, supervisor)
    assert support.fresh(Referral, referral.id).sent_by_id == supervisor.id


# The acknowledgement deadline: working days in England and Wales -------------------------


@pytest.mark.parametrize(
    "today, days, due",
    [
        (date(2026, 11, 23), 2, date(2026, 11, 25)),  # Monday: Wednesday
        (date(2026, 11, 20), 2, date(2026, 11, 24)),  # Friday: over the weekend to Tuesday
        (date(2026, 11, 21), 1, date(2026, 11, 23)),  # sent on a Saturday: Monday
        (date(2026, 12, 23), 2, date(2026, 12, 29)),  # Christmas and Boxing Day (observed)
        (date(2026, 12, 24), 1, date(2026, 12, 29)),
        (date(2026, 12, 24), 2, date(2026, 12, 30)),
        (date(2026, 12, 31), 1, date(2027, 1, 4)),  # New Year's Day, then a weekend
    ],
)
def test_acknowledge_by_counts_working_days(case, keyworker, monkeypatch, today, days, due):
    monkeypatch.setattr(services, "london_today", lambda: today)
    org = support.organisation(acknowledge_within_days=days, isa_expires_on=date(2030, 1, 1))
    support.consent(case, org)
    referral = support.send(case, org, keyworker)
    assert support.fresh(Referral, referral.id).acknowledge_by == due
