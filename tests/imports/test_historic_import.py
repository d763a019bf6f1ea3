"""Importing historic cases: the practice note's cohort lands whole and counts as the
hub's own records; a file with any row at fault writes nothing and names every problem;
a dry run writes nothing; the page offers the template and the same checks."""

from __future__ import annotations

import csv
import html
import io

import pytest
from sqlalchemy import func, select

from app.audit.models import AuditEntry
from app.auth.roles import Role
from app.auth.tokens import issue_token
from app.cases.models import Case, Person
from app.contracts.models import Contract
from app.extensions import db
from app.imports.rows import COLUMNS
from app.outcomes.models import ReoffendingCheck
from tests import factories
from tests.helpers import api_headers, assert_redirects, csrf_token, sign_in
from tests.reports import practice_note

PATH = "/api/v1/imports/historic-cases"


def headers_for(role: Role = Role.SUPERVISOR) -> dict:
    user = factories.user(role)
    return {**api_headers(issue_token(user, days=1).secret), "Content-Type": "text/csv"}


def file_of(rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def case_count() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count(Case.id)))


def a_row(**changes) -> dict:
    row = practice_note.rows()[0]  # a completer who reoffended
    row.update(changes)
    return row


def test_the_practice_note_cohort_lands_whole(client):
    response = client.post(PATH, data=practice_note.practice_note_csv(), headers=headers_for())
    assert response.status_code == 201, response.json
    assert response.json == {"imported": 383, "valid": 383, "dry_run": False}
    db.session.expire_all()
    by_status = dict(
        db.session.execute(
            select(Case.status, func.count(Case.id))
            .where(Case.imported.is_(True))
            .group_by(Case.status)
        ).all()
    )
    assert by_status == {"completed": 336, "opted_out": 47}
    outcomes = db.session.execute(
        select(
            Case.status,
            func.count(ReoffendingCheck.id),
            func.sum(func.cast(ReoffendingCheck.reoffended, db.Integer)),
            func.sum(ReoffendingCheck.harm_days),
        )
        .join(ReoffendingCheck, ReoffendingCheck.case_id == Case.id)
        .where(ReoffendingCheck.checked_at.is_not(None))
        .group_by(Case.status)
        .order_by(Case.status)
    ).all()
    completers_harm, opt_outs_harm = practice_note.harm_totals()
    assert [tuple(row) for row in outcomes] == [
        ("completed", 336, 64, completers_harm),
        ("opted_out", 47, 19, opt_outs_harm),
    ]
    codes = dict(
        db.session.execute(
            select(Case.outcome_code, func.count(Case.id)).group_by(Case.outcome_code)
        ).all()
    )
    assert codes == {"22": 336, "charge": 47}  # all before 1 April 2026
    contracts = db.session.scalar(select(func.count(Contract.id)))
    assert contracts == 336 + 23  # the completers and the opt-outs after the contract


def test_an_imported_case_holds_its_milestones(client):
    row = practice_note.rows()[0]
    assert client.post(PATH, data=file_of([row]), headers=headers_for()).status_code == 201
    db.session.expire_all()
    case = db.session.scalars(select(Case)).one()
    assert case.imported is True and case.keyworker_id is None
    assert case.crime_reference == row["crime_reference"]
    assert case.created_at.date().isoformat() == row["referred_on"]
    assert case.outcome_decided_at.date().isoformat() == row["outcome_date"]
    assert case.person.sex == row["sex"] and case.person.ethnicity == "not_stated"
    assert case.contract.start_date.isoformat() == row["contract_start"]
    assert (case.contract.end_date - case.contract.start_date).days == 112
    assert case.contract.agreement_method == "not_recorded"
    check = db.session.scalars(select(ReoffendingCheck)).one()
    assert check.due_on == case.contract.end_date.replace(year=case.contract.end_date.year + 1)
    assert check.checked_at.date().isoformat() == row["checked_on"]
    assert (check.reoffended, check.reoffence_date.isoformat(), check.harm_days) == (
        True,
        row["reoffence_date"],
        int(row["harm_days"]),
    )


def test_the_import_is_audited_without_personal_data(client):
    client.post(PATH, data=practice_note.practice_note_csv(), headers=headers_for(Role.ADMIN))
    db.session.expire_all()
    entry = db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "historic_cases.imported")
    )
    assert entry.details == {"imported": 383, "completed": 336, "opted_out": 47, "breached": 0}
    assert entry.actor_role == "admin"
    text = str(entry.details)
    assert "Given1" not in text and "PN/" not in text


def test_a_dry_run_checks_and_writes_nothing(client):
    response = client.post(
        f"{PATH}?dry_run=true", data=practice_note.practice_note_csv(), headers=headers_for()
    )
    assert response.status_code == 200
    assert response.json == {"imported": 0, "valid": 383, "dry_run": True}
    assert case_count() == 0


def test_any_row_at_fault_means_nothing_is_written(client):
    rows = practice_note.rows()[:5]
    rows[1].update(result="finished", date_of_birth="1990-02-30")
    rows[3].update(contract_start="", reoffended="no", reoffence_date="2020-01-01")
    response = client.post(PATH, data=file_of(rows), headers=headers_for())
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert response.json["code"] == "invalid_rows"
    assert response.json["errors"] == {
        "row 3": [
            "date_of_birth: Enter the date of birth as a real date, like 2024-03-27",
            "result: Enter completed, opted_out or breached",
        ],
        "row 5": [
            "contract_start: Enter the contract's start date: a completed case had one",
            "reoffence_date: Leave this empty when reoffended is no",
            "harm_days: Leave this empty when reoffended is no",
        ],
    }
    assert case_count() == 0


def test_the_same_cohort_cannot_be_imported_twice(client):
    body = file_of(practice_note.rows()[:3])
    assert client.post(PATH, data=body, headers=headers_for()).status_code == 201
    again = client.post(PATH, data=body, headers=headers_for())
    assert again.status_code == 422
    assert again.json["errors"]["row 2"] == ["crime_reference: This case has already been imported"]
    twice = file_of([practice_note.rows()[5], practice_note.rows()[5]])
    inside = client.post(PATH, data=twice, headers=headers_for())
    assert inside.json["errors"] == {
        "row 3": [
            "crime_reference: The same case (crime reference and date of birth) is on row 2 too"
        ]
    }
    assert case_count() == 3


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"crime_reference": ""}, "crime_reference: Enter the crime reference"),
        ({"crime_reference": "CR 1"}, "crime_reference: Crime reference must only include"),
        ({"sex": "m"}, "sex: Enter female, male or not_stated"),
        ({"offence_class": "minor"}, "offence_class: Enter summary, either_way or indictable"),
        ({"referred_on": "2099-01-01"}, "referred_on: The date of referral must be today or"),
        ({"committed_on": "2019-12-31", "referred_on": "2019-01-01"}, "referred_on: The referr"),
        ({"outcome_date": "2018-01-01"}, "outcome_date: The outcome cannot be before the ref"),
        ({"reoffended": "maybe"}, "reoffended: Enter yes, no, or leave it empty"),
        ({"reoffended": "yes", "checked_on": ""}, "checked_on: Enter the date of the check"),
        ({"reoffended": "yes", "reoffence_date": ""}, "reoffence_date: Enter the date of the"),
        ({"reoffence_date": "2018-01-01"}, "reoffence_date: The reoffence must be in the year"),
        ({"harm_days": "-4"}, "harm_days: Enter a whole number of days from 0 to 100000"),
        ({"reoffended": "", "checked_on": "2020-01-01"}, "checked_on: Leave this empty when"),
        (
            {"checked_on": "2019-01-01", "reoffended": "no", "reoffence_date": "", "harm_days": ""},
            "reoffended: 'no' can only be recorded once the check is due",
        ),
    ],
)
def test_each_rule_names_its_column(client, changes, problem):
    response = client.post(PATH, data=file_of([a_row(**changes)]), headers=headers_for())
    assert response.status_code == 422, response.json
    messages = response.json["errors"]["row 2"]
    assert any(message.startswith(problem) for message in messages), messages


def test_not_yet_checked_and_breached_cases_are_imported_with_a_pending_check(client):
    pending = a_row(reoffended="", checked_on="", reoffence_date="", harm_days="")
    breached = a_row(crime_reference="HB/1/20", result="breached")
    response = client.post(PATH, data=file_of([pending, breached]), headers=headers_for())
    assert response.status_code == 201, response.json
    db.session.expire_all()
    checks = {c.case.status: c for c in db.session.scalars(select(ReoffendingCheck)).unique()}
    assert checks["completed"].checked_at is None and checks["completed"].reoffended is None
    assert checks["breached"].case.outcome_code == "charge"


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [
        ("", "text/csv", 422),
        (",".join(COLUMNS) + "\r\n", "text/csv", 422),
        ("crime_reference\r\nCR/1\r\n", "text/csv", 422),
        ('{"rows": []}', "application/json", 415),
    ],
)
def test_bodies_that_are_not_a_historic_file_are_refused(client, body, content_type, status):
    headers = {**headers_for(), "Content-Type": content_type}
    response = client.post(PATH, data=body, headers=headers)
    assert response.status_code == status
    assert response.mimetype == "application/problem+json"
    if status == 422:
        assert set(response.json["errors"]) == {"file"}


# The page -------------------------------------------------------------------------------


def _page(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def test_the_page_offers_the_template_a_dry_run_and_the_import(app):
    client = app.test_client()
    sign_in(client, factories.user(Role.SUPERVISOR))
    page = _page(client.get("/imports/historic-cases"))
    assert "Download the template" in page
    template = client.get("/imports/historic-cases/template.csv")
    assert template.mimetype == "text/csv"
    assert template.get_data(as_text=True).strip() == ",".join(COLUMNS)
    token = csrf_token(client, "/imports/historic-cases")
    body = file_of(practice_note.rows()[:4]).encode()

    def post(button: str, content: bytes):
        return client.post(
            "/imports/historic-cases",
            data={"csrf_token": token, button: "x", "file": (io.BytesIO(content), "cases.csv")},
            content_type="multipart/form-data",
        )

    checked = post("check", body)
    assert checked.status_code == 200
    assert "The file is ready: all 4 rows are valid" in _page(checked)
    assert case_count() == 0

    bad = post("submit", file_of([a_row(result="")]).encode())
    assert bad.status_code == 400
    text = _page(bad)
    assert "There is a problem" in text
    assert "result: Enter completed, opted_out or breached" in text
    assert case_count() == 0

    done = post("submit", body)
    assert_redirects(done, "/imports/historic-cases")
    assert "4 historic cases imported" in _page(client.get("/imports/historic-cases"))
    assert case_count() == 4


def test_a_supervisor_reads_an_imported_case_and_its_contract(app, client):
    client.post(PATH, data=file_of(practice_note.rows()[:1]), headers=headers_for())
    case = db.session.scalars(select(Case)).one()
    browser = app.test_client()
    sign_in(browser, factories.user(Role.SUPERVISOR))
    page = _page(browser.get(f"/cases/{case.id}"))
    assert "Imported from the force's historic records" in page
    assert browser.get(f"/cases/{case.id}/contract").status_code == 200
    assert "not recorded (imported historic record)" in _page(
        browser.get(f"/cases/{case.id}/contract")
    )
    assert db.session.scalar(select(func.count(Person.id))) == 1
