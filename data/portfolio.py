"""Reads of the loan portfolio: balances by class, NPL trend, migration, the largest NPLs.

Trend reads use the pre-aggregates; every function takes the viewer's scope and applies it in SQL.
"""
from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from data.aggregates import segment_expr, transition_select
from data.frames import frame as to_frame
from data.models import (Assignment, Borrower, ClassTransition, Cooperative, Loan, LoanMonth, Officer,
                         PortfolioMonth)
from data.scoping import scoped
from data.settings import get as get_settings
from domain.classes import NPL_CLASSES
from domain.months import previous_month
from domain.scope import Scope


def list_months(session: Session) -> list[dt.date]:
    """Months with data, oldest first."""
    return list(session.scalars(select(PortfolioMonth.month).distinct().order_by(PortfolioMonth.month)))


def list_cooperatives(session: Session, *, scope: Scope) -> pd.DataFrame:
    """Cooperatives the viewer may see: id, code, name, active (deactivated ones too: filters show history)."""
    stmt = scoped(select(Cooperative.id, Cooperative.code, Cooperative.name, Cooperative.active)
                  .order_by(Cooperative.code), Scope(cooperative_ids=scope.cooperative_ids),
                  cooperative_col=Cooperative.id)
    return to_frame(session, stmt, ["id", "code", "name", "active"])


def balances_by_month(session: Session, *, scope: Scope, first: dt.date, last: dt.date,
                      segment: str | None = None) -> pd.DataFrame:
    """Balance and loan count by month x class x segment: the source of every trend figure."""
    stmt = (select(PortfolioMonth.month, PortfolioMonth.loan_class, PortfolioMonth.segment,
                   func.sum(PortfolioMonth.balance_cents), func.sum(PortfolioMonth.loan_count))
            .where(PortfolioMonth.month.between(first, last))
            .group_by(PortfolioMonth.month, PortfolioMonth.loan_class, PortfolioMonth.segment)
            .order_by(PortfolioMonth.month))
    if segment:
        stmt = stmt.where(PortfolioMonth.segment == segment)
    stmt = scoped(stmt, scope, cooperative_col=PortfolioMonth.cooperative_id, officer_col=PortfolioMonth.officer_id)
    frame = to_frame(session, stmt, ["month", "loan_class", "segment", "balance_cents", "loan_count"])
    return frame.astype({"balance_cents": "int64", "loan_count": "int64"})


def npl_by_cooperative(session: Session, *, scope: Scope, months: list[dt.date],
                       segment: str | None = None) -> pd.DataFrame:
    """NPL and gross balance per cooperative for the given months (for ranking and change)."""
    is_npl = PortfolioMonth.loan_class.in_(NPL_CLASSES)
    stmt = (select(PortfolioMonth.month, Cooperative.id, Cooperative.name,
                   func.sum(PortfolioMonth.balance_cents).filter(is_npl),
                   func.sum(PortfolioMonth.balance_cents), func.sum(PortfolioMonth.loan_count).filter(is_npl))
            .join(Cooperative, Cooperative.id == PortfolioMonth.cooperative_id)
            .where(PortfolioMonth.month.in_(months))
            .group_by(PortfolioMonth.month, Cooperative.id, Cooperative.name))
    if segment:
        stmt = stmt.where(PortfolioMonth.segment == segment)
    stmt = scoped(stmt, scope, cooperative_col=PortfolioMonth.cooperative_id, officer_col=PortfolioMonth.officer_id)
    frame = to_frame(session, stmt, ["month", "cooperative_id", "cooperative", "npl_cents", "gross_cents", "npl_count"])
    return frame.fillna(0).astype({"npl_cents": "int64", "gross_cents": "int64", "npl_count": "int64"})


def migration(session: Session, *, scope: Scope, from_month: dt.date, to_month: dt.date,
              segment: str | None = None) -> pd.DataFrame:
    """The migration matrix (long form): from_class, to_class, balance_cents, loan_count.

    Consecutive months read the pre-aggregate; other pairs run the same definition
    (data.aggregates.transition_select) directly. Officer scopes are not supported here.
    """
    if scope.officer_id is not None:
        raise PermissionError("the migration matrix is not available to an officer scope")
    if from_month >= to_month:
        raise ValueError("the first month must be before the second")
    columns = ["from_class", "to_class", "balance_cents", "loan_count"]
    if previous_month(to_month) == from_month:
        stmt = (select(ClassTransition.from_class, ClassTransition.to_class, func.sum(ClassTransition.balance_cents),
                       func.sum(ClassTransition.loan_count))
                .where(ClassTransition.month == to_month)
                .group_by(ClassTransition.from_class, ClassTransition.to_class))
        if segment:
            stmt = stmt.where(ClassTransition.segment == segment)
        stmt = scoped(stmt, scope, cooperative_col=ClassTransition.cooperative_id)
    else:
        cutoff = get_settings(session).segment_cutoff
        moves = transition_select(from_month, to_month, cutoff, cooperative_ids=scope.cooperative_ids).subquery()
        stmt = (select(moves.c.from_class, moves.c.to_class, func.sum(moves.c.balance_cents), func.sum(moves.c.loan_count))
                .group_by(moves.c.from_class, moves.c.to_class))
        if segment:
            stmt = stmt.where(moves.c.segment == segment)
    frame = to_frame(session, stmt, columns)
    return frame.astype({"balance_cents": "int64", "loan_count": "int64"})


def largest_npls(session: Session, *, scope: Scope, month: dt.date, segment: str | None = None,
                 limit: int | None = 200) -> pd.DataFrame:
    """NPLs of a month, largest balance first, with borrower, cooperative and responsible officer.

    The rows are chosen on loan_month alone first (sorted, limited), and only those are joined to names and
    looked up for their open assignment: joining the month's every NPL before the sort took 0.7 s at
    1,000,000 loans. The loan is joined in the choice only when a segment or an officer scope needs it.
    """
    cutoff = get_settings(session).segment_cutoff
    segment_col = segment_expr(cutoff)
    chosen = (select(LoanMonth.loan_id, LoanMonth.cooperative_id, LoanMonth.loan_class, LoanMonth.outstanding_cents,
                     LoanMonth.days_past_due)
              .where(and_(LoanMonth.month == month, LoanMonth.loan_class.in_(NPL_CLASSES))))
    if segment or scope.officer_id is not None:
        chosen = chosen.join(Loan, Loan.id == LoanMonth.loan_id)
    if segment:
        chosen = chosen.where(segment_col == segment)
    chosen = scoped(chosen, scope, cooperative_col=LoanMonth.cooperative_id, officer_col=Loan.officer_id)
    chosen = chosen.order_by(LoanMonth.outstanding_cents.desc(), LoanMonth.loan_id)
    if limit is not None:
        chosen = chosen.limit(limit)
    chosen = chosen.subquery("chosen")
    # the responsible officer: that of the loan's latest open assignment (highest id), as everywhere else
    responsible = (select(Officer.name).join(Assignment, Assignment.officer_id == Officer.id)
                   .where(Assignment.loan_id == chosen.c.loan_id, Assignment.outcome == "open")
                   .order_by(Assignment.id.desc()).limit(1).correlate(chosen).scalar_subquery())
    stmt = (select(Loan.id, Loan.contract_no, Borrower.name, Cooperative.name, responsible, chosen.c.loan_class,
                   chosen.c.outstanding_cents, chosen.c.days_past_due, segment_col, Loan.issue_date)
            .select_from(chosen)
            .join(Loan, Loan.id == chosen.c.loan_id)
            .join(Borrower, Borrower.id == Loan.borrower_id)
            .join(Cooperative, Cooperative.id == chosen.c.cooperative_id)
            .order_by(chosen.c.outstanding_cents.desc(), chosen.c.loan_id))
    return to_frame(session, stmt, ["loan_id", "contract_no", "borrower", "cooperative", "responsible_officer",
                                  "loan_class", "balance_cents", "days_past_due", "segment", "issue_date"])


def count_npls(session: Session, *, scope: Scope, month: dt.date, segment: str | None = None) -> int:
    """How many NPLs largest_npls would list without a limit (for 'showing N of M')."""
    frame = balances_by_month(session, scope=scope, first=month, last=month, segment=segment)
    return int(frame.loc[frame.loan_class.isin(NPL_CLASSES), "loan_count"].sum())
