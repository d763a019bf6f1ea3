"""Each referral's partner_news_at (issue 14): when the partner last had news for the
keyworker (an update by a partner user, or a decline), stored (app.referrals.news keeps
it) and indexed where set, so the keyworkers' "partner updates and declines not yet
read" compares one column instead of searching every referral's updates and moves;
filled here from the updates and moves already recorded. On a large database,
VACUUM (ANALYZE) referrals afterwards (autovacuum will in time).

Revision ID: 5d2a7c1e8b40
Revises: 3e8b6a0c4f71
Create Date: 2026-12-06 08:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5d2a7c1e8b40'
down_revision = '3e8b6a0c4f71'
branch_labels = None
depends_on = None

FILL = """
UPDATE referrals SET partner_news_at = (
    SELECT max(news.at) FROM (
        SELECT referral_updates.created_at AS at FROM referral_updates
        JOIN users ON users.id = referral_updates.author_id
        WHERE referral_updates.referral_id = referrals.id AND users.role = 'partner'
        UNION ALL
        SELECT referral_transitions.occurred_at AS at FROM referral_transitions
        WHERE referral_transitions.referral_id = referrals.id
        AND referral_transitions.to_status = 'declined'
    ) AS news
)
WHERE EXISTS (
    SELECT 1 FROM referral_transitions
    WHERE referral_transitions.referral_id = referrals.id
    AND referral_transitions.to_status = 'declined'
) OR EXISTS (
    SELECT 1 FROM referral_updates WHERE referral_updates.referral_id = referrals.id
)
"""


def upgrade():
    with op.batch_alter_table('referrals') as batch_op:
        batch_op.add_column(sa.Column('partner_news_at', sa.DateTime(timezone=True), nullable=True))
    op.execute(FILL)
    op.create_index(
        'ix_referrals_partner_news',
        'referrals',
        ['case_id'],
        postgresql_where=sa.text('partner_news_at IS NOT NULL'),
        sqlite_where=sa.text('partner_news_at IS NOT NULL'),
    )


def downgrade():
    op.drop_index('ix_referrals_partner_news', table_name='referrals')
    with op.batch_alter_table('referrals') as batch_op:
        batch_op.drop_column('partner_news_at')
