"""village codes, active flags, source ids of imported records, write-offs, disposal costs

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 11:20:00

Why: a union imports its own records (data/importer): villages are named by their code in the files;
cooperatives and villages are deactivated, never deleted, because history points at them; every imported
assignment, action, legal case and asset carries the source system's id so a re-import updates it instead of
adding it twice; a borrower is one person per borrower_id within a cooperative; a tape says how much was
written off in the month, so a fall in NPLs can be told apart from cash collected; an asset's disposal cost is
recorded with the asset. Unique indexes (not constraints) so SQLite needs no table rebuild.
"""
import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

SOURCE_TABLES = ('assignment', 'collection_action', 'legal_case', 'foreclosed_asset')


def upgrade() -> None:
    op.add_column('cooperative', sa.Column('active', sa.Boolean(), nullable=False, server_default=sa.true()))
    op.add_column('village', sa.Column('code', sa.String(length=40), nullable=False, server_default=''))
    op.add_column('village', sa.Column('active', sa.Boolean(), nullable=False, server_default=sa.true()))
    op.execute("UPDATE village SET code = 'V' || CAST(id AS VARCHAR(20)) WHERE code = ''")
    op.create_index(op.f('ix_village_code'), 'village', ['code'], unique=True)
    op.add_column('borrower', sa.Column('source_id', sa.String(length=40), nullable=True))
    op.create_index('ix_borrower_cooperative_source', 'borrower', ['cooperative_id', 'source_id'], unique=True)
    op.add_column('loan_month', sa.Column('written_off_cents', sa.BigInteger(), nullable=False, server_default='0'))
    for table in SOURCE_TABLES:
        op.add_column(table, sa.Column('source_id', sa.String(length=40), nullable=True))
        op.create_index(op.f(f'ix_{table}_source_id'), table, ['source_id'], unique=True)
    op.add_column('foreclosed_asset', sa.Column('disposal_cost_cents', sa.BigInteger(), nullable=True))


def downgrade() -> None:
    op.drop_column('foreclosed_asset', 'disposal_cost_cents')
    for table in SOURCE_TABLES:
        op.drop_index(op.f(f'ix_{table}_source_id'), table_name=table)
        op.drop_column(table, 'source_id')
    op.drop_column('loan_month', 'written_off_cents')
    op.drop_index('ix_borrower_cooperative_source', table_name='borrower')
    op.drop_column('borrower', 'source_id')
    op.drop_index(op.f('ix_village_code'), table_name='village')
    op.drop_column('village', 'active')
    op.drop_column('village', 'code')
    op.drop_column('cooperative', 'active')
