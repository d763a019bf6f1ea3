"""Cases indexed by (keyworker, recorded) (issue 14): the keyworker's caseload lists their
cases newest first, and PostgreSQL read the whole service's cases backwards through the
``created_at`` index, dropping every other keyworker's (16,120 rows read for 25 shown,
12 ms at 200,000 cases); with this index it reads the 25 it shows.

Revision ID: a6e3f9c2d815
Revises: e2b8f4a61c93
Create Date: 2026-12-06 11:20:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'a6e3f9c2d815'
down_revision = 'e2b8f4a61c93'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        'ix_cases_keyworker_id_created_at', 'cases', ['keyworker_id', 'created_at']
    )


def downgrade():
    op.drop_index('ix_cases_keyworker_id_created_at', table_name='cases')
