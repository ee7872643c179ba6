"""indexes for page reads that bench/explain.py showed scanning a large table

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 14:00:00

Why each index (plans in docs/explain.md):

* ``collection_action(action_date)``: data.recoveries.recovered_between (the overview's "recovered this
  month / this year" KPIs, union-wide) and the date-window subquery of data.methods filter on the action
  date alone; the only date index was (cooperative_id, action_date), useless without a cooperative, so
  both scanned the whole table. With it a one-month KPI reads one month of actions.
* ``assignment(outcome, loan_id)``: the "current assignment" subquery of data.portfolio.largest_npls
  (``WHERE outcome = 'open' GROUP BY loan_id``) read every assignment through the loan_id index; with
  outcome first it reads only the open ones, already in loan_id order, from the index alone (the id is
  in every SQLite index entry; PostgreSQL uses it as a bitmap / index scan).

Indexes that were considered and NOT added: loan_month(loan_class, loan_id, month) for the vintage and
evergreening reads of data.warnings -- SQLite keeps the primary-key order scan for their GROUP BY loan_id
and the extra index would slow every monthly import of the largest table; those reads need a summary
(first NPL month / last reported month per loan) rather than an index.

Not batch mode: adding an index does not rebuild the table, so audit_log's SQLite triggers are untouched.
"""
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_collection_action_action_date', 'collection_action', ['action_date'], unique=False)
    op.create_index('ix_assignment_outcome_loan', 'assignment', ['outcome', 'loan_id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_assignment_outcome_loan', table_name='assignment')
    op.drop_index('ix_collection_action_action_date', table_name='collection_action')
