"""The Home Office crime outcome a case's ending is recorded with: one rule for live
decisions, historic imports and demonstration data alike.

A completed deferred prosecution is outcome 24 for an adult and 23 for a child (age on
the offence date) from 1 April 2026; before then it was outcome 22 (diversionary,
educational or intervention activity). Opting out and breach lead to charge.
"""

from __future__ import annotations

from datetime import date

from app.dates import age_on
from app.outcomes.models import OutcomeResult

ADULT_AGE = 18
OUTCOME_24_FROM = date(2026, 4, 1)  # completions decided before this day are outcome 22


def crime_outcome(result: str, *, born: date, committed_on: date, decided_on: date) -> str:
    if result != OutcomeResult.COMPLETED.value:
        return "charge"
    if decided_on < OUTCOME_24_FROM:
        return "22"
    return "24" if age_on(born, committed_on) >= ADULT_AGE else "23"
