"""The suggested update: plain English for the victim, written from the redacted
victim-update view alone (so it can hold nothing the view does not). The officer edits
it before reading it out or sending it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.contracts.progress import ConditionStatus
from app.text import long_date

if TYPE_CHECKING:
    from app.victims.redacted import VictimCondition, VictimUpdateView

STATUS_TEXTS = {
    ConditionStatus.NOT_STARTED: "not started yet",
    ConditionStatus.IN_PROGRESS: "in progress",
    ConditionStatus.MET: "done",
    ConditionStatus.NOT_MET: "not done",
}

# A restrictive condition is in place from the start, rather than "started".
PROTECTION_TEXTS = {
    ConditionStatus.NOT_STARTED: "in place",
    ConditionStatus.IN_PROGRESS: "in place",
    ConditionStatus.MET: "kept to",
    ConditionStatus.NOT_MET: "not kept to",
}


def _condition_sentence(condition: VictimCondition) -> str:
    text = condition.description.strip().rstrip(".")
    kind = (
        "a condition to protect you"
        if condition.protects_victim
        else f"a {condition.type_label.lower()} condition"
    )
    texts = PROTECTION_TEXTS if condition.protects_victim else STATUS_TEXTS
    return f"- {text} ({kind}): {texts[ConditionStatus(condition.status)]}."


OVERALL_SENTENCES = {
    "on_track": "So far, the person responsible is keeping to their contract.",
    "concerns": (
        "We have some concerns about how the person responsible is keeping to their "
        "contract, and their keyworker is dealing with them."
    ),
    "completed": "",
    "not_completed_referred_for_prosecution": "",
    "not_on_scheme": "",
}


def suggested_update(view: VictimUpdateView) -> str:
    """A plain-English update for the victim, built from the redacted view only. The
    officer edits it before reading it out or sending it."""
    lines = [f"This is an update about crime reference {view.crime_reference}.", ""]
    lines.append(view.stage_text)
    if view.contract_start and view.contract_end:
        if view.closed:
            lines.append(
                f"The contract started on {long_date(view.contract_start)} and was due to end "
                f"on {long_date(view.contract_end)}."
            )
        else:
            lines.append(
                f"The contract started on {long_date(view.contract_start)} and is expected to "
                f"end on {long_date(view.contract_end)}."
            )
    if view.conditions:
        lines += ["", "The conditions of the contract that concern you:"]
        lines += [_condition_sentence(condition) for condition in view.conditions]
    elif view.contract_start:
        lines += ["", "None of the conditions of the contract concern you directly."]
    sentence = OVERALL_SENTENCES[view.overall]
    if sentence:
        lines += ["", sentence]
    if view.outcome_code and view.outcome_decided_on:
        lines += ["", f"The outcome was decided on {long_date(view.outcome_decided_on)}."]
    lines += [
        "",
        "If you have any questions, or would like support, please contact the victim liaison team.",
    ]
    return "\n".join(lines)
