"""Importing historic cases (supervisors and administrators; shared/API.md, round 2).

The body is the CSV file itself (``text/csv``, UTF-8, header row first). Every row valid:
201 ``{imported: n}``; a dry run (``?dry_run=true``) checks only: 200 ``{imported: 0,
valid: n, dry_run: true}``; any row at fault: 422 with ``errors: {"row N": [messages]}``
(rows numbered as a spreadsheet shows them: the header is row 1) and nothing written.
"""

from __future__ import annotations

from flask import request
from flask_login import current_user
from flask_smorest import Blueprint, abort
from marshmallow import Schema, fields

from app.api.errors import CSV_MEDIA_TYPE, csv_body, require_csv
from app.auth.permissions import roles_required
from app.auth.roles import Role
from app.csv_files import RowProblems
from app.imports import historic
from app.imports.rows import COLUMNS

blp = Blueprint(
    "api_imports", __name__, url_prefix="/imports", description="Historic records (import)"
)
EXAMPLE = (
    ",".join(COLUMNS) + "\r\n"
    "CR/01234/19,Alex,Example,1990-05-17,male,summary,2019-01-10,2019-01-20,2019-02-01,"
    "completed,2019-05-24,2020-05-30,no,,\r\n"
)


class DryRunQuerySchema(Schema):
    dry_run = fields.Boolean(
        load_default=False,
        metadata={"description": "true: check every row and write nothing"},
    )


class ImportedSchema(Schema):
    imported = fields.Integer(metadata={"description": "Cases written (0 on a dry run)"})
    valid = fields.Integer(metadata={"description": "Rows checked and found valid"})
    dry_run = fields.Boolean()


@blp.route("/historic-cases", methods=["POST"])
@roles_required(Role.SUPERVISOR, Role.ADMIN)
@blp.arguments(DryRunQuerySchema, location="query")
@blp.response(201, ImportedSchema)
@blp.alt_response(200, schema=ImportedSchema, description="A dry run: every row is valid")
@blp.alt_response(403, description="Only supervisors and administrators import")
@blp.alt_response(
    422,
    description="Some rows are at fault: `errors` maps `row N` (or `file`) to its "
    "messages, each naming its column; nothing was written",
)
@blp.doc(
    requestBody={
        "required": True,
        "description": "The CSV file: a header row with the columns "
        + ", ".join(f"`{c}`" for c in COLUMNS)
        + ", then one row per case. Dates YYYY-MM-DD; `result` completed, opted_out or "
        "breached; `reoffended` yes, no, or empty when not checked yet.",
        "content": {CSV_MEDIA_TYPE: {"schema": {"type": "string"}, "example": EXAMPLE}},
    }
)
@csv_body
def import_historic_cases(query):
    """Import historic cases from a CSV file (all rows or none)."""
    require_csv()
    try:
        result = historic.import_cases(
            current_user, request.get_data(cache=False), dry_run=query["dry_run"]
        )
    except RowProblems as invalid:
        abort(422, message=invalid.message, code=invalid.code, errors=invalid.rows)
    body = {"imported": result.imported, "valid": result.rows, "dry_run": result.dry_run}
    return (body, 200) if result.dry_run else body
