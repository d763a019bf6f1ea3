"""Each victim's first_consulted_at (issue 14): when their first consultation was
recorded, stored (app.victims.consulted keeps it) and indexed where null, so "victims not
yet consulted" reads the few unconsulted victims instead of looking for a consultation
of every victim; filled here from the consultations already recorded. On a large
database, VACUUM (ANALYZE) victims afterwards (autovacuum will in time).

Revision ID: 8f3b6d2a9c17
Revises: 5d2a7c1e8b40
Create Date: 2026-12-06 08:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '8f3b6d2a9c17'
down_revision = '5d2a7c1e8b40'
branch_labels = None
depends_on = None

FILL = """
UPDATE victims SET first_consulted_at = (
    SELECT min(victim_consultations.recorded_at) FROM victim_consultations
    WHERE victim_consultations.victim_id = victims.id
)
"""


def upgrade():
    with op.batch_alter_table('victims') as batch_op:
        batch_op.add_column(sa.Column('first_consulted_at', sa.DateTime(timezone=True), nullable=True))
    op.execute(FILL)
    op.create_index(
        'ix_victims_unconsulted',
        'victims',
        ['case_id'],
        postgresql_where=sa.text('first_consulted_at IS NULL'),
        sqlite_where=sa.text('first_consulted_at IS NULL'),
    )


def downgrade():
    op.drop_index('ix_victims_unconsulted', table_name='victims')
    with op.batch_alter_table('victims') as batch_op:
        batch_op.drop_column('first_consulted_at')
