"""Secondary indexes dropped for a bulk load and built again after it (PostgreSQL).

Writing tens of millions of rows into tables whose indexes are already there costs a
random B-tree (or trigram GIN) insert per row and index; building each index once the
rows are in is one sort. Only plain indexes are dropped: primary keys, unique indexes and
anything a constraint relies on stay, so every key is still checked as rows arrive. All
of it happens in the load's own transaction: if the load fails, the indexes were never
gone.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, text

_PLAIN_INDEXES = text(
    """
    SELECT quote_ident(index_class.relname) AS name,
           pg_get_indexdef(ix.indexrelid) AS definition
    FROM pg_index AS ix
    JOIN pg_class AS index_class ON index_class.oid = ix.indexrelid
    JOIN pg_namespace AS ns ON ns.oid = index_class.relnamespace
    WHERE ns.nspname = current_schema()
      AND NOT ix.indisprimary
      AND NOT ix.indisunique
      AND NOT EXISTS (SELECT 1 FROM pg_constraint AS c WHERE c.conindid = ix.indexrelid)
    ORDER BY index_class.relname
    """
)


@contextmanager
def built_after_the_load(connection: Connection, echo=lambda _line: None) -> Iterator[None]:
    if connection.dialect.name != "postgresql":
        yield
        return
    indexes = connection.execute(_PLAIN_INDEXES).all()
    for name, _definition in indexes:
        connection.execute(text(f"DROP INDEX {name}"))
    yield
    echo(f"building {len(indexes)} indexes")
    connection.execute(text("SET LOCAL maintenance_work_mem = '1GB'"))
    for _name, definition in indexes:
        connection.execute(text(definition))
