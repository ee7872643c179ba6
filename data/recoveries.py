"""Reads of recoveries: money collected by collection actions (cash and net disposal proceeds)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from data.aggregates import segment_expr
from data.models import CollectionAction, Loan, RecoveryMonth
from data.scoping import scoped
from data.settings import get as get_settings
from domain.months import month_end, month_start, previous_month
from domain.scope import Scope


def whole_months(first_day: dt.date, last_day: dt.date) -> tuple[dt.date, dt.date] | None:
    """The first and last whole calendar months between two days inclusive (None: no whole month)."""
    first = first_day if first_day.day == 1 else previous_month(month_start(first_day), -1)
    last = month_start(last_day) if last_day == month_end(month_start(last_day)) else previous_month(
        month_start(last_day))
    return (first, last) if first <= last else None


def recovered_between(session: Session, *, scope: Scope, first_day: dt.date, last_day: dt.date,
                      segment: str | None = None) -> int:
    """Recovery in cents between two days inclusive: the one definition every page uses.

    An asset disposal is recorded as an action of the asset-disposal method carrying its net proceeds, so
    cash and disposal proceeds are both counted here, once. Whole months are read from the recovery_month
    summary (data.summaries), the days of a partial month at either end from the actions themselves.
    ``segment`` (old/new, by the loan's issue date against the cutoff) narrows to the recoveries on that
    segment's loans, like the NPL figures beside them; the summary has no segment, so a segment reads the
    actions of the period.
    """
    def raw(first: dt.date, last: dt.date) -> int:
        stmt = select(func.coalesce(func.sum(CollectionAction.recovered_cents), 0)).where(
            CollectionAction.action_date.between(first, last))
        if segment:
            stmt = (stmt.join(Loan, Loan.id == CollectionAction.loan_id)
                    .where(segment_expr(get_settings(session).segment_cutoff) == segment))
        stmt = scoped(stmt, scope, cooperative_col=CollectionAction.cooperative_id,
                      officer_col=CollectionAction.officer_id)
        return int(session.scalar(stmt) or 0)

    if first_day > last_day:
        return 0
    months = whole_months(first_day, last_day)
    if months is None or segment:
        return raw(first_day, last_day)
    first, last = months
    stmt = select(func.coalesce(func.sum(RecoveryMonth.recovered_cents), 0)).where(
        RecoveryMonth.month.between(first, last))
    stmt = scoped(stmt, scope, cooperative_col=RecoveryMonth.cooperative_id, officer_col=RecoveryMonth.officer_id)
    total = int(session.scalar(stmt) or 0)
    if first_day < first:
        total += raw(first_day, first - dt.timedelta(days=1))
    if last_day > month_end(last):
        total += raw(month_end(last) + dt.timedelta(days=1), last_day)
    return total
