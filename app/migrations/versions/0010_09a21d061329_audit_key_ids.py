"""Audit entries name the audit key that signed them (key_id).

Entries written from now on are sealed with an HMAC-SHA256 under an audit key held
outside the database (the AUDIT_KEYS setting) and store that key's id. Existing entries
keep key_id NULL and their plain SHA-256: verification accepts such entries only before
the first keyed entry, whose HMAC covers the hash of the last of them.

On SQLite a batch alteration may rebuild the table, which would lose its append-only
triggers, so they are dropped first and created again afterwards. On PostgreSQL adding or
dropping a column fires no row trigger. Downgrading drops the key ids: entries signed
with a key then no longer verify with the older code.

Revision ID: 09a21d061329
Revises: b95f40ad820c
Create Date: 2026-12-05 22:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '09a21d061329'
down_revision = 'b95f40ad820c'
branch_labels = None
depends_on = None


# As created by the first migration (fd4d3659e0af).
SQLITE_APPEND_ONLY = [
    """CREATE TRIGGER audit_entries_no_update BEFORE UPDATE ON audit_entries
       BEGIN SELECT RAISE(ABORT, 'audit_entries is append-only'); END""",
    """CREATE TRIGGER audit_entries_no_delete BEFORE DELETE ON audit_entries
       BEGIN SELECT RAISE(ABORT, 'audit_entries is append-only'); END""",
]


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def _drop_sqlite_triggers():
    op.execute("DROP TRIGGER IF EXISTS audit_entries_no_update")
    op.execute("DROP TRIGGER IF EXISTS audit_entries_no_delete")


def _create_sqlite_triggers():
    for statement in SQLITE_APPEND_ONLY:
        op.execute(statement)


def upgrade():
    if _sqlite():
        _drop_sqlite_triggers()
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('key_id', sa.String(length=32), nullable=True))
    if _sqlite():
        _create_sqlite_triggers()


def downgrade():
    if _sqlite():
        _drop_sqlite_triggers()
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.drop_column('key_id')
    if _sqlite():
        _create_sqlite_triggers()
