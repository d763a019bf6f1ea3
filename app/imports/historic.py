"""Importing a force's past cohort: historic cases from a CSV file (shared/API.md,
"Additions, round 2"), for supervisors and administrators.

Every row is checked (``app.imports.rows``), and also against the others and the hub: a
case (crime reference and date of birth) may appear once in a file, and only once among
imported cases. If any row is at fault, nothing is written and every problem is named by
row and column (``RowProblems``); a dry run stops after the checks.

Each row becomes what the hub would hold had the case been run in it, so every report
counts it like any other, and it is marked ``imported``:
- the person (sex as given, ethnicity not stated; living in the force area, as the
  scheme requires) and the case, with the eligibility answers of an eligible case, the
  referral date as ``created_at`` and no keyworker;
- for a completed or breached case, or an opt-out after the contract started, the
  16-week contract from ``contract_start`` (agreement method ``not_recorded``, no
  conditions);
- the outcome: status completed, opted_out or breached; the code "22" for a completion
  before 1 April 2026 (the deferred-prosecution outcome then), else "24" (18 or over on
  the offence date) or "23"; "charge" for an opt-out or breach; the outcome date;
- the reoffending check, due a year after the case ended, with its result if checked.
One audit entry records the import (counts only: no personal data) and each case's
timeline says it was imported.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from sqlalchemy import select, tuple_

from app.audit import services as audit
from app.auth.roles import Role
from app.cases.models import Case, CaseStatus, Ethnicity, Person
from app.cases.timeline import add_event
from app.contracts.models import AgreementMethod, Contract
from app.csv_files import RowProblems, read_rows
from app.dates import today_in_london
from app.errors import Forbidden
from app.extensions import db
from app.imports.rows import COLUMNS, HistoricCase, check_row
from app.outcomes.codes import crime_outcome
from app.outcomes.models import OutcomeResult, ReoffendingCheck

IMPORT_ROLES = frozenset({Role.SUPERVISOR.value, Role.ADMIN.value})
DESCRIPTION = "Imported historic record (no description imported)"
ELIGIBLE_ANSWERS = {
    "accepts_responsibility": True,
    "agrees_to_participate": True,
    "has_dvpn_or_dvpo": False,
    "on_court_order_or_sentence": False,
    "on_prison_licence": False,
    "on_bail_or_rui_other_offence": False,
    "offended_in_last_two_years": False,
}


@dataclass(frozen=True)
class ImportResult:
    rows: int
    imported: int  # 0 on a dry run
    dry_run: bool


def template() -> str:
    """The header row of the file."""
    return ",".join(COLUMNS) + "\r\n"


def _require_importer(actor) -> None:
    if actor is None or actor.role not in IMPORT_ROLES:
        raise Forbidden("Only supervisors and administrators import historic cases")


def outcome_code(row: HistoricCase) -> str:
    return crime_outcome(
        row.result,
        born=row.date_of_birth,
        committed_on=row.committed_on,
        decided_on=row.outcome_date,
    )


def _at(day: date) -> datetime:
    return datetime.combine(day, time(12), tzinfo=UTC)  # the same date in London


def check_file(data: bytes | str, today: date) -> list[HistoricCase]:
    """Every row of the file as a historic case; RowProblems naming every row at fault."""
    problems: dict[str, list[str]] = {}
    cases: list[tuple[str, HistoricCase]] = []
    seen: dict[tuple[str, date], int] = {}
    for row in read_rows(data, required=COLUMNS, allowed=COLUMNS):
        historic, messages = check_row(row.values, today)
        if row.extra_cells:
            messages.append("The row has more cells than the header has columns")
        if historic is not None:
            key = (historic.crime_reference, historic.date_of_birth)
            if key in seen:
                messages.append(
                    f"crime_reference: The same case (crime reference and date of birth) is "
                    f"on row {seen[key]} too"
                )
            seen.setdefault(key, row.number)
            cases.append((row.key, historic))
        if messages:
            problems[row.key] = messages
    if not cases and not problems:
        raise RowProblems({"file": ["The file has no cases: add a row for each case"]})
    if seen:
        already = {
            tuple(found)
            for found in db.session.execute(
                select(Case.crime_reference, Person.date_of_birth)
                .join(Person, Person.id == Case.person_id)
                .where(
                    Case.imported.is_(True),
                    tuple_(Case.crime_reference, Person.date_of_birth).in_(list(seen)),
                )
            )
        }
        for key, historic in cases:
            if (historic.crime_reference, historic.date_of_birth) in already:
                problems.setdefault(key, []).append(
                    "crime_reference: This case has already been imported"
                )
    if problems:
        raise RowProblems(dict(sorted(problems.items(), key=lambda kv: _row_number(kv[0]))))
    return [historic for _, historic in cases]


def _row_number(key: str) -> int:
    return int(key.removeprefix("row ")) if key.startswith("row ") else 0


def import_cases(
    actor, data: bytes | str, *, dry_run: bool = False, today: date | None = None
) -> ImportResult:
    """Check the file; unless it is a dry run, write every case in one transaction."""
    _require_importer(actor)
    today = today or today_in_london()
    try:
        cases = check_file(data, today)
    except RowProblems:
        db.session.rollback()
        raise
    if dry_run:
        db.session.rollback()
        return ImportResult(len(cases), 0, True)
    for historic in cases:
        _write(actor, historic)
    results = {r.value: sum(1 for c in cases if c.result == r.value) for r in OutcomeResult}
    audit.record(
        "historic_cases.imported",
        "case",
        "*",
        actor=actor,
        details={"imported": len(cases), **results},
    )
    db.session.commit()
    return ImportResult(len(cases), len(cases), False)


def _write(actor, row: HistoricCase) -> None:
    person = Person(
        given_name=row.given_name,
        family_name=row.family_name,
        date_of_birth=row.date_of_birth,
        lives_in_force_area=True,
        sex=row.sex,
        ethnicity=Ethnicity.NOT_STATED.value,
    )
    case = Case(
        crime_reference=row.crime_reference,
        person=person,
        keyworker_id=None,
        status=CaseStatus(row.result).value,
        offence_description=DESCRIPTION,
        offence_class=row.offence_class,
        offence_committed_on=row.committed_on,
        offence_in_force_area=True,
        eligibility_failed=[],
        outcome_code=outcome_code(row),
        outcome_decided_at=_at(row.outcome_date),
        imported=True,
        created_by_id=actor.id,
        created_at=_at(row.referred_on),
        **ELIGIBLE_ANSWERS,
    )
    db.session.add(case)
    db.session.flush()
    if row.contract_start is not None:
        db.session.add(
            Contract(
                case_id=case.id,
                start_date=row.contract_start,
                end_date=row.contract_end,
                agreed_on=row.contract_start,
                agreement_method=AgreementMethod.NOT_RECORDED.value,
                created_by_id=actor.id,
                created_at=_at(row.contract_start),
            )
        )
    checked = row.reoffended is not None
    db.session.add(
        ReoffendingCheck(
            case_id=case.id,
            due_on=row.due_on,
            checked_at=_at(row.checked_on) if checked else None,
            checked_by_id=actor.id if checked else None,
            reoffended=row.reoffended,
            reoffence_date=row.reoffence_date,
            harm_days=row.harm_days,
        )
    )
    add_event(case, "case.imported", "Imported from the force's historic records", actor=actor)
