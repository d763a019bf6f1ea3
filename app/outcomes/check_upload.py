"""Many reoffending checks at once, from a CSV file (checkers work from a police national
computer extract).

The template lists every check due, one row each, with the details a checker searches
by; the checker fills in ``reoffended`` (yes or no) and, for a reoffence, its date, class,
crime harm and description. Rows left without ``reoffended`` are skipped. Every filled row
is checked by the same rules as one check on its page (``checks.result_problems``), and
the whole file is recorded, or, if any row is at fault, nothing is: the answer names every
row and column to correct. Downloading the template (personal data) and uploading are
audited; the audit holds counts and ids, never the file's contents.
"""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import select

from app.audit import services as audit
from app.cases.models import Case, Person
from app.csv_files import RowProblems, parse_date, read_rows, write_csv
from app.dates import today_in_london
from app.extensions import db
from app.outcomes import checks
from app.outcomes.models import ReoffendingCheck

REQUIRED = ("check_id", "reoffended")
COLUMNS = [
    "check_id",
    "crime_reference",
    "given_name",
    "family_name",
    "date_of_birth",
    "due_on",
    "reoffended",
    "reoffence_date",
    "offence_class",
    "harm_days",
    "reoffence",
]
# The columns a checker fills in; the others identify the check (and are not changed).
RESULT_COLUMNS = ("reoffended", "reoffence_date", "offence_class", "harm_days", "reoffence")
ANSWERS = {"yes": True, "y": True, "no": False, "n": False}


def template(actor, today: date | None = None) -> str:
    """The CSV template: one row per check due (one query). Audited."""
    checks._require_checker(actor)
    today = today or today_in_london()
    rows = db.session.execute(
        select(
            ReoffendingCheck.id,
            Case.crime_reference,
            Person.given_name,
            Person.family_name,
            Person.date_of_birth,
            ReoffendingCheck.due_on,
        )
        .join(Case, Case.id == ReoffendingCheck.case_id)
        .join(Person, Person.id == Case.person_id)
        .where(checks.status_clause(checks.CheckStatus.DUE, today))
        .order_by(ReoffendingCheck.due_on, ReoffendingCheck.id)
    ).all()
    audit.record(
        "reoffending_check.template_downloaded",
        "reoffending_check",
        "*",
        actor=actor,
        details={"rows": len(rows)},
    )
    db.session.commit()
    return write_csv(COLUMNS, ([*row, "", "", "", "", ""] for row in rows))


def _parse(values: dict[str, str], problems: list[str]) -> checks.Result:
    """The row's result, as typed; ``problems`` gets what cannot even be read."""
    answer = values.get("reoffended", "").lower()
    reoffended = ANSWERS.get(answer)
    if reoffended is None:
        problems.append("reoffended: Enter yes or no")
    raw_date = values.get("reoffence_date", "")
    on = parse_date(raw_date) if raw_date else None
    if raw_date and on is None:
        problems.append("reoffence_date: Enter a real date, like 2027-03-27")
    raw_harm = values.get("harm_days", "")
    harm = int(raw_harm) if raw_harm.isdigit() else (raw_harm or None)
    offence_class = values.get("offence_class", "").lower() or None
    if offence_class is not None and offence_class not in checks.OFFENCE_CLASSES:
        problems.append("offence_class: Enter summary, either_way or indictable")
    return checks.Result(
        reoffended=reoffended,
        reoffence_date=on if on is not None else (raw_date or None),
        offence_class=offence_class,
        harm_days=harm,
        reoffence=values.get("reoffence") or None,
    )


def upload(actor, data: bytes | str, today: date | None = None) -> int:
    """Record every filled row of the file, or none (RowProblems). How many recorded."""
    checks._require_checker(actor)
    today = today or today_in_london()
    rows = [
        row
        for row in read_rows(data, required=REQUIRED, allowed=COLUMNS)
        if row.values.get("reoffended") or row.extra_cells
    ]
    if not rows:
        raise RowProblems({"file": ["Fill in reoffended (yes or no) on at least one row"]})
    ids: dict[int, uuid.UUID] = {}
    problems: dict[str, list[str]] = {}
    for row in rows:
        try:
            ids[row.number] = uuid.UUID(row.values["check_id"])
        except ValueError:
            problems[row.key] = ["check_id: Enter the check ID from the template"]
    found = {
        check.id: check
        for check in db.session.scalars(
            select(ReoffendingCheck)
            .where(ReoffendingCheck.id.in_(set(ids.values())))
            .with_for_update(of=ReoffendingCheck)
        ).unique()
    }
    seen: set[uuid.UUID] = set()
    results = []
    for row in rows:
        messages = problems.setdefault(row.key, [])
        if row.extra_cells:
            messages.append("The row has more cells than the header has columns")
        check_id = ids.get(row.number)
        check = found.get(check_id) if check_id else None
        if check_id is not None and check is None:
            messages.append("check_id: No reoffending check has this ID")
        elif check_id in seen:
            messages.append("check_id: This check is on another row of the file too")
        seen.add(check_id)
        unreadable: list[str] = []
        result = _parse(row.values, unreadable)
        messages.extend(unreadable)
        if check is None:
            continue
        reference = row.values.get("crime_reference")
        if reference and reference != check.case.crime_reference:
            messages.append("crime_reference: Does not match the check's case")
        if unreadable:
            continue
        state, errors, cleaned = checks.result_problems(check, result, today)
        if state is not None:
            messages.append(f"reoffended: {state}")
        messages.extend(f"{field}: {message}" for field, message in errors.items())
        results.append((check, cleaned))
    problems = {key: messages for key, messages in problems.items() if messages}
    if problems:
        db.session.rollback()
        raise RowProblems(problems)
    for check, cleaned in results:
        checks.apply_result(actor, check, cleaned, upload=True)
    audit.record(
        "reoffending_check.uploaded",
        "reoffending_check",
        "*",
        actor=actor,
        details={"recorded": len(results)},
    )
    db.session.commit()
    return len(results)
