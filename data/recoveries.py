"""Reads of recoveries: money collected by collection actions (cash and net disposal proceeds)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from data.aggregates import segment_expr
from data.models import CollectionAction, Loan
from data.scoping import scoped
from data.settings import get as get_settings
from domain.scope import Scope


def recovered_between(session: Session, *, scope: Scope, first_day: dt.date, last_day: dt.date,
                      segment: str | None = None) -> int:
    """Recovery in cents between two days inclusive: the one definition every page uses.

    An asset disposal is recorded as an action of the asset-disposal method carrying its net proceeds, so
    cash and disposal proceeds are both counted here, once. ``segment`` (old/new, by the loan's issue date
    against the cutoff) narrows to the recoveries on that segment's loans, like the NPL figures beside them.
    """
    stmt = select(func.coalesce(func.sum(CollectionAction.recovered_cents), 0)).where(
        CollectionAction.action_date.between(first_day, last_day))
    if segment:
        stmt = (stmt.join(Loan, Loan.id == CollectionAction.loan_id)
                .where(segment_expr(get_settings(session).segment_cutoff) == segment))
    stmt = scoped(stmt, scope, cooperative_col=CollectionAction.cooperative_id,
                  officer_col=CollectionAction.officer_id)
    return int(session.scalar(stmt) or 0)
