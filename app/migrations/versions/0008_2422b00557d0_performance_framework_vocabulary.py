"""The performance framework's vocabulary: the analyst role; a person's sex and ethnic
group (not null, "not_stated" for everyone recorded before); the reoffence's offence class
and crime harm (days) on a reoffending check; cases marked as imported (historic records).

Downgrading removes the new columns and puts back the old role constraint, which fails
while an analyst account exists (deactivate and remove it first).

Revision ID: 2422b00557d0
Revises: fb8b51cf89e5
Create Date: 2026-12-05 22:37:38.909412

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '2422b00557d0'
down_revision = 'fb8b51cf89e5'
branch_labels = None
depends_on = None

OLD_ROLES = "role IN ('keyworker', 'supervisor', 'admin', 'partner', 'victim_liaison')"
NEW_ROLES = (
    "role IN ('keyworker', 'supervisor', 'admin', 'partner', 'victim_liaison', 'analyst')"
)
OFFENCE_CLASSES = "'summary', 'either_way', 'indictable'"


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_users_role_known'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_users_role_known'), NEW_ROLES)

    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('imported', sa.Boolean(), server_default=sa.false(), nullable=False)
        )

    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('sex', sa.String(length=20), server_default='not_stated', nullable=False)
        )
        batch_op.add_column(
            sa.Column(
                'ethnicity', sa.String(length=20), server_default='not_stated', nullable=False
            )
        )
        batch_op.create_check_constraint(
            batch_op.f('ck_people_sex_known'), "sex IN ('female', 'male', 'not_stated')"
        )
        batch_op.create_check_constraint(
            batch_op.f('ck_people_ethnicity_known'),
            "ethnicity IN ('asian', 'black', 'mixed', 'white', 'other', 'not_stated')",
        )

    with op.batch_alter_table('reoffending_checks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('offence_class', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('harm_days', sa.Integer(), nullable=True))
        batch_op.create_check_constraint(
            batch_op.f('ck_reoffending_checks_offence_class_known'),
            f"offence_class IS NULL OR offence_class IN ({OFFENCE_CLASSES})",
        )
        batch_op.create_check_constraint(
            batch_op.f('ck_reoffending_checks_harm_days_not_negative'),
            "harm_days IS NULL OR harm_days >= 0",
        )


def downgrade():
    with op.batch_alter_table('reoffending_checks', schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f('ck_reoffending_checks_harm_days_not_negative'), type_='check'
        )
        batch_op.drop_constraint(
            batch_op.f('ck_reoffending_checks_offence_class_known'), type_='check'
        )
        batch_op.drop_column('harm_days')
        batch_op.drop_column('offence_class')

    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_people_ethnicity_known'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_people_sex_known'), type_='check')
        batch_op.drop_column('ethnicity')
        batch_op.drop_column('sex')

    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_column('imported')

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_users_role_known'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_users_role_known'), OLD_ROLES)
