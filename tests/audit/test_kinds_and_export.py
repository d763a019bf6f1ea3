"""The audit log keeps changes in view (reads are shown when asked for), links an object
only where the viewer may open it, and downloads the filtered list as CSV: the download
audited, every cell safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest

from app.audit import browse, queries
from app.audit import services as audit
from app.audit.models import AuditEntry
from app.auth.roles import Role
from app.auth.tokens import issue_token
from app.dates import today_in_london
from app.extensions import db
from tests import factories
from tests.dom import parse
from tests.helpers import api_headers, sign_in
from tests.reports.world import referral


@pytest.fixture
def world(app):
    admin = factories.user(Role.ADMIN, name="Ada Admin")
    keyworker = factories.user(Role.KEYWORKER, name="Kim Keyworker", email="kim@force.example")
    case = factories.case(keyworker, crime_reference="CR/00042/26")
    audit.record("case.created", "case", case.id, actor=keyworker)
    audit.record("case.viewed", "case", case.id, actor=keyworker)
    audit.record("case.listed", "case", "*", actor=keyworker)
    audit.record(
        "consent.withdrawn",
        "consent",
        "c-1",
        actor=keyworker,
        reason='=HYPERLINK("http://evil.example","click")',
    )
    db.session.commit()
    return admin, keyworker, case


def actions(response) -> list[str]:
    doc = parse(response)
    table = doc.find(data_testid="audit-entries")
    if table is None:
        return []
    return [td.find("code").text for td in table.find_all("td", data_testid="action")]


def checked_kind(response) -> str:
    doc = parse(response)
    [radio] = doc.find_all(
        "input", where=lambda el: el.attrs.get("name") == "kind" and "checked" in el.attrs
    )
    return radio.attrs["value"]


def test_changes_are_shown_unless_reads_are_asked_for(client, world):
    admin, _, _ = world
    sign_in(client, admin)
    changes = client.get("/audit/")
    assert checked_kind(changes) == "changes"
    shown = actions(changes)
    assert "consent.withdrawn" in shown and "case.created" in shown
    assert not [a for a in shown if a.endswith(("viewed", "listed"))]
    caption = parse(changes).by_test_id("audit-entries").find("caption").text
    assert caption.startswith("Changes only:")

    reads = client.get("/audit/?kind=reads")
    assert checked_kind(reads) == "reads"
    assert {"case.viewed", "case.listed"} <= set(actions(reads))
    assert "case.created" not in actions(reads)
    assert "consent.withdrawn" not in actions(reads)

    everything = parse(client.get("/audit/?kind=all&actor=kim"))
    tagged = {
        td.find("code").text: td.find(cls="govuk-tag") is not None
        for td in everything.find_all("td", data_testid="action")
    }
    assert tagged == {
        "consent.withdrawn": False,
        "case.listed": True,
        "case.viewed": True,
        "case.created": False,
    }


def test_a_read_action_asked_for_by_name_is_shown(client, world):
    admin, _, _ = world
    sign_in(client, admin)
    response = client.get("/audit/?action=case.viewed")
    assert actions(response) == ["case.viewed"]
    assert checked_kind(response) == "all"
    # The form says what it shows: choosing "Changes only" with a read action finds none,
    # and offers to include reads.
    none = parse(client.get("/audit/?kind=changes&action=case.viewed"))
    message = none.by_test_id("no-entries")
    assert message.link("Include page views, searches and downloads") is not None


def test_a_date_with_a_missing_part_is_an_error_and_filters_nothing(client, world):
    admin, _, _ = world
    sign_in(client, admin)
    response = client.get("/audit/?from_date=3&from_date=&from_date=2026")
    doc = parse(response)
    assert doc.error_summary() == ["From must include a month"]
    assert doc.field_error("from_date") == "From must include a month"
    assert "consent.withdrawn" in actions(response)


def test_objects_link_to_their_pages_only_for_viewers_who_may_open_them(world):
    admin, keyworker, case = world
    supervisor = factories.user(Role.SUPERVISOR)
    organisation = factories.organisation(name="Turning Point Recovery")
    sent = referral(case, organisation, sent_on=today_in_london())
    audit.record("referral.sent", "referral", sent.id, actor=keyworker)
    audit.record("organisation.updated", "organisation", organisation.id, actor=admin)
    audit.record("user.updated", "user", keyworker.id, actor=admin)
    db.session.commit()

    def objects(viewer) -> dict[str, browse.Named]:
        rows, _ = browse.browse(queries.Filters(kind=queries.CHANGES), viewer)
        return {row.entry.action: row.object for row in rows}

    seen_by_admin = objects(admin)
    assert seen_by_admin["case.created"].endpoint is None  # admins open no case
    assert seen_by_admin["case.created"].text == "Case CR/00042/26"
    assert seen_by_admin["referral.sent"].endpoint is None
    assert seen_by_admin["referral.sent"].text.startswith("Referral RF-")
    assert seen_by_admin["user.updated"].endpoint == "users.show"
    assert seen_by_admin["organisation.updated"].endpoint == "partners.show"

    seen_by_supervisor = objects(supervisor)
    assert seen_by_supervisor["case.created"].endpoint == "cases.show"
    assert seen_by_supervisor["case.created"].args == (("case_id", str(case.id)),)
    assert seen_by_supervisor["referral.sent"].endpoint == "referrals.show"
    assert seen_by_supervisor["user.updated"].endpoint is None
    other_keyworker = factories.user(Role.KEYWORKER)
    assert objects(other_keyworker)["case.created"].endpoint is None
    assert objects(keyworker)["case.created"].endpoint == "cases.show"


def download(client, query: str = ""):
    response = client.get(f"/audit/export.csv{query}")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    body = response.get_data(as_text=True).removeprefix("\ufeff")
    return response, list(csv.reader(io.StringIO(body)))


def test_the_download_is_the_filtered_list_guarded_and_audited(client, world):
    admin, keyworker, _ = world
    sign_in(client, admin)
    page = parse(client.get("/audit/?actor=kim"))
    link = page.by_test_id("export")
    assert link.attrs["href"] == "/audit/export.csv?actor=kim&kind=changes"
    assert link.text.startswith("Download these 2 entries as CSV")

    response, table = download(client, "?kind=changes&actor=kim")
    assert "attachment" in response.headers["Content-Disposition"]
    header, *lines = table
    assert header[:4] == ["Entry", "When (UTC)", "Action", "Kind"]
    assert [line[2] for line in lines] == ["consent.withdrawn", "case.created"]
    withdrawn = dict(zip(header, lines[0], strict=True))
    assert withdrawn["By"] == "Kim Keyworker"
    assert withdrawn["Role"] == "Keyworker"
    assert withdrawn["User id"] == str(keyworker.id)
    assert withdrawn["Kind"] == "change"
    # A formula in a reason is written as text, never run by a spreadsheet.
    assert withdrawn["Reason"] == '\'=HYPERLINK("http://evil.example","click")'

    db.session.expire_all()
    [entry] = db.session.query(AuditEntry).filter_by(action="audit.exported").all()
    assert entry.actor_id == admin.id
    assert entry.details == {"filters": {"kind": "changes", "actor_text": True}, "entries": 2}
    assert "kim" not in str(entry.details).lower()  # what was typed is not kept


def test_the_download_holds_every_entry_not_one_page(client, world, monkeypatch):
    admin, keyworker, case = world
    monkeypatch.setattr(browse, "EXPORT_BATCH", 3)
    for _ in range(7):
        audit.record("case.allocated", "case", case.id, actor=keyworker)
    db.session.commit()
    sign_in(client, admin)
    _, table = download(client, "?action=case.allocated")
    ids = [int(line[0]) for line in table[1:]]
    assert len(ids) == 7
    assert ids == sorted(ids, reverse=True)


def test_the_download_can_hold_dates_and_reads(client, world):
    admin, _, _ = world
    sign_in(client, admin)
    today = today_in_london()
    week_ago = today - timedelta(days=7)
    query = (
        f"?kind=reads&from_date={week_ago.day}&from_date={week_ago.month}&from_date={week_ago.year}"
        f"&to_date={today.day}&to_date={today.month}&to_date={today.year}"
    )
    _, table = download(client, query)
    assert sorted(line[2] for line in table[1:]) == ["case.listed", "case.viewed"]
    db.session.expire_all()
    [entry] = db.session.query(AuditEntry).filter_by(action="audit.exported").all()
    assert entry.details["filters"] == {
        "kind": "reads",
        "from_date": week_ago.isoformat(),
        "to_date": today.isoformat(),
    }


def test_the_download_keeps_codes_and_ids_of_its_filters_never_other_text(client, world):
    admin, _, case = world
    sign_in(client, admin)
    download(client, f"?action=consent.&object_id={case.id}")
    download(client, "?action=Jo Bloggs&object_id=Bloggs, 12 High Street")
    db.session.expire_all()
    first, second = (
        db.session.query(AuditEntry).filter_by(action="audit.exported").order_by(AuditEntry.id)
    )
    assert first.details["filters"] == {
        "kind": "all",
        "action": "consent.",
        "object_id": str(case.id),
    }
    assert second.details["filters"] == {"kind": "all", "action_text": True, "object_id_text": True}
    assert "bloggs" not in str(second.details).lower()


@pytest.mark.parametrize("role", [r for r in Role if r != Role.ADMIN])
def test_only_administrators_see_or_download_the_log(client, world, role):
    sign_in(client, factories.user(role))
    assert client.get("/audit/").status_code == 403
    assert client.get("/audit/export.csv").status_code == 403
    db.session.expire_all()
    assert db.session.query(AuditEntry).filter_by(action="audit.exported").count() == 0


def test_the_api_filters_as_the_page_does(client, world):
    admin, keyworker, _ = world
    headers = api_headers(issue_token(admin, days=1).secret)
    every = client.get(f"/api/v1/audit?actor_id={keyworker.id}", headers=headers).get_json()
    assert {e["action"] for e in every["items"]} == {
        "case.created",
        "case.viewed",
        "case.listed",
        "consent.withdrawn",
    }
    changes = client.get(
        f"/api/v1/audit?actor_id={keyworker.id}&kind=changes", headers=headers
    ).get_json()
    assert [e["action"] for e in changes["items"]] == ["consent.withdrawn", "case.created"]
    assert changes["total"] == 2
    prefix = client.get("/api/v1/audit?action=case.&kind=reads", headers=headers).get_json()
    assert [e["action"] for e in prefix["items"]] == ["case.listed", "case.viewed"]
    bad = client.get("/api/v1/audit?kind=some", headers=headers)
    assert bad.status_code == 422
    assert "kind" in bad.get_json()["errors"]
