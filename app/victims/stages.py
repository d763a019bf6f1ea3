"""What victims are told about a case, as words: the stage in plain English, the overall
picture, the outcome, and which condition types concern them (the redacted view in
``app.victims.redacted`` and the victims' lists use these; nothing here reads a record)."""

from __future__ import annotations

from app.cases.models import CaseStatus
from app.contracts.models import ConditionType

# The stage of the case in plain English, from its status: (stage, text for the victim).
STAGES = {
    CaseStatus.ELIGIBLE: (
        "being_considered",
        "The person responsible has been found suitable for deferred prosecution. No "
        "contract has been agreed yet.",
    ),
    CaseStatus.ALLOCATED: (
        "being_considered",
        "A keyworker is working with the person responsible to agree a contract. No "
        "contract has been agreed yet.",
    ),
    CaseStatus.INELIGIBLE: (
        "not_on_scheme",
        "The case was not suitable for deferred prosecution, so it is being dealt with "
        "in another way.",
    ),
    CaseStatus.ACTIVE: (
        "contract_in_progress",
        "The person responsible has agreed a 16-week contract of conditions and is "
        "working through it.",
    ),
    CaseStatus.COMPLETED: (
        "completed",
        "The person responsible completed their contract, so they will not be "
        "prosecuted for this offence.",
    ),
    CaseStatus.BREACHED: (
        "referred_for_prosecution",
        "The person responsible did not keep to their contract, so the case has been "
        "referred for prosecution.",
    ),
    CaseStatus.OPTED_OUT: (
        "referred_for_prosecution",
        "The person responsible chose to leave the scheme, so the case has been referred "
        "for prosecution.",
    ),
    CaseStatus.WITHDRAWN: (
        "closed",
        "The case is no longer being dealt with by deferred prosecution.",
    ),
}
STAGE_LABELS = {
    "being_considered": "Being considered",
    "not_on_scheme": "Not on the scheme",
    "contract_in_progress": "Contract in progress",
    "completed": "Completed",
    "referred_for_prosecution": "Referred for prosecution",
    "closed": "Closed",
}
STAGE_CODES = sorted(STAGE_LABELS)

OVERALL = {
    "on_track": "On track",
    "concerns": "Concerns",
    "completed": "Completed",
    "not_completed_referred_for_prosecution": "Not completed: referred for prosecution",
    "not_on_scheme": "Not on the scheme",
}
OVERALL_CODES = list(OVERALL)
OVERALL_TAGS = {
    "on_track": "govuk-tag--green",
    "concerns": "govuk-tag--orange",
    "completed": "govuk-tag--teal",
    "not_completed_referred_for_prosecution": "govuk-tag--red",
    "not_on_scheme": "govuk-tag--grey",
}
OUTCOME_TEXTS = {
    "24": "Completed: crime outcome 24 (deferred prosecution, adult)",
    "23": "Completed: crime outcome 23 (deferred prosecution, child)",
    "22": "Completed: crime outcome 22 (diversionary activity)",
    "charge": "Charge: the prosecution goes ahead",
}
# The condition types the victim is told about; restrictive ones only when they
# protect the victim. Rehabilitative conditions never.
VICTIM_TYPES = (ConditionType.RESTORATIVE.value, ConditionType.REPARATIVE.value)
CLOSED = frozenset(
    {CaseStatus.COMPLETED, CaseStatus.BREACHED, CaseStatus.OPTED_OUT, CaseStatus.WITHDRAWN}
)


def stage_of(status: str) -> tuple[str, str]:
    return STAGES[CaseStatus(status)]


def overall_of(status: str, any_not_met: bool, open_concern: bool) -> str:
    status = CaseStatus(status)
    if status == CaseStatus.COMPLETED:
        return "completed"
    if status in (CaseStatus.BREACHED, CaseStatus.OPTED_OUT):
        return "not_completed_referred_for_prosecution"
    if status in (CaseStatus.INELIGIBLE, CaseStatus.WITHDRAWN):
        return "not_on_scheme"
    if any_not_met or open_concern:
        return "concerns"
    return "on_track"
