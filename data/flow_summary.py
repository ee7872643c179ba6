"""The monthly NPL movement summary (``npl_flow_month``), rebuilt with a month's other summaries.

Why: the movement of the NPL stock (domain.npl_flows), the roll and cure rates and the forecast need, per
month x cooperative x segment x class transition, the balance the month before and this month, the cash and
asset recoveries of the month and its write-offs. Reading those from loan_month and the actions at view time
would scan the whole portfolio; this keeps a few hundred rows a month. One loan counts in exactly one
transition of a month (like class_transition: a loan with no row the month before comes from 'new', one
with no row this month goes to 'closed'), so every sum over the rows reconciles to the cent with the monthly
balances of portfolio_month.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import case, delete, func, insert, literal, select
from sqlalchemy.orm import Session

from data.models import CollectionAction, Loan, LoanMonth, NplFlowMonth, Setting
from domain.classes import CLOSED_LOAN, NEW_LOAN
from domain.methods import ASSET_DISPOSAL
from domain.months import month_end, previous_month
from domain.settings import from_mapping

COLUMNS = ["month", "cooperative_id", "segment", "from_class", "to_class", "loan_count", "opening_cents",
           "closing_cents", "collected_cents", "foreclosed_cents", "written_off_cents", "provision_cents",
           "provisioned_cents"]


def _segment(cutoff: dt.date):
    """SQL for domain.segments.segment_of (the same expression as data.aggregates.segment_expr)."""
    return case((Loan.issue_date < cutoff, literal("old")), else_=literal("new"))


def flow_select(month: dt.date, cutoff: dt.date):
    """SELECT of the month's npl_flow_month rows from loan_month and collection_action.

    Both months are read in one pass grouped by loan (data.aggregates.month_pair_select): a loan with a row in
    both carries the month before's class and balance as opening and this month's as closing; one only this
    month comes from 'new' (opening 0), one only the month before goes to 'closed' (closing and the month's
    write-off and provisions 0).
    """
    from data.aggregates import month_pair_select  # data.aggregates calls this module: imported when used

    lm = LoanMonth
    pair = month_pair_select(previous_month(month), month, ("written_off", lm.written_off_cents),
                             ("provision", func.coalesce(lm.provision_cents, 0)),
                             ("provisioned", case((lm.provision_cents.is_(None), literal(0)),
                                                  else_=lm.outstanding_cents))).subquery()
    had = pair.c.a_class.is_not(None)
    cooperative = func.coalesce(pair.c.a_coop, pair.c.b_coop)
    from_class = func.coalesce(pair.c.a_class, literal(NEW_LOAN))
    to_class = func.coalesce(pair.c.b_class, literal(CLOSED_LOAN))
    opening = case((had, pair.c.a_cents), else_=literal(0))

    def this_month(column):
        return func.coalesce(column, 0)

    is_disposal = CollectionAction.method == ASSET_DISPOSAL
    cash = (select(CollectionAction.loan_id,
                   func.sum(case((is_disposal, 0), else_=CollectionAction.recovered_cents)).label("collected"),
                   func.sum(case((is_disposal, CollectionAction.recovered_cents), else_=0)).label("foreclosed"))
            .where(CollectionAction.action_date.between(month, month_end(month)))
            .group_by(CollectionAction.loan_id).subquery())
    segment = _segment(cutoff)
    return (select(literal(month).label("month"), cooperative, segment.label("segment"), from_class, to_class,
                   func.count(), func.sum(opening), func.sum(this_month(pair.c.b_cents)),
                   func.coalesce(func.sum(cash.c.collected), 0), func.coalesce(func.sum(cash.c.foreclosed), 0),
                   func.sum(this_month(pair.c.written_off)), func.sum(this_month(pair.c.provision)),
                   func.sum(this_month(pair.c.provisioned)))
            .join(Loan, Loan.id == pair.c.loan_id)
            .outerjoin(cash, cash.c.loan_id == pair.c.loan_id)
            .group_by(cooperative, segment, from_class, to_class))


def rebuild_flow_month(session: Session, month: dt.date, *, cutoff: dt.date | None = None) -> None:
    """Replace the month's movement rows (none for a month with no loan rows: its only tape was withdrawn)."""
    session.execute(delete(NplFlowMonth).where(NplFlowMonth.month == month))
    if session.scalar(select(LoanMonth.loan_id).where(LoanMonth.month == month).limit(1)) is None:
        return
    if cutoff is None:
        cutoff = from_mapping(dict(session.execute(select(Setting.key, Setting.value)).all())).segment_cutoff
    session.execute(insert(NplFlowMonth).from_select(COLUMNS, flow_select(month, cutoff)))
