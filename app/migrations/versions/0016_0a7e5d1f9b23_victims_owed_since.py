"""Each victim's owed_since (issue 14): the earliest key decision they have not been told
about, stored and indexed (app.victims.owed keeps it), filled here for existing victims.

Revision ID: 0a7e5d1f9b23
Revises: 5ca1e0b3c14d
Create Date: 2026-12-06 02:05:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0a7e5d1f9b23'
down_revision = '5ca1e0b3c14d'
branch_labels = None
depends_on = None

# A copy of app.victims.due's rule as it was when this migration was written: the key
# decisions of the victim's case after the last update given to them (or to all).
FILL = """
UPDATE victims SET owed_since = (
    SELECT min(decisions.at) FROM (
        SELECT occurred_at AS at FROM case_events
        WHERE case_events.case_id = victims.case_id
          AND (kind IN ('contract.agreed', 'case.completed', 'case.breached',
                        'case.opted_out', 'outcome.decided', 'outcome.approved')
               OR (kind LIKE 'case.outcome%' AND kind NOT LIKE '%propos%'
                   AND kind NOT LIKE '%sent_back%' AND kind NOT LIKE '%sent-back%'))
        UNION ALL
        SELECT outcome_decided_at AS at FROM cases
        WHERE cases.id = victims.case_id AND outcome_decided_at IS NOT NULL
    ) AS decisions
    WHERE decisions.at > COALESCE(
        (SELECT max(given_at) FROM victim_updates
         WHERE victim_updates.case_id = victims.case_id
           AND (victim_updates.victim_id = victims.id OR victim_updates.victim_id IS NULL)),
        {epoch})
)
"""


def upgrade():
    with op.batch_alter_table('victims') as batch_op:
        batch_op.add_column(sa.Column('owed_since', sa.DateTime(timezone=True), nullable=True))
    op.create_index(
        'ix_victims_owed_since',
        'victims',
        ['owed_since'],
        postgresql_where=sa.text('owed_since IS NOT NULL'),
        sqlite_where=sa.text('owed_since IS NOT NULL'),
    )
    postgres = op.get_bind().dialect.name == 'postgresql'
    op.execute(FILL.format(epoch="'1970-01-01T00:00:00Z'::timestamptz" if postgres else "'1970-01-01 00:00:00.000000'"))


def downgrade():
    op.drop_index('ix_victims_owed_since', table_name='victims')
    with op.batch_alter_table('victims') as batch_op:
        batch_op.drop_column('owed_since')
