"""Rows for many tables, buffered and written in bulk: PostgreSQL ``COPY`` through
psycopg, or SQLAlchemy Core ``executemany`` inserts elsewhere (SQLite, small sizes).

Each table is written with a fixed list of columns named by the generator; the rows are
plain tuples in that order. Tables are flushed in foreign-key order, so a flush never
writes a row before the one it refers to.
"""

from __future__ import annotations

import json

from sqlalchemy import JSON, Table

from app.extensions import db


class BulkWriter:
    def __init__(self, connection, columns: dict[str, tuple[str, ...]]):
        self.connection = connection
        self.postgres = connection.dialect.name == "postgresql"
        tables = db.metadata.tables
        order = {table.name: i for i, table in enumerate(db.metadata.sorted_tables)}
        self.tables: list[Table] = sorted(
            (tables[name] for name in columns), key=lambda t: order[t.name]
        )
        self.columns = columns
        for table in self.tables:
            missing = [c for c in columns[table.name] if c not in table.c]
            if missing:
                raise ValueError(f"{table.name} has no column {missing}")
        self.rows: dict[str, list[tuple]] = {name: [] for name in columns}
        self.written: dict[str, int] = dict.fromkeys(columns, 0)

    def add(self, table: str, row: tuple) -> None:
        self.rows[table].append(row)

    def flush(self) -> None:
        for table in self.tables:
            rows = self.rows[table.name]
            if not rows:
                continue
            if self.postgres:
                self._copy(table, rows)
            else:
                names = self.columns[table.name]
                self.connection.execute(
                    table.insert(), [dict(zip(names, row, strict=True)) for row in rows]
                )
            self.written[table.name] += len(rows)
            rows.clear()

    def _copy(self, table: Table, rows: list[tuple]) -> None:
        names = self.columns[table.name]
        as_json = [i for i, name in enumerate(names) if isinstance(table.c[name].type, JSON)]
        raw = self.connection.connection.driver_connection
        statement = f"COPY {table.name} ({', '.join(names)}) FROM STDIN"  # noqa: S608 - names from the metadata
        with raw.cursor() as cursor, cursor.copy(statement) as copy:
            if as_json:
                for row in rows:
                    row = list(row)
                    for i in as_json:
                        row[i] = json.dumps(row[i])
                    copy.write_row(row)
            else:
                for row in rows:
                    copy.write_row(row)
