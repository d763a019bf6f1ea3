"""One row of a historic-cases file, read and checked (shared/API.md, "Additions, round 2").

``check_row`` is pure: it turns a row's cells into a ``HistoricCase`` or a list of
problems, each naming its column ("outcome_date: ..."). The rules:

* crime_reference, given_name, family_name, date_of_birth, offence_class, committed_on,
  referred_on, result and outcome_date are needed; sex is optional (not_stated).
* Dates are YYYY-MM-DD (DD/MM/YYYY as a UK spreadsheet saves it is read too), none in
  the future, and in order: born before the offence, the offence on or before the
  referral, the referral on or before the contract's start, the start on or before the
  outcome.
* A completed or breached case had a contract: contract_start is needed. An opt-out may
  come before the contract (contract_start empty).
* reoffended empty: the check is not done yet (checked_on, reoffence_date and harm_days
  stay empty). yes or no: checked_on is needed, on or before today; "no" only on or after
  the check's due date (365 days after the contract ended for a completion, after the
  outcome for an opt-out or breach); "yes" needs reoffence_date, in the year checked and
  not after checked_on; harm_days (crime harm in days) is optional, for a reoffence only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app.cases.intake import CRIME_REFERENCE, CRIME_REFERENCE_MAX, EARLIEST_BIRTH, NAME_MAX
from app.cases.models import OffenceClass, Sex
from app.csv_files import parse_date
from app.dates import contract_end
from app.outcomes.checks import HARM_DAYS_MAX, REOFFENDING_CHECK_DAYS, due_on_for
from app.outcomes.models import OutcomeResult

COLUMNS = [
    "crime_reference",
    "given_name",
    "family_name",
    "date_of_birth",
    "sex",
    "offence_class",
    "committed_on",
    "referred_on",
    "contract_start",
    "result",
    "outcome_date",
    "checked_on",
    "reoffended",
    "reoffence_date",
    "harm_days",
]
REQUIRED = [
    "crime_reference",
    "given_name",
    "family_name",
    "date_of_birth",
    "offence_class",
    "committed_on",
    "referred_on",
    "result",
    "outcome_date",
]
RESULTS = {r.value for r in OutcomeResult}
ANSWERS = {"yes": True, "no": False}


@dataclass(frozen=True)
class HistoricCase:
    crime_reference: str
    given_name: str
    family_name: str
    date_of_birth: date
    sex: str
    offence_class: str
    committed_on: date
    referred_on: date
    contract_start: date | None
    result: str
    outcome_date: date
    due_on: date
    checked_on: date | None
    reoffended: bool | None
    reoffence_date: date | None
    harm_days: int | None

    @property
    def contract_end(self) -> date | None:
        return contract_end(self.contract_start) if self.contract_start else None


class _Reader:
    def __init__(self, values: dict[str, str], today: date):
        self.values = values
        self.today = today
        self.problems: list[str] = []

    def problem(self, column: str, message: str) -> None:
        self.problems.append(f"{column}: {message}")

    def text(self, column: str, label: str, limit: int) -> str | None:
        value = self.values.get(column, "")
        if not value:
            self.problem(column, f"Enter the {label}")
            return None
        if len(value) > limit:
            self.problem(column, f"{label.capitalize()} must be {limit} characters or fewer")
            return None
        return value

    def date(self, column: str, label: str, *, needed: bool = True) -> date | None:
        raw = self.values.get(column, "")
        if not raw:
            if needed:
                self.problem(column, f"Enter the {label}")
            return None
        day = parse_date(raw)
        if day is None:
            self.problem(column, f"Enter the {label} as a real date, like 2024-03-27")
        elif day > self.today:
            self.problem(column, f"The {label} must be today or in the past")
            return None
        elif day < EARLIEST_BIRTH:
            self.problem(column, f"The {label} must be after 1 January 1900")
            return None
        return day

    def choice(self, column: str, allowed: set[str], hint: str, default: str | None = None):
        raw = self.values.get(column, "").lower()
        if not raw and default is not None:
            return default
        if raw not in allowed:
            self.problem(column, f"Enter {hint}")
            return None
        return raw

    def before(self, earlier, later, column: str, message: str) -> None:
        if earlier is not None and later is not None and earlier > later:
            self.problem(column, message)


def check_row(values: dict[str, str], today: date) -> tuple[HistoricCase | None, list[str]]:
    """The row as a historic case, or its problems (see the module's rules)."""
    r = _Reader(values, today)
    reference = r.text("crime_reference", "crime reference", CRIME_REFERENCE_MAX)
    if reference is not None and not CRIME_REFERENCE.match(reference):
        r.problem(
            "crime_reference",
            "Crime reference must only include letters, numbers, slashes (/) and hyphens (-)",
        )
    given = r.text("given_name", "first name", NAME_MAX)
    family = r.text("family_name", "last name", NAME_MAX)
    born = r.date("date_of_birth", "date of birth")
    sex = r.choice(
        "sex", {s.value for s in Sex}, "female, male or not_stated", Sex.NOT_STATED.value
    )
    offence_class = r.choice(
        "offence_class", {c.value for c in OffenceClass}, "summary, either_way or indictable"
    )
    committed = r.date("committed_on", "date of the offence")
    referred = r.date("referred_on", "date of referral")
    result = r.choice("result", RESULTS, "completed, opted_out or breached")
    started = r.date("contract_start", "contract's start date", needed=False)
    decided = r.date("outcome_date", "outcome date")
    r.before(born, committed, "date_of_birth", "The date of birth must be before the offence")
    if born is not None and committed is not None and born == committed:
        r.problem("date_of_birth", "The date of birth must be before the offence")
    r.before(committed, referred, "referred_on", "The referral cannot be before the offence")
    r.before(referred, started, "contract_start", "The contract cannot start before the referral")
    r.before(referred, decided, "outcome_date", "The outcome cannot be before the referral")
    r.before(started, decided, "outcome_date", "The outcome cannot be before the contract start")
    if result in (OutcomeResult.COMPLETED, OutcomeResult.BREACHED) and not values.get(
        "contract_start"
    ):
        r.problem("contract_start", f"Enter the contract's start date: a {result} case had one")

    due_on = None
    if result is not None and decided is not None:
        end = contract_end(started) if started else None
        due_on = due_on_for(result, decided, end)
    reoffended, checked, on, harm = _check(r, values, due_on)
    if r.problems:
        return None, r.problems
    return HistoricCase(
        crime_reference=reference,
        given_name=given,
        family_name=family,
        date_of_birth=born,
        sex=sex,
        offence_class=offence_class,
        committed_on=committed,
        referred_on=referred,
        contract_start=started,
        result=result,
        outcome_date=decided,
        due_on=due_on,
        checked_on=checked,
        reoffended=reoffended,
        reoffence_date=on,
        harm_days=harm,
    ), []


def _check(r: _Reader, values: dict[str, str], due_on: date | None):
    """The reoffending check's columns: (reoffended, checked_on, reoffence_date, harm)."""
    answer = values.get("reoffended", "").lower()
    if not answer:
        for column in ("checked_on", "reoffence_date", "harm_days"):
            if values.get(column):
                r.problem(column, "Leave this empty when reoffended is empty (not checked yet)")
        return None, None, None, None
    if answer not in ANSWERS:
        r.problem("reoffended", "Enter yes, no, or leave it empty if not checked yet")
        return None, None, None, None
    reoffended = ANSWERS[answer]
    checked = r.date("checked_on", "date of the check")
    if not reoffended:
        if checked is not None and due_on is not None and checked < due_on:
            r.problem(
                "reoffended",
                f"'no' can only be recorded once the check is due ({due_on.isoformat()}); "
                "the check was on an earlier date",
            )
        for column in ("reoffence_date", "harm_days"):
            if values.get(column):
                r.problem(column, "Leave this empty when reoffended is no")
        return False, checked, None, None
    on = r.date("reoffence_date", "date of the reoffence")
    if on is not None and due_on is not None:
        start = due_on.toordinal() - REOFFENDING_CHECK_DAYS
        if not start <= on.toordinal() <= due_on.toordinal():
            r.problem("reoffence_date", "The reoffence must be in the year the check covers")
        elif checked is not None and on > checked:
            r.problem("reoffence_date", "The reoffence cannot be after the date of the check")
    raw_harm = values.get("harm_days", "")
    harm = None
    if raw_harm:
        if not raw_harm.isdigit() or int(raw_harm) > HARM_DAYS_MAX:
            r.problem("harm_days", f"Enter a whole number of days from 0 to {HARM_DAYS_MAX}")
        else:
            harm = int(raw_harm)
    return True, checked, on, harm
