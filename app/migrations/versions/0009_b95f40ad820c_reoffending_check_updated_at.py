"""Reoffending checks carry the time of their last change (`updated_at`), so their API
list can be synced with `updated_since` like every other list. Existing checks get the
time they were recorded, or the time of this migration.

Revision ID: b95f40ad820c
Revises: 2422b00557d0
Create Date: 2026-12-05 23:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b95f40ad820c'
down_revision = '2422b00557d0'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('reoffending_checks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True))
    op.execute(
        "UPDATE reoffending_checks SET updated_at = COALESCE(checked_at, CURRENT_TIMESTAMP)"
    )
    with op.batch_alter_table('reoffending_checks', schema=None) as batch_op:
        batch_op.alter_column('updated_at', existing_type=sa.DateTime(timezone=True), nullable=False)
        batch_op.create_index(batch_op.f('ix_reoffending_checks_updated_at'), ['updated_at'], unique=False)


def downgrade():
    with op.batch_alter_table('reoffending_checks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reoffending_checks_updated_at'))
        batch_op.drop_column('updated_at')
