"""A historic-cases file that mirrors the practice note's evaluation (shared/DOMAIN.md):
383 referred, 336 completed and 47 opted out; every reoffending check done; 64 of the
completers (19.0%) and 19 of the opt-outs (40.4%) reoffended within 365 days.

``practice_note_csv()`` is the file for ``POST /api/v1/imports/historic-cases`` (or the
import page); the constants say what it holds. Everything is deterministic and dated
2018 to 2023, so every check was due and done long before any test runs. People vary in
age (18-25 and older), sex and offence class; reoffences carry a crime harm score.
"""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

from app.imports.rows import COLUMNS

COMPLETED = 336
COMPLETED_REOFFENDED = 64
OPTED_OUT = 47
OPTED_OUT_REOFFENDED = 19
REFERRED = COMPLETED + OPTED_OUT  # 383
FIRST_REFERRAL = date(2018, 1, 8)
CONTRACT_DAYS = 112
CHECK_DAYS = 365


def harm_of(index: int) -> int:
    """The crime harm (days) given to the reoffence on row ``index`` (0-based)."""
    return 2 + (index * 7) % 60


def rows() -> list[dict[str, str]]:
    """One dict per case, by column."""
    out = []
    for i in range(REFERRED):
        completed = i < COMPLETED
        n = i if completed else i - COMPLETED
        reoffended = n < (COMPLETED_REOFFENDED if completed else OPTED_OUT_REOFFENDED)
        referred = FIRST_REFERRAL + timedelta(days=4 * i)
        committed = referred - timedelta(days=9 + i % 20)
        # Ages at the offence from 18 to 52: about a third are 18-25.
        born = committed - timedelta(days=365 * (18 + (i * 5) % 35) + 40 + i % 200)
        before_contract = not completed and n % 2 == 0
        start = None if before_contract else referred + timedelta(days=10 + i % 15)
        if completed:
            outcome = start + timedelta(days=CONTRACT_DAYS)
        elif start is None:
            outcome = referred + timedelta(days=20)
        else:
            outcome = start + timedelta(days=30 + i % 40)
        due = outcome + timedelta(days=CHECK_DAYS)
        out.append(
            {
                "crime_reference": f"PN/{i + 1:05d}/{referred:%y}",
                "given_name": f"Given{i + 1}",
                "family_name": f"Family{i + 1}",
                "date_of_birth": born.isoformat(),
                "sex": ("male", "female", "male", "not_stated")[i % 4],
                "offence_class": ("summary", "either_way")[i % 2],
                "committed_on": committed.isoformat(),
                "referred_on": referred.isoformat(),
                "contract_start": start.isoformat() if start else "",
                "result": "completed" if completed else "opted_out",
                "outcome_date": outcome.isoformat(),
                "checked_on": (due + timedelta(days=3 + i % 10)).isoformat(),
                "reoffended": "yes" if reoffended else "no",
                "reoffence_date": (due - timedelta(days=30 + i % 300)).isoformat()
                if reoffended
                else "",
                "harm_days": str(harm_of(i)) if reoffended else "",
            }
        )
    return out


def practice_note_csv() -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows())
    return out.getvalue()


def harm_totals() -> tuple[int, int]:
    """(completers', opt-outs') total crime harm of their reoffences, in days."""
    completers = sum(harm_of(i) for i in range(COMPLETED_REOFFENDED))
    opt_outs = sum(harm_of(COMPLETED + i) for i in range(OPTED_OUT_REOFFENDED))
    return completers, opt_outs
