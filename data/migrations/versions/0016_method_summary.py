"""methods summary: method_loan_month, method_month, method_recovery_days, method_period(_days); an assignment index

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-30 18:00:00

Why: the methods page worked every loan x method of the period from the actions (3.7 s at 1,000,000 loans).
data/method_summary.py explains the chains that give its non-additive figures (distinct loans, balance worked,
median days) for any period of whole months from rows bounded by months, not loans; every writer of its
sources keeps it current. It is filled here from the existing rows with the same function, so an upgraded
database is correct at once. The index on assignment(loan_id, assigned_on) serves "the assignment in force
at a first recovery", which the fill and every refresh look up per loan.
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.orm import Session

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_assignment_loan_assigned', 'assignment', ['loan_id', 'assigned_on'], unique=False)
    op.create_table('method_loan_month',
    sa.Column('loan_id', sa.Integer(), nullable=False),
    sa.Column('method', sa.String(length=20), nullable=False),
    sa.Column('cooperative_id', sa.Integer(), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('segment', sa.String(length=3), nullable=False),
    sa.Column('prev_month', sa.Date(), nullable=True),
    sa.Column('prev_recovery_month', sa.Date(), nullable=True),
    sa.Column('actions', sa.Integer(), nullable=False),
    sa.Column('recovered_cents', sa.BigInteger(), nullable=False),
    sa.Column('cost_cents', sa.BigInteger(), nullable=False),
    sa.Column('balance_cents', sa.BigInteger(), nullable=False),
    sa.Column('recovering', sa.SmallInteger(), nullable=False),
    sa.Column('days', sa.Integer(), nullable=True),
    sa.Column('fallback', sa.SmallInteger(), nullable=False),
    sa.PrimaryKeyConstraint('loan_id', 'method', 'cooperative_id', 'month', name=op.f('pk_method_loan_month'))
    )
    op.create_index('ix_method_loan_month_group', 'method_loan_month', ['method', 'cooperative_id', 'month'],
                    unique=False)
    op.create_table('method_month',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('cooperative_id', sa.Integer(), nullable=False),
    sa.Column('segment', sa.String(length=3), nullable=False),
    sa.Column('method', sa.String(length=20), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('prev_month', sa.Date(), nullable=True),
    sa.Column('loans', sa.Integer(), nullable=False),
    sa.Column('balance_cents', sa.BigInteger(), nullable=False),
    sa.Column('actions', sa.Integer(), nullable=False),
    sa.Column('recovered_cents', sa.BigInteger(), nullable=False),
    sa.Column('cost_cents', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_method_month'))
    )
    op.create_index('ix_method_month_month', 'method_month', ['month'], unique=False)
    op.create_index('ix_method_month_cooperative_month', 'method_month', ['cooperative_id', 'month'], unique=False)
    op.create_table('method_recovery_days',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('cooperative_id', sa.Integer(), nullable=False),
    sa.Column('segment', sa.String(length=3), nullable=False),
    sa.Column('method', sa.String(length=20), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('prev_recovery_month', sa.Date(), nullable=True),
    sa.Column('days', sa.Integer(), nullable=True),
    sa.Column('loans', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_method_recovery_days'))
    )
    op.create_index('ix_method_recovery_days_month', 'method_recovery_days', ['month'], unique=False)
    op.create_index('ix_method_recovery_days_cooperative_month', 'method_recovery_days', ['cooperative_id', 'month'],
                    unique=False)
    op.create_table('method_period',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('first_month', sa.Date(), nullable=False),
    sa.Column('last_month', sa.Date(), nullable=False),
    sa.Column('cooperative_id', sa.Integer(), nullable=False),
    sa.Column('segment', sa.String(length=3), nullable=False),
    sa.Column('method', sa.String(length=20), nullable=False),
    sa.Column('loans', sa.Integer(), nullable=False),
    sa.Column('balance_cents', sa.BigInteger(), nullable=False),
    sa.Column('actions', sa.Integer(), nullable=False),
    sa.Column('recovered_cents', sa.BigInteger(), nullable=False),
    sa.Column('cost_cents', sa.BigInteger(), nullable=False),
    sa.Column('loans_recovered', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_method_period'))
    )
    op.create_index('ix_method_period_period', 'method_period', ['first_month', 'last_month', 'cooperative_id'],
                    unique=False)
    op.create_table('method_period_days',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('first_month', sa.Date(), nullable=False),
    sa.Column('last_month', sa.Date(), nullable=False),
    sa.Column('cooperative_id', sa.Integer(), nullable=False),
    sa.Column('segment', sa.String(length=3), nullable=False),
    sa.Column('method', sa.String(length=20), nullable=False),
    sa.Column('days', sa.Integer(), nullable=True),
    sa.Column('loans', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_method_period_days'))
    )
    op.create_index('ix_method_period_days_period', 'method_period_days',
                    ['first_month', 'last_month', 'cooperative_id', 'segment'], unique=False)

    from data import method_summary

    session = Session(bind=op.get_bind())
    method_summary.rebuild(session)
    session.flush()


def downgrade() -> None:
    op.drop_index('ix_method_period_days_period', table_name='method_period_days')
    op.drop_table('method_period_days')
    op.drop_index('ix_method_period_period', table_name='method_period')
    op.drop_table('method_period')
    op.drop_index('ix_method_recovery_days_cooperative_month', table_name='method_recovery_days')
    op.drop_index('ix_method_recovery_days_month', table_name='method_recovery_days')
    op.drop_table('method_recovery_days')
    op.drop_index('ix_method_month_cooperative_month', table_name='method_month')
    op.drop_index('ix_method_month_month', table_name='method_month')
    op.drop_table('method_month')
    op.drop_index('ix_method_loan_month_group', table_name='method_loan_month')
    op.drop_table('method_loan_month')
    op.drop_index('ix_assignment_loan_assigned', table_name='assignment')
