"""Indexes for national scale (issue 14): a condition's referrals
(referral_conditions.condition_id), the API's case list in order of change
(cases.updated_at, id), the caseloads' sort by name (people.family_name, given_name),
the open referrals the hourly checks walk (a partial index on referrals.id) and a
victim's consultations (victim_consultations.victim_id, for "not yet consulted") and a
liaison officer's recent contacts (victim_updates.given_by_id, given_at).

Revision ID: 5ca1e0b3c14d
Revises: 8ab83372717d
Create Date: 2026-12-06 02:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5ca1e0b3c14d'
down_revision = '8ab83372717d'
branch_labels = None
depends_on = None

OPEN = "status IN ('accepted', 'acknowledged', 'in_progress', 'sent')"


def upgrade():
    op.create_index(
        'ix_referral_conditions_condition_id', 'referral_conditions', ['condition_id']
    )
    op.create_index('ix_cases_updated_at_id', 'cases', ['updated_at', 'id'])
    op.create_index(
        'ix_people_family_name_given_name', 'people', ['family_name', 'given_name']
    )
    op.create_index(
        'ix_victim_consultations_victim_id', 'victim_consultations', ['victim_id']
    )
    op.create_index(
        'ix_victim_updates_given_by_id_given_at', 'victim_updates', ['given_by_id', 'given_at']
    )
    op.create_index(
        'ix_referrals_open',
        'referrals',
        ['id'],
        postgresql_where=sa.text(OPEN),
        sqlite_where=sa.text(OPEN),
    )


def downgrade():
    op.drop_index('ix_referrals_open', table_name='referrals')
    op.drop_index('ix_victim_consultations_victim_id', table_name='victim_consultations')
    op.drop_index('ix_victim_updates_given_by_id_given_at', table_name='victim_updates')
    op.drop_index('ix_people_family_name_given_name', table_name='people')
    op.drop_index('ix_cases_updated_at_id', table_name='cases')
    op.drop_index('ix_referral_conditions_condition_id', table_name='referral_conditions')
