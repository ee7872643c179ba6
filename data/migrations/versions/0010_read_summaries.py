"""read summaries: recovered per assignment, recoveries by month, vintage cells, evergreening pairs

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30 14:00:00

Why: at 1,000,000 loans the officers page summed every assignment's actions in a correlated subquery (2.4 s),
and the early-warning page grouped every loan for its vintage curves (1.7 s) and joined every overdue closing
to every loan of the period for evergreening (1.2 s per read, 3.4 s on PostgreSQL); the overview's year-to-date
recovery and the methods page's monthly chart summed every action of the period (0.4 s each). Two indexes
serve the accountability gap, which scanned decision_assignment once per assignment (0.7 s). data/summaries.py keeps
the three summaries current from every writer of their sources; they are filled here from the existing rows
(with the same functions), so an upgraded database is correct at once.
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.orm import Session

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('assignment', sa.Column('recovered_cents', sa.BigInteger(), nullable=False, server_default='0'))
    op.create_table('vintage_cell',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('issue_month', sa.Date(), nullable=False),
    sa.Column('segment', sa.String(length=3), nullable=False),
    sa.Column('cooperative_id', sa.Integer(), nullable=False),
    sa.Column('first_npl_month', sa.Date(), nullable=True),
    sa.Column('loan_count', sa.Integer(), nullable=False),
    sa.Column('principal_cents', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['cooperative_id'], ['cooperative.id'], name=op.f('fk_vintage_cell_cooperative_id_cooperative')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vintage_cell'))
    )
    op.create_index('ix_vintage_cell_segment_month', 'vintage_cell', ['segment', 'issue_month'], unique=False)
    op.create_table('evergreen_pair',
    sa.Column('new_loan_id', sa.Integer(), nullable=False),
    sa.Column('old_loan_id', sa.Integer(), nullable=False),
    sa.Column('old_last_month', sa.Date(), nullable=False),
    sa.PrimaryKeyConstraint('new_loan_id', 'old_loan_id', name=op.f('pk_evergreen_pair'))
    )
    op.create_index('ix_evergreen_pair_old_loan_id', 'evergreen_pair', ['old_loan_id'], unique=False)
    op.create_table('recovery_month',
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('cooperative_id', sa.Integer(), nullable=False),
    sa.Column('officer_id', sa.Integer(), nullable=False),
    sa.Column('method', sa.String(length=20), nullable=False),
    sa.Column('recovered_cents', sa.BigInteger(), nullable=False),
    sa.Column('cost_cents', sa.BigInteger(), nullable=False),
    sa.Column('actions', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['cooperative_id'], ['cooperative.id'], name=op.f('fk_recovery_month_cooperative_id_cooperative')),
    sa.ForeignKeyConstraint(['officer_id'], ['officer.id'], name=op.f('fk_recovery_month_officer_id_officer')),
    sa.PrimaryKeyConstraint('month', 'cooperative_id', 'officer_id', 'method', name=op.f('pk_recovery_month'))
    )

    # the accountability gap: whether a decision names an assignment; behind assignments by outcome and deadline
    op.create_index('ix_decision_assignment_assignment_id', 'decision_assignment', ['assignment_id'], unique=False)
    op.create_index('ix_assignment_outcome_deadline', 'assignment', ['outcome', 'deadline'], unique=False)

    from data import summaries

    session = Session(bind=op.get_bind())
    summaries.refresh_recovered(session)
    summaries.refresh_recovery_months(session)
    settings = summaries._settings(session)
    summaries.rebuild_vintages(session, settings)
    # evergreen_pair as this revision has it (0018 adds the new loan's issue date and fills it)
    pairs = summaries.evergreen_pair_select(settings.evergreen_window_days).subquery()
    table = sa.table('evergreen_pair', sa.column('new_loan_id'), sa.column('old_loan_id'), sa.column('old_last_month'))
    session.execute(table.insert().from_select(['new_loan_id', 'old_loan_id', 'old_last_month'],
                                               sa.select(*list(pairs.c)[:3])))
    session.flush()


def downgrade() -> None:
    op.drop_index('ix_assignment_outcome_deadline', table_name='assignment')
    op.drop_index('ix_decision_assignment_assignment_id', table_name='decision_assignment')
    op.drop_table('recovery_month')
    op.drop_index('ix_evergreen_pair_old_loan_id', table_name='evergreen_pair')
    op.drop_table('evergreen_pair')
    op.drop_index('ix_vintage_cell_segment_month', table_name='vintage_cell')
    op.drop_table('vintage_cell')
    with op.batch_alter_table('assignment', schema=None) as batch_op:
        batch_op.drop_column('recovered_cents')
