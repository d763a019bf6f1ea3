"""Completing a case before its time, or without its exit steps: warned, then confirmed with
a reason.

A completion proposed by the keyworker (or decided directly by a supervisor) is refused
with ``confirmation_required`` (422) while any of these holds, until the proposer confirms
it (``confirmed``) and gives the reason:

* the contract has not reached its end date;
* the exit needs assessment has not been recorded;
* the person's ending survey has not been recorded (it can be taken from week 14 of the
  contract, at the exit meeting).

The reason is recorded with the proposal, and its audit entry names what was confirmed.
Approving a proposal needs nothing more from the supervisor, whose decision page shows the
same warnings with the evidence.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app.assessments.models import AssessmentStage
from app.assessments.services import assessments_by_stage
from app.cases.models import Case
from app.dates import today_in_london
from app.errors import InvalidInput
from app.outcomes.followup import person_survey
from app.outcomes.models import OutcomeResult
from app.text import long_date


@dataclass(frozen=True)
class Warning:
    code: str
    text: str


class ConfirmationRequired(InvalidInput):
    code = "confirmation_required"


def missing_exit_steps(case: Case) -> list[Warning]:
    """The exit steps not taken yet: the exit needs assessment, the person's ending survey."""
    missing = []
    if AssessmentStage.EXIT.value not in assessments_by_stage(case):
        missing.append(
            Warning("no_exit_assessment", "The exit needs assessment has not been recorded")
        )
    if person_survey(case.id) is None:
        missing.append(
            Warning("no_ending_survey", "The person's ending survey has not been recorded")
        )
    return missing


def warnings_for(case: Case, today: date | None = None) -> list[Warning]:
    """Why completing ``case`` now needs confirming (nothing: it can be completed)."""
    today = today or today_in_london()
    found = []
    contract = case.contract
    if contract is not None and today < contract.end_date:
        found.append(
            Warning(
                "before_end_date",
                f"The contract does not end until {long_date(contract.end_date)}",
            )
        )
    return found + missing_exit_steps(case)


def check_confirmed(case: Case, result: str, reason: str | None, confirmed: bool) -> list[str]:
    """The codes of the warnings a completion was confirmed despite; refuses it when they
    were not confirmed, or no reason was given."""
    if result != OutcomeResult.COMPLETED.value:
        return []
    found = warnings_for(case)
    if not found:
        return []
    errors = {}
    if not confirmed:
        errors["confirmed"] = "Confirm that the case should be completed now: " + "; ".join(
            warning.text[0].lower() + warning.text[1:] for warning in found
        )
    if reason is None:
        errors["reason"] = "Enter the reason for completing the case now"
    if errors:
        raise ConfirmationRequired(errors, "Completing the case now needs confirming")
    return [warning.code for warning in found]
