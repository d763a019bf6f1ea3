"""Downloads: every table of a report as CSV or as an Excel workbook, with the filters
written into the first rows, and the audit entry every download leaves (who, which
report, which filters: never personal data)."""

from __future__ import annotations

import csv
import io
import re
import uuid

from app.audit import services as audit
from app.csv_files import neutralise_formula
from app.database import utcnow
from app.extensions import db
from app.reports.filters import ReportFilters
from app.reports.presenting import Table, cell_value, download_label

CSV_MIMETYPE = "text/csv; charset=utf-8"
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")


def heading_rows(title: str, described: list[tuple[str, str]]) -> list[list[str]]:
    produced = utcnow().strftime("%Y-%m-%d %H:%M UTC")
    return [["Report", title], ["Produced", produced], *([label, v] for label, v in described)]


def _table_rows(table: Table) -> list[list]:
    rows = [[download_label(c) for c in table.columns]]
    for row in table.rows:
        rows.append(
            [
                neutralise_formula(cell_value(v, c.kind))
                for v, c in zip(row, table.columns, strict=True)
            ]
        )
    return rows


def to_csv(title: str, described: list[tuple[str, str]], tables: tuple[Table, ...]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerows(
        [[neutralise_formula(v) for v in row] for row in heading_rows(title, described)]
    )
    for table in tables:
        writer.writerow([])
        writer.writerow([neutralise_formula(table.title)])
        writer.writerows(_table_rows(table))
        if table.caption:
            writer.writerow([neutralise_formula(table.caption)])
    return buffer.getvalue().encode("utf-8-sig")  # the BOM lets Excel read UTF-8


def _sheet_title(title: str, used: set[str]) -> str:
    base = SHEET_NAME_BAD.sub(" ", title)[:28] or "Sheet"
    name, n = base, 1
    while name.lower() in used:
        n += 1
        name = f"{base[:26]} {n}"
    used.add(name.lower())
    return name


def to_xlsx(title: str, described: list[tuple[str, str]], tables: tuple[Table, ...]) -> bytes:
    from openpyxl import Workbook  # imported when a workbook is asked for
    from openpyxl.styles import Font

    workbook = Workbook()
    workbook.remove(workbook.active)
    used: set[str] = set()
    bold = Font(bold=True)
    for table in tables:
        sheet = workbook.create_sheet(_sheet_title(table.title, used))
        for row in heading_rows(title, described):
            sheet.append([neutralise_formula(v) for v in row])
        sheet.append([])
        sheet.append([neutralise_formula(table.title)])
        sheet.cell(row=sheet.max_row, column=1).font = bold
        for i, row in enumerate(_table_rows(table)):
            sheet.append(row)
            if i == 0:
                for cell in sheet[sheet.max_row]:
                    cell.font = bold
        if table.caption:
            sheet.append([neutralise_formula(table.caption)])
        sheet.column_dimensions["A"].width = 40
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def render(fmt: str, title: str, described, tables) -> tuple[bytes, str]:
    if fmt == "xlsx":
        return to_xlsx(title, described, tables), XLSX_MIMETYPE
    return to_csv(title, described, tables), CSV_MIMETYPE


def record_download(
    actor,
    report: str,
    fmt: str,
    filters: ReportFilters | None,
    *,
    organisation_id: uuid.UUID | None = None,
) -> None:
    """Audit a download (its own transaction): the report, the format and the filters."""
    details = {"report": report, "format": fmt}
    if filters is not None:
        details["filters"] = filters.audit_details()
    if organisation_id is not None:
        details["organisation_id"] = str(organisation_id)
    audit.record("report.downloaded", "report", report, actor=actor, details=details)
    db.session.commit()
