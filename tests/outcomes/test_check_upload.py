"""Recording many reoffending checks from a CSV file: the template lists the checks due,
a filled file is recorded whole or not at all, and every problem is named by row and
column."""

from __future__ import annotations

import csv
import html
import io
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.auth.roles import Role
from app.cases.models import CaseStatus
from app.csv_files import RowProblems
from app.dates import today_in_london
from app.extensions import db
from app.outcomes import check_upload
from app.outcomes.models import ReoffendingCheck
from tests import factories
from tests.helpers import assert_redirects, csrf_token, sign_in


def a_check(days_until_due: int = -1, *, done: bool = False, **person) -> ReoffendingCheck:
    case = factories.case(status=CaseStatus.OPTED_OUT, person_fields=person or None)
    check = ReoffendingCheck(case_id=case.id, due_on=today_in_london() + timedelta(days_until_due))
    if done:
        check.checked_at, check.reoffended = datetime.now(UTC), False
    db.session.add(check)
    db.session.commit()
    return check


def rows_of(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


def filled(rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=check_upload.COLUMNS)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def checked() -> dict:
    db.session.expire_all()
    return {
        c.id: (c.reoffended, c.offence_class, c.harm_days)
        for c in db.session.scalars(select(ReoffendingCheck))
        if c.checked_at is not None
    }


def days_ago(n: int) -> str:
    return (today_in_london() - timedelta(days=n)).isoformat()


@pytest.fixture
def admin(app):
    return factories.user(Role.ADMIN)


def test_the_template_lists_the_checks_due_and_its_download_is_audited(app, admin):
    due = a_check(-5, given_name="Robin", family_name="Hood")
    a_check(10)
    a_check(-20, done=True)
    a_check(-8, given_name="=HYPERLINK(1)")
    client = app.test_client()
    sign_in(client, admin)
    response = client.get("/reoffending-checks/template.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = rows_of(response.get_data(as_text=True))
    assert [r["given_name"] for r in rows] == ["'=HYPERLINK(1)", "Robin"]  # oldest due first
    assert rows[1]["check_id"] == str(due.id)
    assert rows[1]["crime_reference"] == due.case.crime_reference
    assert rows[1]["due_on"] == due.due_on.isoformat()
    assert rows[1]["reoffended"] == ""
    db.session.expire_all()
    entry = db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "reoffending_check.template_downloaded")
    )
    assert entry.actor_id == admin.id
    assert entry.details == {"rows": 2}


def test_a_filled_template_is_recorded_whole(app, admin):
    first, second, untouched = a_check(-3), a_check(-2), a_check(-1)
    template = rows_of(check_upload.template(admin))
    by_id = {row["check_id"]: row for row in template}
    by_id[str(first.id)].update(
        reoffended="yes", reoffence_date=days_ago(20), offence_class="summary", harm_days="4"
    )
    by_id[str(second.id)].update(reoffended="No")
    recorded = check_upload.upload(admin, filled(template).encode("utf-8-sig"))
    assert recorded == 2
    assert checked() == {first.id: (True, "summary", 4), second.id: (False, None, None)}
    assert untouched.id not in checked()
    db.session.expire_all()
    actions = [
        (e.action, e.details)
        for e in db.session.scalars(
            select(AuditEntry).where(AuditEntry.action.like("reoffending_check.%"))
        )
    ]
    assert ("reoffending_check.uploaded", {"recorded": 2}) in actions
    assert sum(1 for action, _ in actions if action == "reoffending_check.recorded") == 2


def test_any_row_at_fault_means_nothing_is_recorded_and_every_problem_is_named(app, admin):
    good, early, done = a_check(-3), a_check(30), a_check(-9, done=True)
    other = a_check(-4)
    rows = [
        {"check_id": str(good.id), "reoffended": "no"},
        {"check_id": str(early.id), "reoffended": "no"},
        {"check_id": str(done.id), "reoffended": "yes"},
        {"check_id": "not-an-id", "reoffended": "no"},
        {"check_id": str(other.id), "reoffended": "maybe", "crime_reference": "CR/0/00"},
        {
            "check_id": str(other.id),
            "reoffended": "yes",
            "reoffence_date": "31/02/2027",
            "offence_class": "petty",
            "harm_days": "-2",
        },
        {"check_id": str(good.id), "reoffended": "yes", "harm_days": "x"},
    ]
    with pytest.raises(RowProblems) as raised:
        check_upload.upload(admin, filled(rows))
    assert raised.value.rows == {
        "row 3": [
            "reoffended: This check is not due until "
            f"{early.due_on.day} {early.due_on:%B %Y}: 'did not reoffend' can only be "
            "recorded from then"
        ],
        "row 4": ["reoffended: This reoffending check has already been recorded"],
        "row 5": ["check_id: Enter the check ID from the template"],
        "row 6": [
            "reoffended: Enter yes or no",
            "crime_reference: Does not match the check's case",
        ],
        "row 7": [
            "check_id: This check is on another row of the file too",
            "reoffence_date: Enter a real date, like 2027-03-27",
            "offence_class: Enter summary, either_way or indictable",
        ],
        "row 8": [
            "check_id: This check is on another row of the file too",
            "reoffence_date: Enter the date of the offence",
            "offence_class: Enter the offence or select its class",
            "harm_days: Crime harm must be a whole number of days from 0 to 100000",
        ],
    }
    assert checked() == {done.id: (False, None, None)}


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"", "The file is empty"),
        (b"\xff\xfe\x00", "The file must be a CSV file saved as UTF-8"),
        (b"check_id,reoffended\r\n\r\n", "Fill in reoffended (yes or no) on at least one row"),
        (b"check_id,reoffended,colour\r\n", "The header row has columns we do not know: colour"),
        (b"check_id,reoffended\r\n,\r\n", "Fill in reoffended (yes or no) on at least one row"),
    ],
)
def test_a_file_that_cannot_be_read_is_refused(app, admin, content, problem):
    with pytest.raises(RowProblems) as raised:
        check_upload.upload(admin, content)
    assert raised.value.rows == {"file": [problem]}


def test_every_problem_with_the_header_is_named(app, admin):
    with pytest.raises(RowProblems) as raised:
        check_upload.upload(admin, b"check_id,result,check_id\r\n")
    assert raised.value.rows == {
        "file": [
            "The header row must include the column reoffended",
            "The header row has columns we do not know: result",
            "The header row names a column twice",
        ]
    }


def test_the_upload_page_records_or_lists_what_to_correct(app, admin):
    check = a_check(-2)
    client = app.test_client()
    sign_in(client, admin)
    page = html.unescape(client.get("/reoffending-checks/upload").get_data(as_text=True))
    assert "Download the checks due as a CSV file" in page
    token = csrf_token(client, "/reoffending-checks/upload")

    def upload(rows):
        return client.post(
            "/reoffending-checks/upload",
            data={"csrf_token": token, "file": (io.BytesIO(filled(rows).encode()), "checks.csv")},
            content_type="multipart/form-data",
        )

    refused = upload([{"check_id": str(check.id), "reoffended": "perhaps"}])
    assert refused.status_code == 400
    page = html.unescape(refused.get_data(as_text=True))
    assert "There is a problem" in page
    assert "1 row of the file need correcting: nothing was recorded" in page
    assert "reoffended: Enter yes or no" in page
    assert checked() == {}

    done = upload([{"check_id": str(check.id), "reoffended": "no"}])
    assert_redirects(done, "/reoffending-checks?status=done")
    assert checked() == {check.id: (False, None, None)}
    listed = html.unescape(client.get("/reoffending-checks?status=done").get_data(as_text=True))
    assert "1 reoffending check recorded" in listed

    missing = client.post(
        "/reoffending-checks/upload",
        data={"csrf_token": token},
        content_type="multipart/form-data",
    )
    assert missing.status_code == 400
    assert "Select a CSV file" in missing.get_data(as_text=True)
