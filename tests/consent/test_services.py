"""Giving and withdrawing consent: defaults, validation, replacement, history, audit."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import select

from app import events
from app.cases.models import Case, CaseStatus
from app.consent import queries, services
from app.consent.models import Consent, ConsentStatus
from app.consent.rules import can_share
from app.database import utcnow
from app.dates import LONDON, add_months, contract_end, end_of_day_utc, today_in_london
from app.errors import InvalidInput, NotFound, StaleVersion
from app.extensions import db
from tests import factories
from tests.consent.conftest import audit_actions, audit_count, timeline


def give(actor, case, org, categories=("contact_details",), **fields):
    values = {"method": "verbal", "notice_version": "2026-04", "expires_on": None}
    values.update(fields)
    return services.give_consent(
        actor,
        case.id,
        org.id,
        list(categories),
        values["method"],
        values["notice_version"],
        values["expires_on"],
    )


def consents_of(case) -> list[Consent]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(Consent).where(Consent.case_id == case.id).order_by(Consent.given_at)
        )
    )


def next_day_of(month: int, day: int) -> date:
    """The first date with this month and day after today (so always less than a year away)."""
    today = today_in_london()
    candidate = date(today.year, month, day)
    return candidate if candidate > today else date(today.year + 1, month, day)


def last_sunday(year: int, month: int) -> date:
    day = date(year, month + 1, 1) - timedelta(days=1)
    return day - timedelta(days=(day.weekday() + 1) % 7)


# Default expiry ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("contract_ends", "expected"),
    [
        (date(2030, 5, 31), date(2030, 8, 31)),  # 31 May -> 31 August
        (date(2030, 11, 30), date(2031, 2, 28)),  # no 30 February: the month's last day
        (date(2031, 11, 29), date(2032, 2, 29)),  # a leap year
        (date(2031, 11, 30), date(2032, 2, 29)),
        (date(2030, 12, 31), date(2031, 3, 31)),  # across the year end
    ],
)
def test_default_expiry_is_three_months_after_the_contract_ends(
    keyworker, case, org, contract_ends, expected
):
    factories.contract(case, start_date=contract_ends - timedelta(days=112))
    consent = give(keyworker, case, org)
    assert consent.expires_at == end_of_day_utc(expected)
    assert consent.expires_at.astimezone(LONDON).date() == expected


def test_without_a_contract_the_default_is_today_plus_112_days_plus_three_months(
    keyworker, case, org
):
    consent = give(keyworker, case, org)
    expected = add_months(contract_end(today_in_london()), 3)
    assert consent.expires_at == end_of_day_utc(expected)


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2027, 8, 9), date(2028, 2, 29)),  # ends 29 November 2027 -> leap day
        (date(2027, 8, 10), date(2028, 2, 29)),  # ends 30 November -> the last day
        (date(2027, 2, 8), date(2027, 8, 31)),  # ends 31 May -> 31 August
    ],
)
def test_without_a_contract_month_ends_and_leap_years(
    keyworker, case, org, monkeypatch, today, expected
):
    monkeypatch.setattr(services, "today_in_london", lambda now=None: today)
    assert give(keyworker, case, org).expires_at == end_of_day_utc(expected)


def test_today_means_today_in_london(keyworker, case, org, monkeypatch):
    # 23:30 UTC on 8 August 2027 is already 9 August in London (BST).
    import app.dates

    monkeypatch.setattr(app.dates, "utcnow", lambda: datetime(2027, 8, 8, 23, 30, tzinfo=UTC))
    assert give(keyworker, case, org).expires_at == end_of_day_utc(date(2028, 2, 29))


# The clock change ----------------------------------------------------------------------


def test_an_expiry_in_summer_time_ends_at_2259_utc(keyworker, case, org):
    day = next_day_of(7, 15)
    consent = give(keyworker, case, org, expires_on=day)
    assert consent.expires_at == datetime.combine(day, time(22, 59, 59, 999999), tzinfo=UTC)


def test_an_expiry_in_winter_time_ends_at_2359_utc(keyworker, case, org):
    day = next_day_of(1, 15)
    consent = give(keyworker, case, org, expires_on=day)
    assert consent.expires_at == datetime.combine(day, time(23, 59, 59, 999999), tzinfo=UTC)


def test_expiry_on_the_days_the_clocks_change(keyworker, case, org):
    today = today_in_london()
    year = today.year + 1
    spring, autumn = last_sunday(year, 3), last_sunday(year, 10)
    other = factories.organisation()
    forward = give(keyworker, case, org, expires_on=spring)
    back = give(keyworker, case, other, expires_on=autumn)
    # The clocks have gone forward by the end of the spring Sunday, and back by the end of
    # the autumn one.
    assert forward.expires_at == datetime.combine(spring, time(22, 59, 59, 999999), tzinfo=UTC)
    assert back.expires_at == datetime.combine(autumn, time(23, 59, 59, 999999), tzinfo=UTC)


# Giving ----------------------------------------------------------------------------------


def test_giving_consent_records_who_when_how_and_what(keyworker, case, org):
    before = utcnow()
    consent = give(
        keyworker, case, org, ["housing", "contact_details", "housing"], method="written"
    )
    stored = consents_of(case)[0]
    assert stored.id == consent.id
    assert stored.categories == ["contact_details", "housing"]  # in order, no repeats
    assert stored.method == "written"
    assert stored.notice_version == "2026-04"
    assert stored.recorded_by_id == keyworker.id
    assert before <= stored.given_at <= utcnow()
    assert stored.status == ConsentStatus.GIVEN
    assert stored.version == 1


def test_a_supervisor_can_record_consent_on_any_case(case, org):
    supervisor = factories.user("supervisor")
    consent = give(supervisor, case, org)
    assert consent.recorded_by_id == supervisor.id


def test_giving_consent_is_audited_and_on_the_timeline(keyworker, case, org):
    consent = give(keyworker, case, org, ["contact_details", "health"])
    assert audit_actions(consent.id) == ["consent.given"]
    events = [e for e in timeline(case) if e.kind == "consent.given"]
    assert len(events) == 1
    assert org.name in events[0].summary
    assert "contact details and health" in events[0].summary
    assert events[0].actor_id == keyworker.id


def test_a_new_consent_replaces_the_current_one_for_that_organisation(keyworker, case, org):
    other = factories.organisation()
    first = give(keyworker, case, org, ["contact_details", "health"])
    elsewhere = give(keyworker, case, other, ["housing"])
    second = give(keyworker, case, org, ["contact_details"])
    by_id = {c.id: c for c in consents_of(case)}
    assert len(by_id) == 3  # a new record: nothing is overwritten or deleted
    old = by_id[first.id]
    assert old.status == ConsentStatus.WITHDRAWN
    assert old.withdrawal_reason == services.REPLACED_REASON
    assert old.withdrawn_at == by_id[second.id].given_at
    assert old.withdrawn_by_id == keyworker.id
    assert old.categories == ["contact_details", "health"]  # history kept as it was
    assert by_id[second.id].status == ConsentStatus.GIVEN
    assert by_id[elsewhere.id].status == ConsentStatus.GIVEN  # other organisations untouched
    current = [c for c in by_id.values() if c.status == ConsentStatus.GIVEN]
    assert sorted(c.organisation_id for c in current) == sorted([org.id, other.id])
    assert audit_actions(first.id) == ["consent.given", "consent.withdrawn"]
    replaced_event = [e for e in timeline(case) if e.kind == "consent.given"][-1]
    assert "replaces the earlier consent" in replaced_event.summary


def test_a_replaced_consent_is_announced_as_withdrawn_before_the_commit(keyworker, case, org):
    first = give(keyworker, case, org, ["contact_details", "health"])
    seen = []

    def receiver(withdrawn, *, replaced_by=None):
        seen.append((withdrawn.id, withdrawn.withdrawal_reason, replaced_by.id))
        raise RuntimeError("a referral could not be put on hold")

    with events.consent_withdrawn.connected_to(receiver), pytest.raises(RuntimeError):
        give(keyworker, case, org, ["contact_details"])
    db.session.rollback()
    [(withdrawn_id, reason, replaced_by_id)] = seen
    assert (withdrawn_id, reason) == (first.id, services.REPLACED_REASON)
    [stored] = consents_of(case)  # nothing was committed: the old consent stands alone
    assert (stored.id, stored.status) == (first.id, ConsentStatus.GIVEN)
    assert replaced_by_id != first.id


@pytest.mark.parametrize(
    "status",
    [
        CaseStatus.INELIGIBLE,
        CaseStatus.COMPLETED,
        CaseStatus.BREACHED,
        CaseStatus.OPTED_OUT,
        CaseStatus.WITHDRAWN,
    ],
)
def test_no_new_consent_on_a_closed_case(keyworker, org, status):
    closed = factories.case(keyworker, status=status)
    before = audit_count()
    with pytest.raises(services.CaseClosed) as raised:
        give(keyworker, closed, org)
    assert raised.value.code == "case_closed"
    assert consents_of(closed) == []
    assert audit_count() == before


@pytest.mark.parametrize("status", [CaseStatus.ELIGIBLE, CaseStatus.ALLOCATED, CaseStatus.ACTIVE])
def test_consent_on_an_open_case(keyworker, org, status):
    open_case = factories.case(keyworker, status=status)
    assert give(keyworker, open_case, org).status == ConsentStatus.GIVEN


def test_a_case_outside_the_keyworkers_scope_is_not_found(case, org):
    stranger = factories.user("keyworker")
    with pytest.raises(NotFound):
        give(stranger, case, org)
    assert consents_of(case) == []


@pytest.mark.parametrize("role", ["admin", "partner", "victim_liaison"])
def test_other_roles_see_no_case(case, org, role):
    with pytest.raises(NotFound):
        give(factories.user(role), case, org)


def invalid(actor, case, **overrides) -> dict[str, str]:
    values = {
        "organisation_id": factories.organisation().id,
        "categories": ["contact_details"],
        "method": "verbal",
        "notice_version": "2026-04",
        "expires_on": None,
    }
    values.update(overrides)
    before = audit_count()
    with pytest.raises(InvalidInput) as raised:
        services.give_consent(actor, case.id, **values)
    assert consents_of(case) == []
    assert audit_count() == before
    return raised.value.errors


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"organisation_id": None}, "organisation_id", "Select an organisation from the list"),
        ({"organisation_id": "not-a-uuid"}, "organisation_id", "Select an organisation"),
        ({"categories": []}, "categories", "Select the information the person agrees to share"),
        ({"categories": ["everything"]}, "categories", "Select information from the list"),
        ({"method": "telepathy"}, "method", "Select how the person gave consent"),
        ({"method": None}, "method", "Select how the person gave consent"),
        ({"notice_version": "   "}, "notice_version", "Enter the version of the privacy notice"),
        ({"notice_version": "x" * 41}, "notice_version", "40 characters or fewer"),
    ],
)
def test_bad_input_is_refused_with_field_errors(keyworker, case, overrides, field, message):
    errors = invalid(keyworker, case, **overrides)
    assert message in errors[field]


def test_an_unknown_or_inactive_organisation_is_refused(keyworker, case):
    import uuid

    closed_down = factories.organisation(active=False)
    assert "organisation_id" in invalid(keyworker, case, organisation_id=closed_down.id)
    assert "organisation_id" in invalid(keyworker, case, organisation_id=uuid.uuid4())


def test_an_explicit_expiry_must_be_in_the_future(keyworker, case):
    today = today_in_london()
    for day in (today, today - timedelta(days=1)):
        errors = invalid(keyworker, case, expires_on=day)
        assert errors["expires_on"] == "Expiry date must be in the future"


def test_an_explicit_expiry_at_most_two_years_ahead(keyworker, case, org):
    today = today_in_london()
    assert "expires_on" in invalid(keyworker, case, expires_on=date(9999, 12, 31))
    assert "expires_on" in invalid(keyworker, case, expires_on=add_months(today, 24) + timedelta(1))
    consent = give(keyworker, case, org, expires_on=add_months(today, 24))
    assert consent.expires_at == end_of_day_utc(add_months(today, 24))


def test_the_default_expiry_must_not_have_passed(keyworker, case, org):
    # A contract that ended long ago (the outcome not yet recorded): ask for a date.
    factories.contract(case, start_date=today_in_london() - timedelta(days=300))
    errors = invalid(keyworker, case)
    assert "enter an expiry date" in errors["expires_on"]
    tomorrow = today_in_london() + timedelta(days=1)
    assert give(keyworker, case, org, expires_on=tomorrow).status == ConsentStatus.GIVEN


def test_every_field_error_at_once(keyworker, case):
    errors = invalid(
        keyworker, case, organisation_id=None, categories=[], method="", notice_version=""
    )
    assert set(errors) == {"organisation_id", "categories", "method", "notice_version"}


# Withdrawing -----------------------------------------------------------------------------


def test_withdrawal_takes_effect_at_once(keyworker, case, org):
    consent = give(keyworker, case, org, ["contact_details", "housing"])
    assert can_share(case.id, org.id, "housing") is True
    services.withdraw_consent(keyworker, consent.id, "The person changed their mind")
    assert can_share(case.id, org.id, "housing") is False
    assert can_share(case.id, org.id, "contact_details") is False


def test_withdrawal_is_recorded_not_deleted(keyworker, case, org):
    consent = give(keyworker, case, org)
    before = utcnow()
    services.withdraw_consent(keyworker, consent.id, "  The person changed their mind  ")
    [stored] = consents_of(case)
    assert stored.status == ConsentStatus.WITHDRAWN
    assert before <= stored.withdrawn_at <= utcnow()
    assert stored.withdrawn_by_id == keyworker.id
    assert stored.withdrawal_reason == "The person changed their mind"
    assert stored.categories == ["contact_details"]
    assert stored.version == 2


def test_withdrawal_is_audited_and_tells_the_keyworker(keyworker, case, org):
    supervisor = factories.user("supervisor", name="Sam Supervisor")
    consent = give(keyworker, case, org)
    services.withdraw_consent(supervisor, consent.id, "Asked by phone")
    assert audit_actions(consent.id) == ["consent.given", "consent.withdrawn"]
    [event] = [e for e in timeline(case) if e.kind == "consent.withdrawn"]
    assert org.name in event.summary
    assert "Sam Supervisor" in event.summary
    assert "with effect at once" in event.summary
    assert "Asked by phone" not in event.summary  # the reason stays on the consent record


def test_the_withdrawal_event_is_sent_in_the_same_transaction(keyworker, case, org):
    consent = give(keyworker, case, org)
    seen = []

    def receiver(withdrawn, *, replaced_by=None):
        seen.append((withdrawn.id, withdrawn.withdrawn_at is not None, replaced_by))
        raise RuntimeError("a referral could not be put on hold")

    with events.consent_withdrawn.connected_to(receiver), pytest.raises(RuntimeError):
        services.withdraw_consent(keyworker, consent.id, "Stop")
    db.session.rollback()
    assert seen == [(consent.id, True, None)]
    [stored] = consents_of(case)
    assert stored.withdrawn_at is None  # the hook failed, so nothing was withdrawn
    assert can_share(case.id, org.id, "contact_details") is True


def test_a_reason_is_required(keyworker, case, org):
    consent = give(keyworker, case, org)
    for reason in ("", "   ", None):
        with pytest.raises(InvalidInput) as raised:
            services.withdraw_consent(keyworker, consent.id, reason)
        assert raised.value.errors == {"reason": "Enter the reason for withdrawing consent"}
    assert consents_of(case)[0].status == ConsentStatus.GIVEN


def test_withdrawing_twice_is_a_conflict(keyworker, case, org):
    consent = give(keyworker, case, org)
    services.withdraw_consent(keyworker, consent.id, "First")
    before = audit_count()
    with pytest.raises(services.AlreadyWithdrawn) as raised:
        services.withdraw_consent(keyworker, consent.id, "Second")
    assert raised.value.code == "already_withdrawn"
    assert consents_of(case)[0].withdrawal_reason == "First"
    assert audit_count() == before


def test_an_expired_consent_cannot_be_withdrawn(keyworker, case, org):
    now = utcnow()
    expired = factories.consent(case, org, given_at=now - timedelta(days=2), expires_at=now)
    with pytest.raises(services.ConsentExpired) as raised:
        services.withdraw_consent(keyworker, expired.id, "Too late")
    assert raised.value.code == "consent_expired"
    assert consents_of(case)[0].withdrawn_at is None


def test_a_stale_version_is_refused_and_nothing_is_written(keyworker, case, org):
    consent = give(keyworker, case, org)
    before = audit_count()
    events = len(timeline(case))
    with pytest.raises(StaleVersion) as raised:
        services.withdraw_consent(keyworker, consent.id, "Stop", version=consent.version + 1)
    assert raised.value.code == "stale_version"
    [stored] = consents_of(case)
    assert stored.status == ConsentStatus.GIVEN
    assert stored.version == 1
    assert audit_count() == before
    assert len(timeline(case)) == events
    assert can_share(case.id, org.id, "contact_details") is True


def test_the_version_read_before_a_replacement_is_stale(keyworker, case, org):
    first = give(keyworker, case, org)
    read_version = first.version
    give(keyworker, case, org, ["housing"])  # replaces (withdraws) the first
    with pytest.raises(StaleVersion):
        services.withdraw_consent(keyworker, first.id, "Stop", version=read_version)


def test_the_current_version_is_accepted(keyworker, case, org):
    consent = give(keyworker, case, org)
    withdrawn = services.withdraw_consent(keyworker, consent.id, "Stop", version=1)
    assert withdrawn.status == ConsentStatus.WITHDRAWN


def test_a_consent_on_another_keyworkers_case_is_not_found(keyworker, case, org):
    consent = give(keyworker, case, org)
    with pytest.raises(NotFound):
        services.withdraw_consent(factories.user("keyworker"), consent.id, "Stop")
    assert consents_of(case)[0].status == ConsentStatus.GIVEN


def test_an_unknown_consent_is_not_found(keyworker):
    import uuid

    with pytest.raises(NotFound):
        services.withdraw_consent(keyworker, uuid.uuid4(), "Stop")


def test_withdrawing_is_possible_after_the_case_has_closed(keyworker, case, org):
    consent = give(keyworker, case, org)
    case.status = CaseStatus.COMPLETED.value
    db.session.commit()
    assert services.withdraw_consent(keyworker, consent.id, "Stop").status == "withdrawn"


# Consent is not eligibility --------------------------------------------------------------


def test_refusing_or_withdrawing_consent_leaves_eligibility_alone(keyworker, org):
    allocated = factories.case(keyworker, status=CaseStatus.ALLOCATED)
    version = allocated.version
    # The person refuses health and finances (only contact details are agreed), then
    # withdraws even that.
    consent = give(keyworker, allocated, org, ["contact_details"])
    services.withdraw_consent(keyworker, consent.id, "The person does not want to share")
    db.session.expire_all()
    stored = db.session.get(Case, allocated.id)
    assert stored.status == CaseStatus.ALLOCATED.value
    assert stored.eligibility_failed == []
    assert stored.eligible is True
    assert stored.version == version  # the case record itself was not changed


def test_a_case_with_no_consent_at_all_stays_eligible(keyworker, org):
    eligible = factories.case(keyworker, status=CaseStatus.ELIGIBLE)
    with pytest.raises(InvalidInput):
        give(keyworker, eligible, org, [])  # nothing agreed: nothing recorded
    db.session.expire_all()
    assert db.session.get(Case, eligible.id).status == CaseStatus.ELIGIBLE.value


# Reading -----------------------------------------------------------------------------------


def test_history_is_kept_and_listed(keyworker, case, org):
    first = give(keyworker, case, org)
    services.withdraw_consent(keyworker, first.id, "Stop")
    second = give(keyworker, case, org, ["housing"])
    listed = queries.list_consents(keyworker, case.id)
    assert [c.id for c in listed.items] == [second.id, first.id]
    assert listed.total == 2
    overview = queries.consent_overview(keyworker, case.id)
    assert [c.id for c in overview.current] == [second.id]
    assert [c.id for c in overview.history] == [first.id]


def test_reads_are_audited_with_their_purpose(keyworker, case, org):
    from app.audit.models import AuditEntry

    queries.list_consents(keyworker, case.id)
    queries.consent_overview(keyworker, case.id)
    queries.consent_summary(keyworker, case.id)
    db.session.expire_all()
    purposes = [
        entry.details["purpose"]
        for entry in db.session.scalars(
            select(AuditEntry)
            .where(AuditEntry.object_id == str(case.id), AuditEntry.action == "case.viewed")
            .order_by(AuditEntry.id)
        )
    ]
    assert purposes == ["consent_list", "consent_page", "consent_summary"]


def test_the_summary_holds_only_consents_in_force(keyworker, case, org):
    other = factories.organisation(name="Aardvark Advice")
    withdrawn = give(keyworker, case, org)
    services.withdraw_consent(keyworker, withdrawn.id, "Stop")
    kept = give(keyworker, case, other, ["health", "contact_details"])
    summary = queries.consent_summary(keyworker, case.id)
    assert [c.id for c in summary.consents] == [kept.id]
    assert summary.categories_for_person[str(kept.id)] == [
        "your address, phone number and email address",
        "information about your physical and mental health",
    ]
    assert summary.keyworker.id == keyworker.id
