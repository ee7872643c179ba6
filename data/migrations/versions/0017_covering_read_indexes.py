"""covering indexes for the reads that grew with the book: a month's NPLs by balance, officer figures by status

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-30 18:00:00

Why: the overview's largest NPLs (data.portfolio.largest_npls) and the officers page's NPLs with no named
person (data.officers.unowned_npl_totals, list_assignable_npls) choose among a month's NPLs by balance. With
only loan_month(month, cooperative_id, loan_class) they walked the month's every row (270,000 at 1,000,000
loans) and looked each NPL row up in the table to read its balance before sorting (0.7 s on SQLite). With the
class and the columns they read in the index, the month's NPLs are found by three seeks and read from the index
alone.

The officers page's figures by deadline status (data.officers.assignments_by_status, on_time_by_deadline_month)
walked assignment(officer_id) or assignment(deadline) and looked every one of 134,000 assignments up in the
table (0.6 s and 0.33 s at 1,000,000 loans); with the columns they read in an index they read it alone. An
assignment's last action day (data.deadlines, idle assignments) is read from collection_action(assignment_id,
action_date) without visiting the actions.
"""
from alembic import op

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_loan_month_month_class_balance', 'loan_month',
                    ['month', 'loan_class', 'outstanding_cents', 'loan_id', 'cooperative_id', 'days_past_due'],
                    unique=False)
    op.create_index('ix_assignment_officer_status', 'assignment',
                    ['officer_id', 'outcome', 'deadline', 'closed_on', 'cooperative_id', 'target_cents',
                     'recovered_cents'], unique=False)
    op.create_index('ix_assignment_deadline_status', 'assignment',
                    ['deadline', 'outcome', 'closed_on', 'officer_id', 'cooperative_id'], unique=False)
    op.create_index('ix_collection_action_assignment_date', 'collection_action', ['assignment_id', 'action_date'],
                    unique=False)


def downgrade() -> None:
    op.drop_index('ix_collection_action_assignment_date', table_name='collection_action')
    op.drop_index('ix_assignment_deadline_status', table_name='assignment')
    op.drop_index('ix_assignment_officer_status', table_name='assignment')
    op.drop_index('ix_loan_month_month_class_balance', table_name='loan_month')
