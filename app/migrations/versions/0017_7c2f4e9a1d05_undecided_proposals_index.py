"""Outcome proposals waiting for a supervisor's decision, indexed (issue 14): every
supervisor page counts them, and at 200,000 cases the count read every proposal.

Revision ID: 7c2f4e9a1d05
Revises: 0a7e5d1f9b23
Create Date: 2026-12-06 05:55:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7c2f4e9a1d05'
down_revision = '0a7e5d1f9b23'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        'ix_outcome_proposals_undecided',
        'outcome_proposals',
        ['case_id'],
        postgresql_where=sa.text('decision IS NULL'),
        sqlite_where=sa.text('decision IS NULL'),
    )


def downgrade():
    op.drop_index('ix_outcome_proposals_undecided', table_name='outcome_proposals')
