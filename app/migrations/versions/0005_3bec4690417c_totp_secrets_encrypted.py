"""TOTP secrets encrypted at rest; pending sign-ins kept on the server.

Encrypts every user's TOTP secret with the first key of TOTP_ENCRYPTION_KEYS (Fernet),
and makes room for the ciphertext. Downgrading decrypts them again (with any of the keys).

Revision ID: 3bec4690417c
Revises: ae71449eac63
Create Date: 2026-11-30 10:00:00.000000

"""
import re

from alembic import op
import sqlalchemy as sa
from cryptography.fernet import Fernet, MultiFernet
from flask import current_app


# revision identifiers, used by Alembic.
revision = '3bec4690417c'
down_revision = 'ae71449eac63'
branch_labels = None
depends_on = None

# A plain TOTP secret is base32 (upper case A-Z and 2-7); a Fernet token never is.
PLAIN_SECRET = re.compile(r"^[A-Z2-7]+=*$")

users = sa.table(
    "users",
    sa.column("id", sa.Uuid()),
    sa.column("totp_secret", sa.String()),
)


def _fernet() -> MultiFernet:
    # The keys as the app reads them (comma-separated in the environment).
    keys = current_app.config["TOTP_ENCRYPTION_KEYS"]
    if isinstance(keys, str):
        keys = [key.strip() for key in keys.split(",") if key.strip()]
    return MultiFernet([Fernet(key) for key in keys])


def _rewrite(change) -> None:
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(users.c.id, users.c.totp_secret).where(users.c.totp_secret.is_not(None))
    ).all()
    for user_id, secret in rows:
        new = change(secret)
        if new != secret:
            connection.execute(
                users.update().where(users.c.id == user_id).values(totp_secret=new)
            )


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.alter_column(
            'totp_secret',
            existing_type=sa.String(length=64),
            type_=sa.String(length=255),
            existing_nullable=True,
        )
    fernet = _fernet()
    _rewrite(
        lambda secret: fernet.encrypt(secret.encode()).decode()
        if PLAIN_SECRET.match(secret)
        else secret
    )

    op.create_table('pending_sign_ins',
    sa.Column('user_id', sa.Uuid(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('enrol_secret', sa.String(length=255), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_pending_sign_ins_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pending_sign_ins')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_pending_sign_ins_token_hash'))
    )
    with op.batch_alter_table('pending_sign_ins', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pending_sign_ins_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_pending_sign_ins_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('pending_sign_ins', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pending_sign_ins_user_id'))
        batch_op.drop_index(batch_op.f('ix_pending_sign_ins_created_at'))
    op.drop_table('pending_sign_ins')

    fernet = _fernet()
    _rewrite(
        lambda secret: secret
        if PLAIN_SECRET.match(secret)
        else fernet.decrypt(secret.encode()).decode()
    )
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.alter_column(
            'totp_secret',
            existing_type=sa.String(length=255),
            type_=sa.String(length=64),
            existing_nullable=True,
        )
