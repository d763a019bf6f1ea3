"""What a supervisor, an analyst and a partner see on the report pages and in the
downloads, and the audit entry each download leaves."""

from __future__ import annotations

import csv
import io
import json

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.auth.roles import Role
from app.extensions import db
from tests import factories
from tests.helpers import sign_in
from tests.reports import world


@pytest.fixture
def evaluated(app):
    """10 completers of whom 2 reoffended, 5 opt-outs of whom 2 reoffended, all
    decided in the last year; one completer aged 20 at the offence."""
    for n in range(10):
        world.ended(
            "completed",
            reoffended=n < 2,
            outcome_on=world.days_ago(100),
            date_of_birth=world.date(2005, 6, 1) if n == 0 else world.date(1990, 5, 17),
            sex="female" if n < 4 else "male",
            given_name=f"Secret{n}",
        )
    for n in range(5):
        world.ended("opted_out", reoffended=n < 2, outcome_on=world.days_ago(100))


def _rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_the_evaluation_page_shows_the_rates_intervals_and_caveat(client, evaluated):
    sign_in(client, factories.user(Role.ANALYST))
    page = client.get("/reports/evaluation").get_data(as_text=True)
    assert "20.0%" in page and "40.0%" in page
    assert "5.7%" in page and "51.0%" in page  # 2 of 10: 95% CI 5.7% to 51.0%
    assert "11.8%" in page and "76.9%" in page  # 2 of 5: 11.8% to 76.9%
    assert "-20.0%" in page and "-59.6%" in page and "21.9%" in page
    assert "not a like-for-like comparison group" in page
    assert "fewer than 30 checks done" in page
    assert 'role="img"' in page and '<title id="evaluation-chart-title">' in page
    assert "Secret0" not in page
    assert "Outcome decided" in page  # the evaluation's own dates


def test_filters_are_kept_and_errors_shown(client, evaluated):
    sign_in(client, factories.user(Role.SUPERVISOR))
    page = client.get("/reports/funnel?age_band=18_25&from=&to=").get_data(as_text=True)
    assert "18 to 25" in page and "All records" in page
    page = client.get("/reports/funnel?from=2026-02-30&area=%3F%3F").get_data(as_text=True)
    assert "There is a problem with the filters" in page
    assert "Not a valid date" in page and "Enter a postcode district, like EX1" in page


def test_the_csv_download_starts_with_the_filters_and_is_audited(client, evaluated):
    supervisor = factories.user(Role.SUPERVISOR)
    sign_in(client, supervisor)
    response = client.get("/reports/evaluation.csv?age_band=26_plus&from=&to=")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = _rows(response.data)
    assert rows[0] == ["Report", "Reoffending and evaluation"]
    assert rows[2] == ["Dates", "All records"]
    assert ["Age at offence", "26 and over"] in rows[:10]
    header = rows.index(next(r for r in rows if r and r[0] == "Group"))
    completed = rows[header + 1]
    assert completed[:4] == ["Completed", "9", "9", "9"]
    assert completed[6:8] == ["1", "11.1"]  # 1 of the 9 aged 26 and over: 11.1%
    [entry] = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "report.downloaded")
    ).all()
    assert entry.actor_id == supervisor.id
    assert entry.details["report"] == "evaluation" and entry.details["format"] == "csv"
    assert entry.details["filters"]["age_band"] == "26_plus"
    assert "Secret" not in json.dumps(entry.details)


def test_the_excel_download_holds_the_same_tables(client, evaluated):
    sign_in(client, factories.user(Role.ANALYST))
    response = client.get("/reports/evaluation.xlsx?from=&to=")
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.data))
    sheet = workbook["Reoffending within 365 days"]
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0][:2] == ["Report", "Reoffending and evaluation"]
    assert values[2][:2] == ["Dates", "All records"]
    completed = next(r for r in values if r[0] == "Completed")
    assert completed[1:4] == [10, 10, 10] and completed[7] == 20.0
    assert (
        db.session.scalar(
            select(AuditEntry.details).where(AuditEntry.action == "report.downloaded")
        )["format"]
        == "xlsx"
    )


def test_a_partner_sees_its_own_figures_with_small_numbers_protected(client, app):
    org = factories.organisation(name="Hillside Housing")
    case = world.case("active", contract_on=world.days_ago(40))
    for n in range(6):
        world.referral(
            case,
            org,
            sent_on=world.days_ago(30),
            acknowledged_on=world.days_ago(29) if n < 3 else None,
        )
    partner = factories.user(Role.PARTNER, organisation_id=org.id)
    sign_in(client, partner)
    page = client.get("/reports/my-organisation").get_data(as_text=True)
    assert "Partner figures: Hillside Housing" in page
    assert "fewer than 5" in page
    assert ">6<" in page  # six sent: shown
    rows = _rows(client.get(f"/reports/organisations/{org.id}.csv").data)
    organisations = rows.index(next(r for r in rows if r and r[0] == "Organisation"))
    hillside = rows[organisations + 1]
    assert hillside[:3] == ["Hillside Housing", "6", "fewer than 5"]
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "report.downloaded"))
    assert entry.details["organisation_id"] == str(org.id)


def test_the_research_extract_is_pseudonymised_stable_and_audited(client, app, evaluated):
    app.config["RESEARCH_EXTRACT_KEY"] = "a key for the tests"
    analyst = factories.user(Role.ANALYST)
    sign_in(client, analyst)
    first = client.get("/reports/research-extract.csv?from=&to=").get_data()
    second = client.get("/reports/research-extract.csv?from=&to=").get_data()
    rows = _rows(first)
    header = rows.index(next(r for r in rows if r and r[0] == "case_key"))
    data = rows[header + 1 :]
    assert len(data) == 15
    assert _rows(second)[header + 1 :] == data  # the same key for the same case
    app.config["RESEARCH_EXTRACT_KEY"] = "another key"
    third = _rows(client.get("/reports/research-extract.csv?from=&to=").get_data())
    assert {r[0] for r in third[header + 1 :]}.isdisjoint({r[0] for r in data})
    text = first.decode("utf-8-sig")
    assert "Secret" not in text and "CR/" not in text and "1990-05-17" not in text
    columns = rows[header]
    young = next(r for r in data if r[columns.index("age_band")] == "18_25")
    assert young[columns.index("reoffending_check")] == "reoffended"
    assert young[columns.index("sex")] == "female"
    entries = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "report.downloaded")
    ).all()
    assert [e.details["report"] for e in entries] == ["research_extract"] * 3
    dictionary = _rows(client.get("/reports/research-extract/data-dictionary.csv").data)
    assert [r[0] for r in dictionary[1:]] == columns


def test_the_data_quality_view_counts_what_is_missing(client, app):
    world.ended("completed", check=False, sex="female")
    world.ended("breached", reoffended=None, due_on=world.days_ago(1))
    sign_in(client, factories.user(Role.ADMIN))
    page = client.get("/reports/data-quality").get_data(as_text=True)
    assert "Ended cases without a reoffending check" in page
    from app.reports.quality import quality

    totals = quality().totals
    assert totals["ended_without_check"] == 1
    assert totals["checks_overdue"] == 1
    assert totals["sex_not_stated"] == 1
    assert totals["exits_without_exit_assessment"] == 2
