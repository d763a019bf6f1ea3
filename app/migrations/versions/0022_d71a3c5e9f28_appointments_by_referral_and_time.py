"""Appointments indexed by (referral, start) instead of by referral alone (issue 14): a
partner's "appointments today" reads each of its referrals' appointments of the day,
where PostgreSQL, with the referral alone indexed, read every appointment of the day
through the (case, start) index's second column (281 ms at 200,000 cases). The new
index still answers every look-up by referral alone.

Revision ID: d71a3c5e9f28
Revises: b4c9e1f07a36
Create Date: 2026-12-06 08:50:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'd71a3c5e9f28'
down_revision = 'b4c9e1f07a36'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        'ix_appointments_referral_id_starts_at', 'appointments', ['referral_id', 'starts_at']
    )
    op.drop_index('ix_appointments_referral_id', table_name='appointments')


def downgrade():
    op.create_index('ix_appointments_referral_id', 'appointments', ['referral_id'])
    op.drop_index('ix_appointments_referral_id_starts_at', table_name='appointments')
