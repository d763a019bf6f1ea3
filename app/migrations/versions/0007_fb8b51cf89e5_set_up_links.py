"""Users may be created without a password: they choose one through an emailed set-up link.

Revision ID: fb8b51cf89e5
Revises: 45fbb0b36e0c
Create Date: 2026-11-30 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'fb8b51cf89e5'
down_revision = '45fbb0b36e0c'
branch_labels = None
depends_on = None

# Going down, an account still waiting for its set-up gets a value that no password
# matches (not an argon2 hash), so it cannot be signed in to until an administrator acts.
NO_PASSWORD = "!set-up-pending"


def upgrade():
    op.create_table('set_up_links',
    sa.Column('user_id', sa.Uuid(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_set_up_links_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_set_up_links')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_set_up_links_token_hash'))
    )
    with op.batch_alter_table('set_up_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_set_up_links_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.alter_column('password_hash', existing_type=sa.String(length=255), nullable=True)


def downgrade():
    users = sa.table("users", sa.column("password_hash", sa.String()))
    op.execute(users.update().where(users.c.password_hash.is_(None)).values(password_hash=NO_PASSWORD))
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.alter_column('password_hash', existing_type=sa.String(length=255), nullable=False)

    with op.batch_alter_table('set_up_links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_set_up_links_user_id'))
    op.drop_table('set_up_links')
