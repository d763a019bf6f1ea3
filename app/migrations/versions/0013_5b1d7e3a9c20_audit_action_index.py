"""An index on the audit log's action: the administrators' page and the API filter on it
(one action, or every action under a prefix).

Revision ID: 5b1d7e3a9c20
Revises: fdb2b0c87c5e
Create Date: 2026-12-06 01:45:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "5b1d7e3a9c20"
down_revision = "fdb2b0c87c5e"
branch_labels = None
depends_on = None


def upgrade():
    # Not in a batch: on SQLite a batch would copy the table, and the log is append-only.
    op.create_index("ix_audit_entries_action", "audit_entries", ["action"], unique=False)


def downgrade():
    op.drop_index("ix_audit_entries_action", table_name="audit_entries")
