"""Retention decisions: an administrator's erasure (once per case and scope) or keeping
of a case past its retention period.

Revision ID: 6c1e0b7a9d42
Revises: 09a21d061329
Create Date: 2026-12-06 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '6c1e0b7a9d42'
down_revision = '09a21d061329'
branch_labels = None
depends_on = None

ERASED_ONCE = sa.text("decision = 'erased'")


def upgrade():
    op.create_table('retention_decisions',
    sa.Column('case_id', sa.Uuid(), nullable=False),
    sa.Column('scope', sa.String(length=20), nullable=False),
    sa.Column('rule', sa.String(length=20), nullable=False),
    sa.Column('decision', sa.String(length=10), nullable=False),
    sa.Column('keep_until', sa.Date(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('decided_by_id', sa.Uuid(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.CheckConstraint("scope IN ('case', 'victim_contact')", name=op.f('ck_retention_decisions_scope_known')),
    sa.CheckConstraint("rule IN ('ended', 'ineligible', 'victim_contact')", name=op.f('ck_retention_decisions_rule_known')),
    sa.CheckConstraint("decision IN ('erased', 'kept')", name=op.f('ck_retention_decisions_decision_known')),
    sa.CheckConstraint("decision = 'erased' OR keep_until IS NOT NULL", name=op.f('ck_retention_decisions_kept_until')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_retention_decisions_case_id_cases')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_retention_decisions_decided_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_retention_decisions'))
    )
    with op.batch_alter_table('retention_decisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_retention_decisions_case_id'), ['case_id'], unique=False)
        batch_op.create_index('uq_retention_decisions_erased_once', ['case_id', 'scope'], unique=True, sqlite_where=ERASED_ONCE, postgresql_where=ERASED_ONCE)


def downgrade():
    with op.batch_alter_table('retention_decisions', schema=None) as batch_op:
        batch_op.drop_index('uq_retention_decisions_erased_once')
        batch_op.drop_index(batch_op.f('ix_retention_decisions_case_id'))

    op.drop_table('retention_decisions')
