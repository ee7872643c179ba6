"""table_version: one counter per table, moved by every transaction that wrote it (the read cache's key)

Revision ID: 0015
Revises: 0009
Create Date: 2026-11-30 14:00:00

Why: cached reads used to be emptied all at once by every write on one server, and another server or the
import command was seen only when the 300 s cache expired. A read cached with the versions of the tables it
read is served until one of them moves, wherever the write happened.
"""
import sqlalchemy as sa
from alembic import op

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('table_version',
    sa.Column('name', sa.String(length=63), nullable=False),
    sa.Column('version', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_table_version'))
    )


def downgrade() -> None:
    op.drop_table('table_version')
