"""When victims are due an update: 5 working days after each key decision (1 with
enhanced rights), counted from the decision's date in the UK across weekends and bank
holidays; overdue after that; never for a victim who wants no updates."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from app.auth.roles import Role
from app.cases.models import CaseStatus
from app.dates import LONDON
from app.extensions import db
from app.victims import due as due_rules
from app.victims import listing
from app.victims.models import Victim, VictimUpdate
from app.victims.redacted import build_view
from tests import factories
from tests.victims import support


def at(year, month, day, hour=12, minute=0) -> datetime:
    """A UK local time, as UTC."""
    return datetime(year, month, day, hour, minute, tzinfo=LONDON).astimezone(UTC)


@pytest.mark.parametrize(
    ("decided", "enhanced", "expected"),
    [
        # A Monday: 5 working days later is the next Monday; 1 is the Tuesday.
        (at(2026, 11, 2), False, date(2026, 11, 9)),
        (at(2026, 11, 2), True, date(2026, 11, 3)),
        # A Friday: the weekend does not count.
        (at(2026, 11, 6), False, date(2026, 11, 13)),
        (at(2026, 11, 6), True, date(2026, 11, 9)),
        # A Saturday decision: counting starts on the Monday.
        (at(2026, 11, 7), True, date(2026, 11, 9)),
        # Christmas 2026: Friday 25th and the substitute Boxing Day, Monday 28th, and
        # New Year's Day (Friday) are bank holidays.
        (at(2026, 12, 24), True, date(2026, 12, 29)),
        (at(2026, 12, 24), False, date(2027, 1, 5)),
        # Easter 2027: Good Friday 26 March and Easter Monday 29 March.
        (at(2027, 3, 25), True, date(2027, 3, 30)),
        (at(2027, 3, 25), False, date(2027, 4, 5)),
        # Early May bank holiday 2027 (Monday 3 May).
        (at(2027, 4, 30), True, date(2027, 5, 4)),
    ],
)
def test_due_dates_count_working_days_in_england_and_wales(decided, enhanced, expected):
    assert due_rules.due_on(decided, enhanced) == expected


def test_the_decision_date_is_the_uk_date_not_the_utc_date():
    # 23:30 UTC on Thursday 9 July 2026 is 00:30 on Friday 10 July in the UK (BST).
    decided = datetime(2026, 7, 9, 23, 30, tzinfo=UTC)
    assert due_rules.due_on(decided, True) == date(2026, 7, 13)  # the Monday
    # In winter UTC and UK time agree: 23:30 UTC on Thursday 5 November is Thursday.
    assert due_rules.due_on(datetime(2026, 11, 5, 23, 30, tzinfo=UTC), True) == date(2026, 11, 6)


def test_overdue_only_after_the_due_date():
    decided = at(2026, 11, 6)  # Friday; enhanced rights: due Monday 9th
    on_time = due_rules.due_update(
        decided, wants_updates=True, enhanced_rights=True, today=date(2026, 11, 9)
    )
    late = due_rules.due_update(
        decided, wants_updates=True, enhanced_rights=True, today=date(2026, 11, 10)
    )
    assert on_time.due_on == date(2026, 11, 9) and not on_time.overdue and on_time.due_today
    assert late.overdue and not late.due_today


def test_a_victim_who_wants_no_updates_is_never_due_one():
    assert (
        due_rules.due_update(
            at(2026, 1, 5), wants_updates=False, enhanced_rights=True, today=date(2026, 11, 9)
        )
        is None
    )
    assert due_rules.due_update(None, wants_updates=True, enhanced_rights=False) is None


@pytest.mark.parametrize(
    ("kind", "counts"),
    [
        ("contract.agreed", True),
        ("case.outcome_decided", True),
        ("case.outcome_approved", True),
        ("case.completed", True),
        ("case.breached", True),
        ("case.opted_out", True),
        ("outcome.approved", True),
        ("case.outcome_proposed", False),
        ("case.outcome_sent_back", False),
        ("outcome.proposed", False),
        ("condition.varied", False),
        ("victim.updated", False),
        ("consent.given", False),
    ],
)
def test_which_timeline_events_are_key_decisions(app, kind, counts):
    assert due_rules.is_key_decision(kind) is counts
    case = factories.case(victims=1)
    support.event(case, kind, datetime(2026, 11, 2, 10, tzinfo=UTC))
    view = build_view(case.id, today=date(2026, 11, 3))
    assert (view.next_update_due is not None) is counts


# The rules applied to a case ---------------------------------------------------------


def _update(case, *, victim=None, given_at, by=None):
    db.session.add(
        VictimUpdate(
            case_id=case.id,
            victim_id=victim.id if victim else None,
            method="phone",
            summary="Told them",
            given_at=given_at,
            given_by_id=(by or case.keyworker).id,
        )
    )
    db.session.commit()


def test_an_update_after_the_decision_answers_it(app):
    case = factories.case()
    victim = support.victim(case)
    support.event(case, "contract.agreed", at(2026, 11, 6, 10))
    today = date(2026, 11, 10)

    view = build_view(case.id, today=today)
    assert view.next_update_due == date(2026, 11, 13)
    assert not view.update_overdue

    # An update before the decision does not answer it.
    _update(case, victim=victim, given_at=at(2026, 11, 6, 9))
    assert build_view(case.id, today=today).next_update_due == date(2026, 11, 13)

    _update(case, victim=victim, given_at=at(2026, 11, 6, 15))
    assert build_view(case.id, today=today).next_update_due is None

    # The next key decision (the outcome) makes a new update due.
    case.status = CaseStatus.COMPLETED.value
    case.outcome_code = "24"
    case.outcome_decided_at = at(2027, 2, 26, 16)  # a Friday
    db.session.commit()
    view = build_view(case.id, today=date(2027, 3, 8))
    assert view.next_update_due == date(2027, 3, 5)
    assert view.update_overdue


def test_enhanced_rights_give_one_working_day(app):
    case = factories.case()
    support.victim(case, enhanced_rights=True)
    support.event(case, "contract.agreed", at(2026, 11, 6, 10))  # Friday

    view = build_view(case.id, today=date(2026, 11, 9))
    assert view.next_update_due == date(2026, 11, 9)
    assert not view.update_overdue
    assert build_view(case.id, today=date(2026, 11, 10)).update_overdue


def test_an_update_to_all_victims_answers_for_each_and_one_to_a_victim_only_for_them(app):
    case = factories.case()
    first = support.victim(case, name="First Victim")
    second = support.victim(case, name="Second Victim", enhanced_rights=True)
    support.event(case, "contract.agreed", at(2026, 11, 2, 10))
    today = date(2026, 11, 12)

    _update(case, victim=first, given_at=at(2026, 11, 3))
    dues = {v.id: v for v in build_view(case.id, today=today).victims}
    assert dues[first.id].due is None
    assert dues[second.id].next_update_due == date(2026, 11, 3)
    assert dues[second.id].overdue

    _update(case, victim=None, given_at=at(2026, 11, 4))
    view = build_view(case.id, today=today)
    assert all(v.due is None for v in view.victims)
    assert view.next_update_due is None


def test_a_victim_who_wants_no_updates_is_not_chased(app):
    liaison_officer = factories.user(Role.VICTIM_LIAISON)
    quiet = factories.case()
    support.victim(quiet, wants_updates=False, enhanced_rights=True)
    support.event(quiet, "contract.agreed", at(2026, 10, 1))
    chased = factories.case()
    support.victim(chased)
    support.event(chased, "contract.agreed", at(2026, 10, 1))
    today = date(2026, 11, 10)

    assert build_view(quiet.id, today=today).next_update_due is None
    due_page = listing.home_page(liaison_officer, filter="due", today=today)
    assert [row.case_id for row in due_page.rows] == [chased.id]
    overdue_page = listing.home_page(liaison_officer, filter="overdue", today=today)
    assert [row.case_id for row in overdue_page.rows] == [chased.id]
    everything = listing.home_page(liaison_officer, today=today)
    assert {row.case_id for row in everything.rows} == {quiet.id, chased.id}
    assert everything.counts == {"all": 2, "due": 1, "overdue": 1}
    quiet_row = next(row for row in everything.rows if row.case_id == quiet.id)
    assert quiet_row.due is None and quiet_row.wanting_updates == 0


def test_the_home_page_lists_due_and_overdue_updates_most_urgent_first(app):
    officer = factories.user(Role.VICTIM_LIAISON)
    today = date(2026, 11, 10)  # a Tuesday
    cases = {}
    for name, decided, enhanced in (
        ("overdue_enhanced", at(2026, 11, 6), True),  # due Mon 9: overdue
        ("due_standard", at(2026, 11, 9), False),  # due Mon 16
        ("overdue_standard", at(2026, 10, 30), False),  # due Fri 6: overdue
        ("due_today_enhanced", at(2026, 11, 9), True),  # due Tue 10: due today
        ("answered", at(2026, 11, 2), False),
    ):
        case = factories.case()
        support.victim(case, enhanced_rights=enhanced)
        support.event(case, "contract.agreed", decided)
        cases[name] = case
    _update(cases["answered"], given_at=at(2026, 11, 3))
    no_decision = factories.case()
    support.victim(no_decision)

    due_page = listing.home_page(officer, filter="due", today=today)
    assert [row.case_id for row in due_page.rows] == [
        cases[name].id
        for name in ("overdue_standard", "overdue_enhanced", "due_today_enhanced", "due_standard")
    ]
    rows = {row.case_id: row for row in due_page.rows}
    assert rows[cases["overdue_enhanced"].id].due.overdue
    assert rows[cases["overdue_standard"].id].due.due_on == date(2026, 11, 6)
    assert rows[cases["due_today_enhanced"].id].due.due_today
    assert rows[cases["due_standard"].id].due.due_on == date(2026, 11, 16)

    overdue_page = listing.home_page(officer, filter="overdue", today=today)
    assert {row.case_id for row in overdue_page.rows} == {
        cases["overdue_standard"].id,
        cases["overdue_enhanced"].id,
    }
    assert due_page.counts == {"all": 6, "due": 4, "overdue": 2}


def _stored_and_computed(victim):
    return db.session.execute(
        select(Victim.owed_since, due_rules.pending_since(Victim)).where(Victim.id == victim.id)
    ).one()


def test_the_stored_owed_date_follows_every_change_the_rule_reads(app):
    """``Victim.owed_since`` (what the lists read) is the rule's ``pending_since`` after
    a decision, an update, an outcome decided and a victim added."""
    case = factories.case()
    victim = support.victim(case)
    assert _stored_and_computed(victim) == (None, None)
    support.event(case, "contract.agreed", at(2026, 11, 6, 10))
    assert _stored_and_computed(victim) == (at(2026, 11, 6, 10),) * 2
    support.event(case, "case.outcome_proposed", at(2026, 11, 7, 10))  # not a decision
    assert _stored_and_computed(victim) == (at(2026, 11, 6, 10),) * 2
    _update(case, victim=victim, given_at=at(2026, 11, 6, 15))
    assert _stored_and_computed(victim) == (None, None)
    case.outcome_decided_at = at(2027, 2, 26, 16)
    db.session.commit()
    assert _stored_and_computed(victim) == (at(2027, 2, 26, 16),) * 2
    later = support.victim(case, name="Later Victim")
    assert _stored_and_computed(later) == (at(2026, 11, 6, 10),) * 2
    _update(case, victim=None, given_at=at(2027, 3, 1, 9))
    assert _stored_and_computed(victim) == (None, None)
    assert _stored_and_computed(later) == (None, None)


def _stored_due(victim):
    db.session.expire_all()
    return db.session.scalar(select(Victim.update_due_on).where(Victim.id == victim.id))


def test_the_stored_due_date_follows_the_owed_decision_and_the_victims_rights(app):
    """``Victim.update_due_on`` (what the lists order and page by) is ``due_on`` of the
    stored owed decision: 5 working days, or 1 with enhanced rights; none once told."""
    case = factories.case()
    victim = support.victim(case)
    assert _stored_due(victim) is None
    support.event(case, "contract.agreed", at(2026, 11, 6, 10))  # a Friday
    assert _stored_due(victim) == date(2026, 11, 13)
    victim.enhanced_rights = True
    db.session.commit()
    assert _stored_due(victim) == date(2026, 11, 9)
    _update(case, victim=victim, given_at=at(2026, 11, 6, 15))
    assert _stored_due(victim) is None
