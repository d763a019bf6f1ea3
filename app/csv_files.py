"""CSV files in and out: uploads read and checked row by row, downloads written safely.

An upload's rows are numbered as a spreadsheet shows them: the header is row 1, so the
first row of data is row 2. Problems are reported per row, each message naming its
column ("reoffended: Enter yes or no"), and ``RowProblems`` carries all of them at once.
Cells written to a download that a spreadsheet would run as a formula (starting with
=, +, -, @, a tab or a carriage return) are prefixed with an apostrophe.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from app.errors import ValidationFailed
from app.schema_fields import EARLIEST_YEAR, LATEST_YEAR
from app.text import unstorable

MAX_ROWS = 10_000
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
UK_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class RowProblems(ValidationFailed):
    """Rows at fault: ``rows`` maps "row N" (or "file") to its messages."""

    code = "invalid_rows"

    def __init__(self, rows: dict[str, list[str]], message: str | None = None):
        count = len([key for key in rows if key.startswith("row ")])
        super().__init__(
            message
            or (
                f"{count} row{'s' if count != 1 else ''} of the file need correcting: "
                "nothing was recorded"
                if count
                else "The file cannot be read: nothing was recorded"
            )
        )
        self.rows = rows


def row_key(number: int) -> str:
    return f"row {number}"


@dataclass(frozen=True)
class Row:
    number: int  # as a spreadsheet shows it: the header is row 1
    values: dict[str, str]  # every column of the header, trimmed ("" when empty)
    extra_cells: bool  # more cells than the header has columns

    @property
    def key(self) -> str:
        return row_key(self.number)


def read_rows(
    data: bytes | str,
    *,
    required: Iterable[str],
    allowed: Iterable[str],
    max_rows: int = MAX_ROWS,
) -> list[Row]:
    """Each row that is not blank, its cells by column; RowProblems
    (key "file") when the file is not UTF-8 CSV, or its header lacks a required column or
    has one we do not know."""
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise RowProblems({"file": ["The file must be a CSV file saved as UTF-8"]}) from None
    data = data.removeprefix("\ufeff")
    problem = unstorable(data)  # a NUL would reach the database
    if problem:
        raise RowProblems({"file": [f"The file must not contain {problem}"]})
    reader = csv.reader(io.StringIO(data, newline=""))
    try:
        header = next(reader, None)
        if header is None:
            raise RowProblems({"file": ["The file is empty"]})
        columns = [name.strip().lower() for name in header]
        problems = []
        missing = [name for name in required if name not in columns]
        if missing:
            problems.append(f"The header row must include the column {', '.join(missing)}")
        unknown = [name for name in columns if name and name not in set(allowed)]
        if unknown:
            problems.append(f"The header row has columns we do not know: {', '.join(unknown)}")
        if len(set(columns)) != len(columns):
            problems.append("The header row names a column twice")
        if problems:
            raise RowProblems({"file": problems})
        rows = []
        for number, cells in enumerate(reader, start=2):
            if not any(cell.strip() for cell in cells):
                continue
            if len(rows) >= max_rows:
                raise RowProblems({"file": [f"The file must have {max_rows} rows or fewer"]})
            values = dict.fromkeys(columns, "")
            for name, cell in zip(columns, cells, strict=False):
                values[name] = cell.strip()
            extra = any(cell.strip() for cell in cells[len(columns) :])
            rows.append(Row(number, values, extra))
    except csv.Error:
        raise RowProblems({"file": ["The file is not a valid CSV file"]}) from None
    return rows


def parse_date(text: str) -> date | None:
    """YYYY-MM-DD, or DD/MM/YYYY as a spreadsheet saves it in the UK; None if neither, or
    if it falls outside the years the hub takes (app.schema_fields)."""
    try:
        if match := UK_DATE.match(text):
            day, month, year = (int(part) for part in match.groups())
            found = date(year, month, day)
        else:
            found = date.fromisoformat(text) if ISO_DATE.match(text) else None
    except ValueError:
        return None
    if found is None or not EARLIEST_YEAR <= found.year <= LATEST_YEAR:
        return None
    return found


def neutralise_formula(value):
    """Text a spreadsheet would run as a formula is written as text (CSV injection);
    anything else is returned as it is."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _safe(value) -> str:
    if value is None:
        return ""
    return neutralise_formula(value.isoformat() if isinstance(value, date) else str(value))


def write_csv(header: list[str], rows: Iterable[Iterable]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_safe(value) for value in row])
    return out.getvalue()
