"""watch_month: the early-warning lists of each month, precomputed

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28 16:30:00

Why: the Special Mention, Normal-at-risk and hidden-NPL reads of the early-warning page evaluated their rules
over every loan of the month at each view (linear in the portfolio: 0.3-0.4 s a read at 200,000 loans).
watch_month keeps only the flagged loans of each month; data.aggregates rebuilds it with the month's other
summaries. Filled here for every month already loaded, with the thresholds in force, using the rules of
data/watchlist.py as they are at this revision (the column list below is fixed here; a later change of the
table comes with its own revision and rebuild).
"""
import datetime as dt

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

COLUMNS = ["month", "watch", "loan_id", "cooperative_id", "officer_id", "loan_class", "previous_class",
           "floor_class", "balance_cents", "overdue_cents", "days_past_due", "worsened_flag",
           "days_past_due_flag", "maturity_flag", "reason"]


def upgrade() -> None:
    watch = op.create_table('watch_month',
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('watch', sa.String(length=20), nullable=False),
    sa.Column('loan_id', sa.Integer(), nullable=False),
    sa.Column('cooperative_id', sa.Integer(), nullable=False),
    sa.Column('officer_id', sa.Integer(), nullable=False),
    sa.Column('loan_class', sa.String(length=20), nullable=False),
    sa.Column('previous_class', sa.String(length=20), nullable=True),
    sa.Column('floor_class', sa.String(length=20), nullable=True),
    sa.Column('balance_cents', sa.BigInteger(), nullable=False),
    sa.Column('overdue_cents', sa.BigInteger(), nullable=False),
    sa.Column('days_past_due', sa.Integer(), nullable=False),
    sa.Column('worsened_flag', sa.SmallInteger(), nullable=False),
    sa.Column('days_past_due_flag', sa.SmallInteger(), nullable=False),
    sa.Column('maturity_flag', sa.SmallInteger(), nullable=False),
    sa.Column('reason', sa.String(length=20), nullable=True),
    sa.ForeignKeyConstraint(['cooperative_id'], ['cooperative.id'], name=op.f('fk_watch_month_cooperative_id_cooperative')),
    sa.ForeignKeyConstraint(['loan_id'], ['loan.id'], name=op.f('fk_watch_month_loan_id_loan')),
    sa.ForeignKeyConstraint(['officer_id'], ['officer.id'], name=op.f('fk_watch_month_officer_id_officer')),
    sa.PrimaryKeyConstraint('month', 'watch', 'loan_id', name=op.f('pk_watch_month'))
    )
    op.create_index('ix_watch_month_balance', 'watch_month', ['month', 'watch', 'balance_cents'], unique=False)
    from data.watchlist import watch_select
    from domain.settings import from_mapping

    bind = op.get_bind()
    settings = from_mapping(dict(bind.execute(sa.text("SELECT key, value FROM setting")).all()))
    months = [row[0] for row in bind.execute(sa.text("SELECT DISTINCT month FROM loan_month ORDER BY month"))]
    for month in months:
        if isinstance(month, str):  # SQLite returns raw text from a textual query
            month = dt.date.fromisoformat(month)
        bind.execute(sa.insert(watch).from_select(COLUMNS, watch_select(month, settings.thresholds)))


def downgrade() -> None:
    op.drop_index('ix_watch_month_balance', table_name='watch_month')
    op.drop_table('watch_month')
