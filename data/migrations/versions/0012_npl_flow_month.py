"""npl_flow_month: the monthly NPL movement summary; provisions reported on the tape

Revision ID: 0012
Revises: 0009
Create Date: 2026-11-30 14:20:00

Why: the overview shows where the NPLs went (opening + inflows - outflows = closing, split into cash collected,
write-offs, foreclosure, cures and other changes), the roll and cure rates and a forecast, for any period,
cooperative and segment; data/flow_summary.py keeps their inputs per month x cooperative x segment x class
transition so no page reads loan_month for them. A tape may report each loan's provision (optional column
``provision``; kept in the import snapshot so a withdrawn tape restores it); loans without one are provisioned at
the class rates of the settings. Filled here for every month
already loaded, with the cutoff in force, by the select of data/flow_summary.py as it is at this revision.
"""
import datetime as dt

import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('loan_month', sa.Column('provision_cents', sa.BigInteger(), nullable=True))
    op.add_column('import_snapshot', sa.Column('provision_cents', sa.BigInteger(), nullable=True))
    op.create_table('npl_flow_month',
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('cooperative_id', sa.Integer(), nullable=False),
    sa.Column('segment', sa.String(length=3), nullable=False),
    sa.Column('from_class', sa.String(length=20), nullable=False),
    sa.Column('to_class', sa.String(length=20), nullable=False),
    sa.Column('loan_count', sa.Integer(), nullable=False),
    sa.Column('opening_cents', sa.BigInteger(), nullable=False),
    sa.Column('closing_cents', sa.BigInteger(), nullable=False),
    sa.Column('collected_cents', sa.BigInteger(), nullable=False),
    sa.Column('foreclosed_cents', sa.BigInteger(), nullable=False),
    sa.Column('written_off_cents', sa.BigInteger(), nullable=False),
    sa.Column('provision_cents', sa.BigInteger(), nullable=False),
    sa.Column('provisioned_cents', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['cooperative_id'], ['cooperative.id'],
                            name=op.f('fk_npl_flow_month_cooperative_id_cooperative')),
    sa.PrimaryKeyConstraint('month', 'cooperative_id', 'segment', 'from_class', 'to_class',
                            name=op.f('pk_npl_flow_month'))
    )
    from data.flow_summary import COLUMNS, flow_select
    from domain.settings import from_mapping

    bind = op.get_bind()
    settings = from_mapping(dict(bind.execute(sa.text("SELECT key, value FROM setting")).all()))
    table = sa.table('npl_flow_month', *(sa.column(c) for c in COLUMNS))
    for (month,) in bind.execute(sa.text("SELECT DISTINCT month FROM loan_month ORDER BY month")).all():
        if isinstance(month, str):  # SQLite returns raw text from a textual query
            month = dt.date.fromisoformat(month)
        bind.execute(sa.insert(table).from_select(COLUMNS, flow_select(month, settings.segment_cutoff)))


def downgrade() -> None:
    op.drop_table('npl_flow_month')
    op.drop_column('import_snapshot', 'provision_cents')
    op.drop_column('loan_month', 'provision_cents')
