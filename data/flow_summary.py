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

from sqlalchemy import and_, case, delete, func, insert, literal, select, union_all
from sqlalchemy.orm import Session, aliased

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
    """SELECT of the month's npl_flow_month rows from loan_month and collection_action."""
    before = previous_month(month)
    a, b = aliased(LoanMonth), aliased(LoanMonth)
    zero = literal(0)
    provisioned = case((b.provision_cents.is_(None), zero), else_=b.outstanding_cents)
    stayed = (select(a.loan_id, a.cooperative_id, a.loan_class.label("from_class"), b.loan_class.label("to_class"),
                     a.outstanding_cents.label("opening"), b.outstanding_cents.label("closing"),
                     b.written_off_cents.label("written_off"), func.coalesce(b.provision_cents, 0).label("provision"),
                     provisioned.label("provisioned"))
              .join(b, and_(b.loan_id == a.loan_id, b.month == month)).where(a.month == before))
    closed = (select(a.loan_id, a.cooperative_id, a.loan_class, literal(CLOSED_LOAN), a.outstanding_cents, zero,
                     zero, zero, zero)
              .outerjoin(b, and_(b.loan_id == a.loan_id, b.month == month))
              .where(a.month == before, b.loan_id.is_(None)))
    new = (select(b.loan_id, b.cooperative_id, literal(NEW_LOAN), b.loan_class, zero, b.outstanding_cents,
                  b.written_off_cents, func.coalesce(b.provision_cents, 0), provisioned)
           .outerjoin(a, and_(a.loan_id == b.loan_id, a.month == before))
           .where(b.month == month, a.loan_id.is_(None)))
    moves = union_all(stayed, closed, new).subquery()
    is_disposal = CollectionAction.method == ASSET_DISPOSAL
    cash = (select(CollectionAction.loan_id,
                   func.sum(case((is_disposal, 0), else_=CollectionAction.recovered_cents)).label("collected"),
                   func.sum(case((is_disposal, CollectionAction.recovered_cents), else_=0)).label("foreclosed"))
            .where(CollectionAction.action_date.between(month, month_end(month)))
            .group_by(CollectionAction.loan_id).subquery())
    segment = _segment(cutoff)
    group = (literal(month).label("month"), moves.c.cooperative_id, segment.label("segment"), moves.c.from_class,
             moves.c.to_class)
    return (select(*group, func.count(), func.sum(moves.c.opening), func.sum(moves.c.closing),
                   func.coalesce(func.sum(cash.c.collected), 0), func.coalesce(func.sum(cash.c.foreclosed), 0),
                   func.sum(moves.c.written_off), func.sum(moves.c.provision), func.sum(moves.c.provisioned))
            .join(Loan, Loan.id == moves.c.loan_id)
            .outerjoin(cash, cash.c.loan_id == moves.c.loan_id)
            .group_by(moves.c.cooperative_id, segment, moves.c.from_class, moves.c.to_class))


def rebuild_flow_month(session: Session, month: dt.date, *, cutoff: dt.date | None = None) -> None:
    """Replace the month's movement rows (none for a month with no loan rows: its only tape was withdrawn)."""
    session.execute(delete(NplFlowMonth).where(NplFlowMonth.month == month))
    if session.scalar(select(LoanMonth.loan_id).where(LoanMonth.month == month).limit(1)) is None:
        return
    if cutoff is None:
        cutoff = from_mapping(dict(session.execute(select(Setting.key, Setting.value)).all())).segment_cutoff
    session.execute(insert(NplFlowMonth).from_select(COLUMNS, flow_select(month, cutoff)))
