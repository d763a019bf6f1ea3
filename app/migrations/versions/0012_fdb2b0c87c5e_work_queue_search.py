"""The work queue's read markers (referral_reads); search: the people's name key
(search_name, filled in here for existing people), trigram indexes on PostgreSQL for
partial name and crime reference search, and an index on the date of birth.

Revision ID: fdb2b0c87c5e
Revises: 6c1e0b7a9d42
Create Date: 2026-12-05 22:28:24.366910

"""
import unicodedata

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'fdb2b0c87c5e'
down_revision = '6c1e0b7a9d42'
branch_labels = None
depends_on = None

BATCH = 1000
# A copy of app.text.search_key as it was when this migration was written (a migration
# must not change when the app's code does).
_FOLDED = str.maketrans(
    {"ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i"}
)
_APOSTROPHES = frozenset("'’‘`´ʼ")


def _search_key(text):
    decomposed = unicodedata.normalize("NFKD", text or "")
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    folded = plain.casefold().translate(_FOLDED)
    kept = "".join(ch if ch.isalnum() else " " for ch in folded if ch not in _APOSTROPHES)
    return " ".join(kept.split())


def _fill_search_names():
    people = sa.table(
        'people',
        sa.column('id', sa.Uuid()),
        sa.column('given_name', sa.String()),
        sa.column('family_name', sa.String()),
        sa.column('search_name', sa.String()),
    )
    connection = op.get_bind()
    last = None
    while True:
        query = sa.select(people.c.id, people.c.given_name, people.c.family_name)
        if last is not None:
            query = query.where(people.c.id > last)
        rows = connection.execute(query.order_by(people.c.id).limit(BATCH)).all()
        if not rows:
            return
        for row in rows:
            connection.execute(
                people.update()
                .where(people.c.id == row.id)
                .values(search_name=_search_key(f"{row.given_name} {row.family_name}"))
            )
        last = rows[-1].id


def upgrade():
    if op.get_bind().dialect.name == 'postgresql':
        # A trusted extension (PostgreSQL 13+): the database owner may create it. Left in
        # place by the downgrade, as other schemas may use it.
        op.execute('CREATE EXTENSION IF NOT EXISTS pg_trgm')
    op.create_table('referral_reads',
    sa.Column('user_id', sa.Uuid(), nullable=False),
    sa.Column('referral_id', sa.Uuid(), nullable=False),
    sa.Column('seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['referral_id'], ['referrals.id'], name=op.f('fk_referral_reads_referral_id_referrals')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_referral_reads_user_id_users')),
    sa.PrimaryKeyConstraint('user_id', 'referral_id', name=op.f('pk_referral_reads'))
    )
    with op.batch_alter_table('referral_reads', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_referral_reads_referral_id'), ['referral_id'], unique=False)

    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.create_index('ix_cases_crime_reference_trgm', ['crime_reference'], unique=False, postgresql_using='gin', postgresql_ops={'crime_reference': 'gin_trgm_ops'})

    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.add_column(sa.Column('search_name', sa.String(length=400), server_default='', nullable=False))
    _fill_search_names()
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_people_date_of_birth'), ['date_of_birth'], unique=False)
        batch_op.create_index('ix_people_search_name_trgm', ['search_name'], unique=False, postgresql_using='gin', postgresql_ops={'search_name': 'gin_trgm_ops'})


def downgrade():
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.drop_index('ix_people_search_name_trgm', postgresql_using='gin', postgresql_ops={'search_name': 'gin_trgm_ops'})
        batch_op.drop_index(batch_op.f('ix_people_date_of_birth'))
        batch_op.drop_column('search_name')

    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index('ix_cases_crime_reference_trgm', postgresql_using='gin', postgresql_ops={'crime_reference': 'gin_trgm_ops'})

    with op.batch_alter_table('referral_reads', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_referral_reads_referral_id'))

    op.drop_table('referral_reads')
