"""Backing up the hub's database to a file, and restoring it from one.

* PostgreSQL: ``pg_dump`` in its custom format (compressed, restored with ``pg_restore``
  in one transaction, so a failed restore leaves the database as it was). The client
  tools must be at least the server's version. The password goes to the tools through
  the environment (``PGPASSWORD``), never on their command line.
* SQLite: the online backup API (``sqlite3.Connection.backup``), which copies a
  consistent snapshot while the hub keeps running; restoring copies the file's pages
  back the same way.

A restore refuses to replace a database that holds data (any row in any table but
Alembic's ``alembic_version``) unless told to (``force``). A backup holds personal
data: the file is created readable by its owner only.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import URL, make_url

from app.errors import Conflict, DomainError

POSTGRES_MAGIC = b"PGDMP"
SQLITE_MAGIC = b"SQLite format 3\x00"
# Alembic's bookkeeping: a migrated but empty database has a row here and nothing else.
BOOKKEEPING_TABLES = frozenset({"alembic_version"})


class BackupFailed(DomainError):
    code = "backup_failed"


class DatabaseNotEmpty(Conflict):
    code = "database_not_empty"


@dataclass(frozen=True)
class BackupResult:
    path: Path
    engine: str
    size: int


def _engine_name(url: URL) -> str:
    backend = url.get_backend_name()
    if backend not in {"postgresql", "sqlite"}:
        raise BackupFailed(f"Backups of {backend} databases are not supported")
    return backend


def _sqlite_path(url: URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupFailed("An in-memory SQLite database cannot be backed up or restored")
    return Path(url.database)


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupFailed(f"{name} was not found: install the PostgreSQL client tools")
    return found


def _pg_environment(url: URL) -> dict[str, str]:
    """libpq's settings for ``url``: the connection goes by environment, not by argv."""
    settings = {
        "PGHOST": url.host,
        "PGPORT": str(url.port) if url.port else None,
        "PGUSER": url.username,
        "PGPASSWORD": url.password,
        "PGDATABASE": url.database,
    }
    environment = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    environment.update({k: v for k, v in settings.items() if v})
    return environment


def _run(arguments: list[str], url: URL) -> None:
    completed = subprocess.run(  # noqa: S603 - a fixed tool found on PATH, no shell
        arguments, env=_pg_environment(url), capture_output=True, text=True, check=False
    )
    if completed.returncode != 0:
        detail = completed.stderr.strip().splitlines()
        raise BackupFailed(
            f"{Path(arguments[0]).name} failed: " + (detail[-1] if detail else "no message")
        )


def _private_file(path: Path) -> None:
    """Create ``path`` empty, readable and writable by its owner only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.close(descriptor)
    os.chmod(path, 0o600)


def backup(database_url: str, target: str | os.PathLike) -> BackupResult:
    """Write a backup of the database at ``database_url`` to ``target``."""
    url = make_url(database_url)
    engine = _engine_name(url)
    target = Path(target)
    partial = target.with_name(target.name + ".partial")
    _private_file(partial)
    try:
        if engine == "postgresql":
            _run([_tool("pg_dump"), "--format=custom", f"--file={partial}"], url)
        else:
            _sqlite_copy(_sqlite_path(url), partial)
        partial.replace(target)  # a reader never sees half a backup under the real name
    finally:
        partial.unlink(missing_ok=True)
    return BackupResult(path=target, engine=engine, size=target.stat().st_size)


def _sqlite_copy(source: Path, destination: Path) -> None:
    if not source.exists():
        raise BackupFailed(f"There is no SQLite database at {source}")
    with (
        closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True)) as reader,
        closing(sqlite3.connect(destination)) as writer,
    ):
        reader.backup(writer)


def backup_kind(path: str | os.PathLike) -> str:
    """``postgresql`` or ``sqlite``, from the file's first bytes."""
    path = Path(path)
    if not path.is_file():
        raise BackupFailed(f"There is no backup file at {path}")
    with path.open("rb") as backup_file:
        start = backup_file.read(len(SQLITE_MAGIC))
    if start.startswith(POSTGRES_MAGIC):
        return "postgresql"
    if start == SQLITE_MAGIC:
        return "sqlite"
    raise BackupFailed(f"{path} is not a backup made by `flask ops backup`")


def tables_with_rows(database_url: str) -> list[str]:
    """The tables (Alembic's aside) that hold at least one row."""
    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as connection:
            names = sa.inspect(connection).get_table_names()
            return [
                name
                for name in sorted(set(names) - BOOKKEEPING_TABLES)
                if connection.execute(
                    sa.select(sa.literal(1)).select_from(sa.table(name)).limit(1)
                ).first()
                is not None
            ]
    finally:
        engine.dispose()


def restore(database_url: str, source: str | os.PathLike, *, force: bool = False) -> str:
    """Restore the backup at ``source`` into the database at ``database_url``.

    Refuses (DatabaseNotEmpty) when the database holds data, unless ``force``. Returns the
    kind of database restored."""
    url = make_url(database_url)
    engine = _engine_name(url)
    kind = backup_kind(source)
    if kind != engine:
        raise BackupFailed(f"This is a {kind} backup: it cannot be restored into {engine}")
    if engine == "sqlite":
        # A database file that does not exist yet is empty: SQLite creates it.
        occupied = tables_with_rows(database_url) if _sqlite_path(url).exists() else []
    else:
        occupied = tables_with_rows(database_url)
    if occupied and not force:
        raise DatabaseNotEmpty(
            f"The database already holds data ({len(occupied)} table(s) with rows). "
            "Nothing was restored: restore into an empty database, or use --force to "
            "replace its contents"
        )
    if engine == "postgresql":
        _check_dump(source, url)
        _run(
            [
                _tool("pg_restore"),
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--exit-on-error",
                f"--dbname={url.database}",
                str(source),
            ],
            url,
        )
    else:
        _sqlite_restore(Path(source), _sqlite_path(url))
    return engine


def _check_dump(source, url: URL) -> None:
    """Read the dump's table of contents first: a damaged file fails before any change."""
    _run([_tool("pg_restore"), "--list", str(source)], url)


def _sqlite_restore(source: Path, destination: Path) -> None:
    with closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True)) as reader:
        problem = reader.execute("PRAGMA integrity_check").fetchone()[0]
        if problem != "ok":
            raise BackupFailed(f"The backup file is damaged: {problem}")
        destination.parent.mkdir(parents=True, exist_ok=True)
        with closing(sqlite3.connect(destination)) as writer:
            reader.backup(writer)
