"""import_batch, import_batch_cooperative, import_snapshot, import_change: imports that can be withdrawn

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 11:20:00

Why: an outside test found that a wrong tape (a future month, a partial file) could not be taken back. Each
import now records what it replaced, so an admin can withdraw it (data/importer/batches.py). Imports made
before this revision have no record and cannot be withdrawn.
"""
import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('import_batch',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('month', sa.Date(), nullable=True),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('rows', sa.Integer(), nullable=False),
    sa.Column('imported_at', sa.DateTime(), nullable=False),
    sa.Column('imported_by', sa.String(length=40), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('withdrawn_at', sa.DateTime(), nullable=True),
    sa.Column('withdrawn_by', sa.String(length=40), nullable=True),
    sa.Column('withdraw_reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_import_batch_user_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_import_batch'))
    )
    op.create_index(op.f('ix_import_batch_month'), 'import_batch', ['month'], unique=False)
    op.create_index(op.f('ix_import_batch_user_id'), 'import_batch', ['user_id'], unique=False)
    op.create_table('import_batch_cooperative',
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('cooperative_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['batch_id'], ['import_batch.id'],
                            name=op.f('fk_import_batch_cooperative_batch_id_import_batch')),
    sa.ForeignKeyConstraint(['cooperative_id'], ['cooperative.id'],
                            name=op.f('fk_import_batch_cooperative_cooperative_id_cooperative')),
    sa.PrimaryKeyConstraint('batch_id', 'cooperative_id', name=op.f('pk_import_batch_cooperative'))
    )
    op.create_index(op.f('ix_import_batch_cooperative_cooperative_id'), 'import_batch_cooperative',
                    ['cooperative_id'], unique=False)
    op.create_table('import_snapshot',
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('loan_id', sa.Integer(), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('cooperative_id', sa.Integer(), nullable=False),
    sa.Column('outstanding_cents', sa.BigInteger(), nullable=False),
    sa.Column('overdue_cents', sa.BigInteger(), nullable=False),
    sa.Column('days_past_due', sa.Integer(), nullable=False),
    sa.Column('loan_class', sa.String(length=20), nullable=False),
    sa.Column('written_off_cents', sa.BigInteger(), nullable=False, server_default='0'),
    sa.ForeignKeyConstraint(['batch_id'], ['import_batch.id'], name=op.f('fk_import_snapshot_batch_id_import_batch')),
    sa.ForeignKeyConstraint(['cooperative_id'], ['cooperative.id'],
                            name=op.f('fk_import_snapshot_cooperative_id_cooperative')),
    sa.ForeignKeyConstraint(['loan_id'], ['loan.id'], name=op.f('fk_import_snapshot_loan_id_loan')),
    sa.PrimaryKeyConstraint('batch_id', 'loan_id', name=op.f('pk_import_snapshot'))
    )
    op.create_table('import_change',
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('entity', sa.String(length=10), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=False),
    sa.Column('created', sa.Boolean(), nullable=False),
    sa.Column('before', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['batch_id'], ['import_batch.id'], name=op.f('fk_import_change_batch_id_import_batch')),
    sa.PrimaryKeyConstraint('batch_id', 'entity', 'entity_id', name=op.f('pk_import_change'))
    )


def downgrade() -> None:
    op.drop_table('import_change')
    op.drop_table('import_snapshot')
    op.drop_index(op.f('ix_import_batch_cooperative_cooperative_id'), table_name='import_batch_cooperative')
    op.drop_table('import_batch_cooperative')
    op.drop_index(op.f('ix_import_batch_user_id'), table_name='import_batch')
    op.drop_index(op.f('ix_import_batch_month'), table_name='import_batch')
    op.drop_table('import_batch')
