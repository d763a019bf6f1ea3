"""Each compliance concern's first_decided_at (issue 14): when its first decision was
recorded, stored (app.evidence.decided keeps it) and indexed where null, so the work
queues find the concerns to decide without reading every concern; filled here from the
decisions already recorded. On a large database, VACUUM (ANALYZE) compliance_concerns
afterwards (autovacuum will in time): until then the new index still lists the row
versions the fill replaced, and the planner reads them all.

Revision ID: 3e8b6a0c4f71
Revises: 7c2f4e9a1d05
Create Date: 2026-12-06 06:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3e8b6a0c4f71'
down_revision = '7c2f4e9a1d05'
branch_labels = None
depends_on = None

FILL = """
UPDATE compliance_concerns SET first_decided_at = (
    SELECT min(compliance_decisions.decided_at) FROM compliance_decisions
    WHERE compliance_decisions.concern_id = compliance_concerns.id
)
"""


def upgrade():
    with op.batch_alter_table('compliance_concerns') as batch_op:
        batch_op.add_column(sa.Column('first_decided_at', sa.DateTime(timezone=True), nullable=True))
    op.execute(FILL)
    op.create_index(
        'ix_compliance_concerns_undecided',
        'compliance_concerns',
        ['case_id'],
        postgresql_where=sa.text('first_decided_at IS NULL'),
        sqlite_where=sa.text('first_decided_at IS NULL'),
    )


def downgrade():
    op.drop_index('ix_compliance_concerns_undecided', table_name='compliance_concerns')
    with op.batch_alter_table('compliance_concerns') as batch_op:
        batch_op.drop_column('first_decided_at')
