"""The administrator's audit log page: the person who acted (name and role), the object in
words with a link, and filters by action, person and dates that need no pasted id."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.audit import services as audit
from app.auth.roles import Role
from app.database import utcnow
from app.dates import today_in_london
from app.extensions import db
from tests import factories
from tests.dom import parse
from tests.helpers import sign_in
from tests.reports.world import referral as _referral


def referral_of(case, organisation):
    return _referral(case, organisation, sent_on=today_in_london())


@pytest.fixture
def world(app):
    admin = factories.user(Role.ADMIN, name="Ada Admin")
    keyworker = factories.user(Role.KEYWORKER, name="Kim Keyworker", email="kim@force.example")
    case = factories.case(keyworker, crime_reference="CR/00042/26")
    audit.record("case.viewed", "case", case.id, actor=keyworker)
    audit.record("case.allocated", "case", case.id, actor=keyworker)
    audit.record("user.viewed", "user", keyworker.id, actor=admin)
    db.session.commit()
    return admin, keyworker, case


def rows(doc) -> list[dict]:
    table = doc.by_test_id("audit-entries")
    return [
        {
            "action": row.find("td", data_testid="action").find("code").text,
            "read": row.find("td", data_testid="action").find(cls="govuk-tag") is not None,
            "object": row.find("td", data_testid="object"),
            "actor": row.find("td", data_testid="actor"),
        }
        for row in table.find("tbody").find_all("tr")
    ]


def signed_in(client, admin):
    sign_in(client, admin)
    return client


def test_entries_name_the_person_and_their_role(client, world):
    admin, keyworker, case = world
    doc = parse(signed_in(client, admin).get("/audit/?action=case.viewed"))
    [row] = rows(doc)
    assert row["actor"].lines == ["Kim Keyworker", "Keyworker"]
    # The person's entries, of the kind shown (here every kind, as an action was named).
    assert row["actor"].find("a").attrs["href"] == f"/audit/?actor_id={keyworker.id}&kind=all"


def test_objects_are_named_and_linked(client, world):
    admin, keyworker, case = world
    doc = parse(signed_in(client, admin).get("/audit/?action=case.viewed"))
    [row] = rows(doc)
    link = row["object"].find("a")
    assert link.text == "Case CR/00042/26: its history"
    assert link.attrs["href"] == f"/audit/?object_id={case.id}&kind=all"

    doc = parse(client.get("/audit/?action=user.viewed"))
    [row] = rows(doc)
    page, history = row["object"].find_all("a")
    assert (page.text, page.attrs["href"]) == ("User Kim Keyworker", f"/users/{keyworker.id}")
    assert history.attrs["href"] == f"/audit/?object_id={keyworker.id}&kind=all"


def test_filter_by_action_exactly_or_by_its_prefix(client, world):
    admin, _, _ = world
    signed_in(client, admin)
    exact = rows(parse(client.get("/audit/?action=case.viewed")))
    assert [r["action"] for r in exact] == ["case.viewed"]
    prefix = rows(parse(client.get("/audit/?action=case.")))
    assert [r["action"] for r in prefix] == ["case.allocated", "case.viewed"]


def test_filter_by_part_of_a_name_or_an_email(client, world):
    admin, _, _ = world
    signed_in(client, admin)
    by_name = rows(parse(client.get("/audit/?actor=kim")))
    assert {r["actor"].lines[0] for r in by_name} == {"Kim Keyworker"}
    by_email = rows(parse(client.get("/audit/?actor=force.example")))
    assert {r["actor"].lines[0] for r in by_email} == {"Kim Keyworker"}


def _dated(day) -> list[str]:
    return [str(day.day), str(day.month), str(day.year)]


def test_filter_by_dates(client, world, monkeypatch):
    admin, keyworker, case = world
    monkeypatch.setattr(audit, "utcnow", lambda: utcnow() - timedelta(days=10))
    audit.record("case.viewed", "case", case.id, actor=keyworker)
    db.session.commit()
    monkeypatch.undo()
    signed_in(client, admin)
    today = today_in_london()

    def actions(**dates):
        query = "&".join(f"{name}={part}" for name, day in dates.items() for part in _dated(day))
        return [r["action"] for r in rows(parse(client.get(f"/audit/?action=case.viewed&{query}")))]

    assert actions(from_date=today - timedelta(days=11), to_date=today - timedelta(days=9)) == [
        "case.viewed"
    ]
    assert actions(from_date=today) == ["case.viewed"]
    assert actions(to_date=today - timedelta(days=1)) == ["case.viewed"]
    assert len(actions(from_date=today - timedelta(days=11))) == 2


def test_a_range_that_ends_before_it_starts_is_an_error(client, world):
    admin, _, _ = world
    today = today_in_london()
    signed_in(client, admin)
    query = "&".join(
        [f"from_date={p}" for p in _dated(today)]
        + [f"to_date={p}" for p in _dated(today - timedelta(days=1))]
    )
    doc = parse(client.get(f"/audit/?{query}"))
    assert doc.error_summary() == ["To must be the same as or after From"]
    assert doc.field_error("to_date") == "To must be the same as or after From"


def test_the_page_query_count_does_not_grow_with_entries(client, world, count_queries):
    admin, keyworker, case = world
    signed_in(client, admin)

    organisation = factories.organisation()
    referral = referral_of(case, organisation)
    audit.record("referral.sent", "referral", referral.id, actor=keyworker)
    audit.record("organisation.updated", "organisation", organisation.id, actor=admin)
    db.session.commit()

    def queries(path: str) -> int:
        with count_queries() as counter:
            response = client.get(path)
        assert response.status_code == 200
        return counter.count

    paths = ("/audit/", "/audit/?kind=all", "/audit/?kind=reads")
    before = [queries(path) for path in paths]
    for _ in range(5):
        other = factories.case(keyworker)
        audit.record("case.viewed", "case", other.id, actor=keyworker)
        audit.record("case.allocated", "case", other.id, actor=keyworker)
        audit.record("user.viewed", "user", factories.user(Role.KEYWORKER).id, actor=admin)
        another = factories.organisation()
        audit.record("organisation.updated", "organisation", another.id, actor=admin)
        audit.record("referral.sent", "referral", referral_of(other, another).id, actor=keyworker)
    db.session.commit()
    assert len(rows(parse(client.get("/audit/?kind=all")))) > 20
    assert [queries(path) for path in paths] == before


def test_an_entry_about_a_list_names_it_without_a_link(client, world):
    admin, keyworker, _ = world
    audit.record("case.listed", "case", "*", actor=keyworker)
    db.session.commit()
    [row] = rows(parse(signed_in(client, admin).get("/audit/?action=case.listed")))
    assert row["object"].text == "Case: a list of them"
    assert row["object"].find("a") is None
