"""Reoffending checks: one for every case that ends, due a year later, recorded once.

Rules decided here:

* Every case that ends has a check (``ensure_check``): a completion is checked 365 days
  after the contract ended (its end date, or the outcome date if that came first); an
  opt-out or a breach 365 days after the outcome date, so the comparison group is checked
  as well as the completers. ``backfill_checks`` adds the missing ones to ended cases.
* A check is ``due`` from its due date until recorded, ``not_yet_due`` before it and
  ``done`` once recorded; one SQL clause per status serves the lists and the counts.
* Recording: reoffended yes or no. "Did not reoffend" cannot be recorded before the check
  is due (the year is not over); a reoffence can be recorded as soon as it is known. A
  reoffence needs its date, in the year the check covers and not in the future, and the
  offence: its class, a description, or both. The crime harm (Cambridge Crime Harm Index,
  in days) is optional. ``result_problems`` holds these rules once, for the page, the API
  and the CSV upload.
* Administrators and supervisors do the checks; every read of one and every list read is
  audited, and so is every result (without personal data).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from sqlalchemy import case as sql_case
from sqlalchemy import func, select

from app.audit import services as audit
from app.auth.roles import Role
from app.cases.models import DECIDED_STATUSES, Case, CaseStatus, OffenceClass
from app.cases.timeline import add_event
from app.contracts.models import Contract
from app.database import utcnow
from app.dates import today_in_london
from app.errors import AlreadyRecorded, Forbidden, InvalidInput, InvalidState, NotFound
from app.extensions import db
from app.outcomes.models import ReoffendingCheck
from app.text import long_date

REOFFENDING_CHECK_DAYS = 365
OFFENCE_MAX = 1000
HARM_DAYS_MAX = 100_000  # the index's highest weights are some thousands of days
CHECK_ROLES = frozenset({Role.ADMIN.value, Role.SUPERVISOR.value})
OFFENCE_CLASSES = frozenset(c.value for c in OffenceClass)


class CheckStatus(StrEnum):
    DUE = "due"
    NOT_YET_DUE = "not_yet_due"
    DONE = "done"

    @property
    def label(self) -> str:
        return {"due": "Due", "not_yet_due": "Not yet due", "done": "Done"}[self.value]


@dataclass(frozen=True)
class Result:
    """What a checker found (as given: ``result_problems`` says whether it is valid)."""

    reoffended: object
    reoffence_date: object = None
    offence_class: object = None
    harm_days: object = None
    reoffence: object = None


# When a check is due ------------------------------------------------------------------


def due_on_for(status: str, outcome_on: date, contract_end: date | None) -> date:
    """A completion: a year after the contract ended (or the outcome, if earlier); an
    opt-out or a breach: a year after the outcome."""
    ended = outcome_on
    if status == CaseStatus.COMPLETED.value and contract_end is not None:
        ended = min(contract_end, outcome_on)
    return ended + timedelta(days=REOFFENDING_CHECK_DAYS)


def ensure_check(case: Case, outcome_on: date) -> ReoffendingCheck:
    """The case's check, added (not committed) if it has none."""
    existing = db.session.scalar(
        select(ReoffendingCheck).where(ReoffendingCheck.case_id == case.id)
    )
    if existing is not None:
        return existing
    contract_end = case.contract.end_date if case.contract is not None else None
    check = ReoffendingCheck(
        case_id=case.id, due_on=due_on_for(case.status, outcome_on, contract_end)
    )
    db.session.add(check)
    return check


def backfill_checks(batch: int = 1000) -> int:
    """Add the missing check of every ended case (idempotent); how many were added."""
    added = 0
    while True:
        rows = db.session.execute(
            select(Case.id, Case.status, Case.outcome_decided_at, Contract.end_date)
            .outerjoin(Contract, Contract.case_id == Case.id)
            .outerjoin(ReoffendingCheck, ReoffendingCheck.case_id == Case.id)
            .where(
                Case.status.in_(DECIDED_STATUSES),
                Case.outcome_decided_at.is_not(None),
                ReoffendingCheck.id.is_(None),
            )
            .limit(batch)
        ).all()
        for case_id, status, decided_at, contract_end in rows:
            outcome_on = today_in_london(decided_at)
            db.session.add(
                ReoffendingCheck(
                    case_id=case_id, due_on=due_on_for(status, outcome_on, contract_end)
                )
            )
        added += len(rows)
        db.session.flush()
        if len(rows) < batch:
            break
    audit.record("reoffending_check.backfilled", "reoffending_check", "*", details={"added": added})
    db.session.commit()
    return added


# Status -------------------------------------------------------------------------------


def status_clause(status: CheckStatus, today: date):
    done = ReoffendingCheck.checked_at.is_not(None)
    if status == CheckStatus.DONE:
        return done
    if status == CheckStatus.DUE:
        return ~done & (ReoffendingCheck.due_on <= today)
    return ~done & (ReoffendingCheck.due_on > today)


def status_of(check: ReoffendingCheck, today: date | None = None) -> CheckStatus:
    if check.checked_at is not None:
        return CheckStatus.DONE
    today = today or today_in_london()
    return CheckStatus.DUE if check.due_on <= today else CheckStatus.NOT_YET_DUE


def window(check: ReoffendingCheck) -> tuple[date, date]:
    """The days the check covers: the year up to its due date."""
    return check.due_on - timedelta(days=REOFFENDING_CHECK_DAYS), check.due_on


def _require_checker(actor) -> None:
    if actor is None or actor.role not in CHECK_ROLES:
        raise Forbidden("Only administrators and supervisors do reoffending checks")


# Reads --------------------------------------------------------------------------------


def counts(actor, today: date | None = None) -> dict[CheckStatus, int]:
    """How many checks there are in each status (one query)."""
    _require_checker(actor)
    today = today or today_in_london()
    row = db.session.execute(
        select(
            *(
                func.coalesce(func.sum(sql_case((status_clause(s, today), 1), else_=0)), 0)
                for s in CheckStatus
            )
        )
    ).one()
    return dict(zip(CheckStatus, (int(n) for n in row), strict=True))


def list_checks(
    actor,
    status: CheckStatus | None,
    page: int,
    per_page: int,
    today: date | None = None,
    *,
    since: datetime | None = None,
    by_change: bool = False,
) -> tuple[list[ReoffendingCheck], int]:
    """One page of checks (all, or of one status; changed at or after ``since``) with
    their case and person, loaded in the same query. The work list puts due ones oldest
    first and done ones newest first; ``by_change`` orders by the last change, then id
    (the API's order). Audited."""
    _require_checker(actor)
    today = today or today_in_london()
    where = [] if status is None else [status_clause(status, today)]
    if since is not None:
        where.append(ReoffendingCheck.updated_at >= since)
    total = db.session.scalar(select(func.count(ReoffendingCheck.id)).where(*where)) or 0
    if by_change:
        order = (ReoffendingCheck.updated_at, ReoffendingCheck.id)
    elif status == CheckStatus.DONE:
        order = (ReoffendingCheck.checked_at.desc(), ReoffendingCheck.id)
    else:
        order = (ReoffendingCheck.due_on, ReoffendingCheck.id)
    checks = db.session.scalars(
        select(ReoffendingCheck)
        .where(*where)
        .order_by(*order)
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).unique()
    checks = list(checks)
    audit.record_list_read(
        "reoffending_check.listed",
        "reoffending_check",
        [check.id for check in checks],
        actor=actor,
        status=status.value if status else None,
        page=page,
        total=total,
    )
    return checks, total


def view_check(actor, check_id: uuid.UUID) -> ReoffendingCheck:
    """One check with its case (personal data): audited."""
    _require_checker(actor)
    check = db.session.get(ReoffendingCheck, check_id)
    if check is None:
        raise NotFound("No such reoffending check")
    audit.record("reoffending_check.viewed", "reoffending_check", check.id, actor=actor)
    db.session.commit()
    return check


# Recording ----------------------------------------------------------------------------


def result_problems(
    check: ReoffendingCheck, result: Result, today: date
) -> tuple[str | None, dict[str, str], Result]:
    """(the state problem, the field errors, the result cleaned). Writes nothing."""
    if check.checked_at is not None:
        return "This reoffending check has already been recorded", {}, result
    errors: dict[str, str] = {}
    reoffended = result.reoffended
    if not isinstance(reoffended, bool):
        return None, {"reoffended": "Select yes if the person has reoffended"}, result
    if not reoffended:
        if check.due_on > today:
            return (
                f"This check is not due until {long_date(check.due_on)}: 'did not reoffend' "
                "can only be recorded from then",
                {},
                result,
            )
        return None, {}, Result(reoffended=False)
    offence = result.reoffence
    if offence is not None and not isinstance(offence, str):
        errors["reoffence"] = "Enter the offence as text"
        offence = None
    offence = (offence or "").strip() or None
    if offence is not None and len(offence) > OFFENCE_MAX:
        errors["reoffence"] = f"Offence must be {OFFENCE_MAX} characters or fewer"
    on = result.reoffence_date
    start, end = window(check)
    if not isinstance(on, date) or isinstance(on, datetime):
        errors["reoffence_date"] = "Enter the date of the offence"
    elif not start <= on <= min(end, today):
        errors["reoffence_date"] = (
            "Date of the offence must be in the year the check covers, and not in the future"
        )
    offence_class = result.offence_class or None
    if offence_class is not None and (
        not isinstance(offence_class, str) or offence_class not in OFFENCE_CLASSES
    ):
        errors["offence_class"] = "Select the class of the offence"
    elif offence_class is None and offence is None and "reoffence" not in errors:
        errors["offence_class"] = "Enter the offence or select its class"
    harm = result.harm_days
    if harm is not None and (
        isinstance(harm, bool) or not isinstance(harm, int) or not 0 <= harm <= HARM_DAYS_MAX
    ):
        errors["harm_days"] = f"Crime harm must be a whole number of days from 0 to {HARM_DAYS_MAX}"
    cleaned = Result(True, on, offence_class, harm, offence)
    return None, errors, cleaned


def apply_result(actor, check: ReoffendingCheck, result: Result, **details) -> None:
    """Write a checked, valid result with its audit entry and timeline event (no commit)."""
    check.reoffended = result.reoffended
    check.reoffence_date = result.reoffence_date
    check.offence_class = result.offence_class
    check.harm_days = result.harm_days
    check.reoffence = result.reoffence
    check.checked_at = utcnow()
    check.checked_by_id = actor.id
    audit.record(
        "reoffending_check.recorded",
        "reoffending_check",
        check.id,
        actor=actor,
        details={"case_id": str(check.case_id), "reoffended": result.reoffended, **details},
    )
    add_event(
        db.session.get(Case, check.case_id),
        "reoffending.checked",
        "Reoffending check recorded: "
        + ("reoffended within the year" if result.reoffended else "no reoffending found"),
        actor=actor,
    )


def record_check(
    actor, check_id: uuid.UUID, result: Result, *, today: date | None = None
) -> ReoffendingCheck:
    """Record the result of a check (once). See the module's rules."""
    _require_checker(actor)
    today = today or today_in_london()
    check = db.session.scalar(
        select(ReoffendingCheck)
        .where(ReoffendingCheck.id == check_id)
        .with_for_update(of=ReoffendingCheck)
    )
    if check is None:
        raise NotFound("No such reoffending check")
    state, errors, cleaned = result_problems(check, result, today)
    if state is not None:
        db.session.rollback()
        error = AlreadyRecorded if check.checked_at is not None else InvalidState
        raise error(state)
    if errors:
        db.session.rollback()
        raise InvalidInput(errors, "The check is not complete")
    apply_result(actor, check, cleaned)
    db.session.commit()
    return check
