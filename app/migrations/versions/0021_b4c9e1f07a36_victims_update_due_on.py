"""Each victim's update_due_on (issue 14): the last day to tell them of the decision they
are owed an update about (app.victims.due.due_on, from owed_since: working days, worked
out in Python), stored beside owed_since (app.victims.owed keeps both) and indexed, so
the owed updates are counted, ordered and paged in SQL; filled here for the victims owed
one now.

Revision ID: b4c9e1f07a36
Revises: 8f3b6d2a9c17
Create Date: 2026-12-06 08:30:00

"""
from alembic import op
import sqlalchemy as sa

from app.victims.due import due_on


# revision identifiers, used by Alembic.
revision = 'b4c9e1f07a36'
down_revision = '8f3b6d2a9c17'
branch_labels = None
depends_on = None

victims = sa.table(
    'victims',
    sa.column('id', sa.Uuid()),
    sa.column('owed_since', sa.DateTime(timezone=True)),
    sa.column('enhanced_rights', sa.Boolean()),
    sa.column('update_due_on', sa.Date()),
)


def _aware(value):
    from datetime import UTC

    return value if value.tzinfo else value.replace(tzinfo=UTC)  # SQLite keeps no zone


def upgrade():
    with op.batch_alter_table('victims') as batch_op:
        batch_op.add_column(sa.Column('update_due_on', sa.Date(), nullable=True))
    connection = op.get_bind()
    owed = connection.execute(
        sa.select(victims.c.id, victims.c.owed_since, victims.c.enhanced_rights).where(
            victims.c.owed_since.is_not(None)
        )
    ).all()
    changes = [
        {"victim": row.id, "due": due_on(_aware(row.owed_since), bool(row.enhanced_rights))}
        for row in owed
    ]
    if changes:
        connection.execute(
            sa.update(victims)
            .where(victims.c.id == sa.bindparam('victim'))
            .values(update_due_on=sa.bindparam('due')),
            changes,
        )
    op.create_index(
        'ix_victims_update_due_on',
        'victims',
        ['update_due_on', 'case_id'],
        postgresql_where=sa.text('update_due_on IS NOT NULL'),
        sqlite_where=sa.text('update_due_on IS NOT NULL'),
    )


def downgrade():
    op.drop_index('ix_victims_update_due_on', table_name='victims')
    with op.batch_alter_table('victims') as batch_op:
        batch_op.drop_column('update_due_on')
