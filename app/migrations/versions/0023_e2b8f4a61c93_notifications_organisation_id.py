"""Each notification sent to an organisation's referral address names the organisation
(notifications.organisation_id), so an administrator's work queue can list the emails to
partner organisations that could not be sent, with a link to put the address right;
filled here, for the notifications already queued, from the organisations' addresses.

Revision ID: e2b8f4a61c93
Revises: d71a3c5e9f28
Create Date: 2026-12-06 09:15:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e2b8f4a61c93'
down_revision = 'd71a3c5e9f28'
branch_labels = None
depends_on = None

FILL = """
UPDATE notifications SET organisation_id = (
    SELECT organisations.id FROM organisations
    WHERE lower(organisations.contact_email) = lower(notifications.address)
    ORDER BY organisations.name, organisations.id LIMIT 1
)
WHERE recipient_id IS NULL AND address IS NOT NULL
"""


def upgrade():
    with op.batch_alter_table('notifications') as batch_op:
        batch_op.add_column(sa.Column('organisation_id', sa.Uuid(), nullable=True))
        batch_op.create_index('ix_notifications_organisation_id', ['organisation_id'])
        batch_op.create_foreign_key(
            'fk_notifications_organisation_id_organisations',
            'organisations',
            ['organisation_id'],
            ['id'],
        )
    op.execute(FILL)


def downgrade():
    with op.batch_alter_table('notifications') as batch_op:
        batch_op.drop_constraint(
            'fk_notifications_organisation_id_organisations', type_='foreignkey'
        )
        batch_op.drop_index('ix_notifications_organisation_id')
        batch_op.drop_column('organisation_id')
