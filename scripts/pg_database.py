"""Create or drop a PostgreSQL database for a test run: pg_database.py create|drop URL.

Connects to the server's `postgres` database with the same credentials. Exits non-zero
if the server cannot be reached, so CI fails rather than skipping PostgreSQL.
"""

from __future__ import annotations

import sys

import psycopg
from psycopg import sql
from sqlalchemy.engine import make_url


def main() -> int:
    action, url = sys.argv[1], make_url(sys.argv[2])
    name = url.database
    admin = url.set(drivername="postgresql", database="postgres")
    conninfo = admin.render_as_string(hide_password=False)
    try:
        with psycopg.connect(conninfo, autocommit=True, connect_timeout=10) as connection:
            connection.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
            if action == "create":
                connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    except psycopg.OperationalError as error:
        where = f"{admin.host}:{admin.port}"
        sys.stderr.write(f"PostgreSQL cannot be reached at {where}: {error}\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
