"""The declarative base, naming convention and column types shared by every feature."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import Connection, DateTime, Engine, MetaData, TypeDecorator, Uuid, event, update
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Alembic needs named constraints to alter tables on SQLite (batch mode).
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


# How long a SQLite connection waits for another's write lock before giving up.
SQLITE_BUSY_TIMEOUT_MS = 15_000


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """A timestamp stored in UTC and always returned timezone-aware.

    SQLite has no time zones, so values are normalised to UTC on the way in and
    marked as UTC on the way out; PostgreSQL stores ``timestamptz``.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; pass an aware UTC time")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UUIDPrimaryKey:
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)


def configure_sqlite(engine: Engine) -> None:
    """Make a SQLite database fit for a threaded server (the development default).

    Write-ahead logging lets readers carry on while one connection writes, and the busy
    timeout makes a connection wait its turn for the write lock instead of failing at
    once. Both are set on every new connection. PostgreSQL engines are left alone.
    """
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS:d}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.close()


def hold_write_lock(connection: Connection) -> None:
    """On SQLite, make the connection's transaction hold the database's write lock.

    The sqlite3 driver (in its default, legacy transaction mode) runs reads outside any
    transaction and opens one only before the first INSERT, UPDATE or DELETE, whose write
    lock it then holds until commit or rollback. So a connection already in a transaction
    holds the lock; otherwise ``BEGIN IMMEDIATE`` opens one that takes it now, waiting up to
    the busy timeout for another writer to finish. Everything read afterwards in the
    transaction is what the last writer committed, and nobody else writes until this
    transaction ends. A no-op on other databases.
    """
    if connection.dialect.name != "sqlite":
        return
    if not connection.connection.dbapi_connection.in_transaction:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def stamp_first(connection: Connection, column, row_id, at: datetime) -> None:
    """Set the stored time ``column`` (a mapped attribute, such as
    ``ComplianceConcern.first_decided_at``) of the row ``row_id`` to ``at``, unless it
    is already set: for mapper events that keep a "first time" fact in the flush that
    writes the record it comes from."""
    table = column.class_.__table__
    stored = table.c[column.key]
    connection.execute(
        update(table).where(table.c.id == row_id, stored.is_(None)).values({stored: at})
    )
