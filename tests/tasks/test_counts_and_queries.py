"""The counts in the navigation are the queue's counts, on every page; the queue, its
API and the navigation run a fixed number of SQL statements however many tasks there
are; and a queue that names people is audited as a read."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from app.audit.models import AuditEntry
from app.auth.roles import Role
from app.database import utcnow
from app.dates import today_in_london
from app.evidence import services as evidence
from app.evidence.attendance import AttendanceAnswer, record_attendance
from app.extensions import db
from app.notifications.models import DeliveryStatus, Notification
from app.outcomes import services as outcomes
from app.outcomes.models import ReoffendingCheck
from app.referrals.services import post_update
from tests import factories
from tests.evidence.support import past
from tests.referrals import support as referrals
from tests.tasks.support import (
    CONFIRMED_REASON,
    api_queue,
    browser_for,
    headers_for,
    page_counts,
    text,
)
from tests.tasks.test_caseload_agrees import ready_case, referred
from tests.victims.support import event, victim

NAV_LINK = re.compile(r'<a class="govuk-service-navigation__link"[^>]*>(.*?)</a>', re.S)
BADGE = re.compile(r'data-testid="nav-count">(\d+)<')
TAGS = re.compile(r"<[^>]+>")


def nav(response) -> dict[str, int]:
    """Each navigation item's name -> the count shown on it (0 when none is shown)."""
    found = {}
    for link in NAV_LINK.findall(text(response)):
        badge = BADGE.search(link)
        name = TAGS.sub(" ", BADGE.sub("", link) if badge else link)
        name = " ".join(name.replace("to do", "").split())
        found[name] = int(badge.group(1)) if badge else 0
    return found


class Everyone:
    """A keyworker, a supervisor, a partner, a victim liaison officer and an
    administrator, and ``fill(n)`` to give each of them ``n`` tasks of every kind."""

    def __init__(self):
        self.keyworker = factories.user(Role.KEYWORKER)
        self.supervisor = factories.user(Role.SUPERVISOR)
        self.org = referrals.organisation()
        self.partner = referrals.partner(self.org)
        self.liaison = factories.user(Role.VICTIM_LIAISON)
        self.admin = factories.user(Role.ADMIN)

    def fill(self, n: int) -> None:
        for _ in range(n):
            case = ready_case(self.keyworker, started_days_ago=102)  # ending in 10 days
            victim(case)
            event(case, "contract.agreed", utcnow() - timedelta(days=9))
            factories.consent(case, expires_at=utcnow() + timedelta(days=20))
            referral = referred(case, self.org)
            missed = evidence.book_appointment(
                self.partner, referral.id, starts_at=past(), mode="phone"
            )
            record_attendance(self.partner, missed.id, AttendanceAnswer(status="did_not_attend"))
            evidence.book_appointment(self.partner, referral.id, starts_at=past(2), mode="video")
            evidence.book_appointment(
                self.partner, referral.id, starts_at=utcnow() + timedelta(days=2), mode="video"
            )
            post_update(self.partner, referral.id, "An update")
            evidence.record_one_to_one(self.keyworker, case.id, starts_at=past(3), mode="phone")
            ended = ready_case(self.keyworker, started_days_ago=120)
            outcomes.submit_outcome(
                self.keyworker, ended.id, "completed", CONFIRMED_REASON, confirmed=True
            )
            factories.case(keyworker=False)
            db.session.add(
                ReoffendingCheck(case_id=ended.id, due_on=today_in_london() - timedelta(days=1))
            )
            db.session.add(
                Notification(
                    recipient_id=self.keyworker.id,
                    kind="referral.updated",
                    subject="A referral was updated",
                    body="Sign in to see it",
                    status=DeliveryStatus.FAILED.value,
                )
            )
            factories.user(Role.PARTNER, organisation_id=self.org.id, locked_at=utcnow())
        db.session.commit()

    def users(self):
        return {
            "keyworker": self.keyworker,
            "supervisor": self.supervisor,
            "partner": self.partner,
            "victim_liaison": self.liaison,
            "admin": self.admin,
        }


@pytest.fixture
def everyone(app):
    return Everyone()


ROLES = ["keyworker", "supervisor", "partner", "victim_liaison", "admin"]
# A page of each role's other than "Your tasks", to see the navigation's counts on it.
OTHER_PAGE = {
    "keyworker": "/cases/",
    "supervisor": "/cases/team",
    "partner": "/referrals/inbox",
    "victim_liaison": "/victims/",
    "admin": "/users/",
}


@pytest.mark.parametrize("role", ROLES)
def test_the_navigation_shows_the_queues_counts_on_every_page(app, client, everyone, role):
    everyone.fill(2)
    user = everyone.users()[role]
    browser = browser_for(app, user)
    tasks = browser.get("/tasks/")
    counts = api_queue(client, user)["counts"]
    assert page_counts(tasks) == counts
    total = int(re.search(r'data-testid="tasks-total">\s*(\d+)', text(tasks)).group(1))
    assert total > 0
    for response in (tasks, browser.get(OTHER_PAGE[role])):
        shown = nav(response)
        assert shown["Your tasks"] == total
        if role == "supervisor":
            assert shown["Outcomes to decide"] == counts["outcome_to_decide"] == 2
        if role == "partner":
            assert shown["Referrals"] == counts["new_referral"] + counts["acknowledgement_overdue"]
            assert shown["Attendance"] == counts["attendance_to_record"] == 2
        if role == "victim_liaison":
            assert shown["Victim updates"] == counts["victim_update_due"] == 2
        if role == "admin":
            assert shown["Reoffending checks"] == counts["reoffending_check_due"] == 2


def test_the_keyworkers_counts(client, everyone):
    everyone.fill(2)
    counts = api_queue(client, everyone.keyworker)["counts"]
    assert counts == {
        "concern_to_decide": 2,
        "outcome_sent_back": 0,
        "partner_update_unread": 2,
        "acknowledgement_overdue": 0,
        "attendance_to_record": 2,
        # Two ending in 10 days; two ended, their outcome proposed but no exit reassessment.
        "contract_ending": 4,
        "consent_expiring": 2,
        "victim_consultation_missing": 2,
        "appointment_today": 0,
        "appointment_this_week": 2,
    }


def _queries(count_queries, browser, path, **kwargs) -> int:
    with count_queries() as counter:
        response = browser.get(path, **kwargs)
        assert response.status_code == 200
    return counter.count


@pytest.mark.parametrize("role", ROLES)
def test_the_query_count_stays_flat_as_tasks_grow(app, everyone, count_queries, role):
    user = everyone.users()[role]
    browser = browser_for(app, user)
    api = app.test_client()
    headers = headers_for(user)
    paths = ["/tasks/", OTHER_PAGE[role]]
    everyone.fill(1)
    for path in paths:
        browser.get(path)  # warm up
    api.get("/api/v1/tasks", headers=headers)
    few = {path: _queries(count_queries, browser, path) for path in paths}
    few["api"] = _queries(count_queries, api, "/api/v1/tasks", headers=headers)
    everyone.fill(4)
    many = {path: _queries(count_queries, browser, path) for path in paths}
    many["api"] = _queries(count_queries, api, "/api/v1/tasks", headers=headers)
    assert many == few


def test_a_keyworkers_queue_names_people_and_is_audited(app, client, everyone):
    everyone.fill(1)
    browser_for(app, everyone.keyworker).get("/tasks/")
    entries = db.session.scalars(
        db.select(AuditEntry).where(AuditEntry.action == "task.listed")
    ).all()
    assert len(entries) == 1
    assert entries[0].actor_id == everyone.keyworker.id
    assert entries[0].details["counts"]["concern_to_decide"] == 1
