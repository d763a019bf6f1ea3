"""One JSON object per log line. Messages carry ids and event names, never personal data.

An exception is logged as its traceback (where the code failed) and the type of each
exception in its chain, but not their messages: a database error's message can quote the
row it refused (PostgreSQL's "Failing row contains (...)", "Key (email)=(...)") and other
errors can quote the request body. A database error keeps what names the failure without
its data: the SQL with its placeholders, the SQLSTATE and the constraint, table and
column. (The engine hides statement parameters too: ``hide_parameters`` in app.config.)
"""

from __future__ import annotations

import json
import logging
import traceback
from datetime import UTC, datetime

RESERVED = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}
WITHHELD = "(message withheld: it may hold personal data)"
# Parts of a driver's diagnostics that name the schema, never the data.
_DIAGNOSTICS = ("sqlstate", "constraint_name", "table_name", "column_name")


def _driver_error(error: BaseException) -> str:
    diag = getattr(error, "diag", None)  # psycopg
    if diag is not None:
        parts = [f"{name}={getattr(diag, name)}" for name in _DIAGNOSTICS if getattr(diag, name)]
        return " ".join(parts) or WITHHELD
    name = getattr(error, "sqlite_errorname", None)  # sqlite3
    return f"sqlite_errorname={name}" if name else WITHHELD


def safe_message(error: BaseException) -> str:
    """What may be logged of an exception's message."""
    from sqlalchemy.exc import DBAPIError, StatementError

    if isinstance(error, StatementError):
        parts = [f"[SQL: {error.statement}]"] if error.statement else []
        if isinstance(error, DBAPIError) and error.orig is not None:
            parts.insert(0, f"({type(error.orig).__name__}) {_driver_error(error.orig)}")
        return " ".join(parts) or WITHHELD
    if type(error).__module__.startswith(("psycopg", "sqlite3")):
        return _driver_error(error)
    return WITHHELD


def format_exception(error: BaseException) -> str:
    """The traceback of ``error`` and the errors it was raised from or during, oldest first
    (as Python prints them), each with its type and ``safe_message``."""
    parts: list[str] = []
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        kind = type(current)
        block = [
            "Traceback (most recent call last):\n",
            *traceback.format_tb(current.__traceback__),
            f"{kind.__module__}.{kind.__qualname__}: {safe_message(current)}\n",
        ]
        if current.__cause__ is not None:
            link = "The above exception was the direct cause of the following exception"
            following = current.__cause__
        elif current.__context__ is not None and not current.__suppress_context__:
            link = "During handling of the above exception, another exception occurred"
            following = current.__context__
        else:
            link, following = "", None
        parts.insert(0, "".join(block))
        if following is not None:
            parts.insert(0, f"\n{link}:\n\n")
        current = following
    return "".join(parts).rstrip("\n")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update({k: v for k, v in vars(record).items() if k not in RESERVED})
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)

    def formatException(self, ei) -> str:  # noqa: N802 (logging's name)
        return format_exception(ei[1]) if ei[1] is not None else ""


def configure_logging(level: str) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
