"""index loan(purpose, issue_date) for the evergreening read

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28 17:00:00

Why: data.warnings._evergreening collects its suspects first -- loans of the period that refinance a loan,
follow an overdue closing of the same borrower, or pay interest -- and only then joins their names. The
interest-payment suspects are found by purpose and issue date; without this index that meant reading every
loan of the period (750,000 of 1,000,000 for a 36-month period; bench/explain.py).
"""
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_loan_purpose_issue_date', 'loan', ['purpose', 'issue_date'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_loan_purpose_issue_date', table_name='loan')
