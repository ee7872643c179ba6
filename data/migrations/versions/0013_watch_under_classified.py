"""watch_month: under-classified loans, and hidden NPLs by the borrower and observation-period rules

Revision ID: 0013
Revises: 0009
Create Date: 2026-11-30 14:30:00

Why: DOMAIN.md lists every loan recorded better than its floor (also within the NPL classes), an enterprise
borrower with more than 10 % of its debt non-performing makes all its loans NPLs, and a restructured loan is
not upgraded within its observation year. data/watchlist.py now writes these rows (watch
"under_classified", and more "hidden" rows with the reasons "borrower" and "upgraded"); the table's columns
do not change, so this revision only rebuilds every month's watch list with the thresholds in force.
"""
import datetime as dt

import sqlalchemy as sa
from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def _rebuild() -> None:
    from sqlalchemy.orm import Session

    from data.watchlist import rebuild_watch_month
    from domain.settings import from_mapping

    bind = op.get_bind()
    settings = from_mapping(dict(bind.execute(sa.text("SELECT key, value FROM setting")).all()))
    months = [row[0] for row in bind.execute(sa.text("SELECT DISTINCT month FROM loan_month ORDER BY month"))]
    session = Session(bind=bind)
    for month in months:
        if isinstance(month, str):  # SQLite returns raw text from a textual query
            month = dt.date.fromisoformat(month)
        rebuild_watch_month(session, month, settings.thresholds)
    session.flush()


def upgrade() -> None:
    _rebuild()


def downgrade() -> None:
    """The rows of the new rules go; the rest stays as the earlier rules wrote it."""
    op.execute("DELETE FROM watch_month WHERE watch = 'under_classified' OR reason IN ('borrower', 'upgraded')")
