"""Reads of the early-warning page: Special Mention, Normal loans at risk, hidden NPLs, evergreening, new NPLs.

Every function takes the viewer's scope and applies it in SQL; lists take a ``limit`` and have an
aggregate twin (by officer, or a Total), so a page never loads more than it shows. The rules are those
of domain/warning_rules.py and domain/classes.py, written in SQL in data/watchlist.py: the month lists
(Special Mention, Normal at risk, hidden NPLs) read its precomputed watch_month; evergreening and the
vintage read loan_history. tests/test_warnings_data.py checks that SQL and domain agree on hand-made loans.
"""
from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import Date, Integer, and_, case, cast, extract, func, literal_column, or_, select, union
from sqlalchemy.orm import Session, aliased

from data.aggregates import segment_expr
from data.frames import frame as to_frame
from data.models import (Borrower, Cooperative, EvergreenPair, Loan, LoanMonth, Officer, PortfolioMonth, VintageCell,
                         WatchMonth)
from data.scoping import scoped
from data.settings import get as get_settings
from data.watchlist import (WATCH_HIDDEN, WATCH_NORMAL_AT_RISK, WATCH_SPECIAL_MENTION, WATCH_UNDER_CLASSIFIED,
                            days_between, flag, month_end_of)
from domain.classes import NPL_CLASSES
from domain.months import month_end
from domain.provisions import basis_points_by_class
from domain.scope import Scope
from domain.segments import NEW
from domain.warning_rules import INTEREST_PAYMENT_PURPOSE, Total


def _frame(session: Session, stmt, columns: list[str], *, ints: tuple[str, ...] = (),
           flags: tuple[str, ...] = ()) -> pd.DataFrame:
    frame = to_frame(session, stmt, columns)
    for column in ints:
        frame[column] = frame[column].fillna(0).astype("int64")
    for column in flags:
        frame[column] = frame[column].fillna(0).astype(bool)
    return frame


def _total(session: Session, rows) -> Total:
    count, balance = session.execute(select(func.count(), func.coalesce(func.sum(rows.c.balance_cents), 0))
                                     .select_from(rows)).one()
    return Total(loan_count=int(count), balance_cents=int(balance))


def _watched(watch: str, month: dt.date):
    """Loans on one of the month's watch lists with borrower, cooperative and originating officer."""
    return (select(Loan.id.label("loan_id"), Loan.contract_no, Borrower.name.label("borrower"),
                   Cooperative.name.label("cooperative"), Officer.name.label("officer"))
            .select_from(WatchMonth)
            .join(Loan, Loan.id == WatchMonth.loan_id)
            .join(Borrower, Borrower.id == Loan.borrower_id)
            .join(Cooperative, Cooperative.id == WatchMonth.cooperative_id)
            .join(Officer, Officer.id == Loan.officer_id)
            .where(WatchMonth.month == month, WatchMonth.watch == watch))


def _limit(stmt, limit: int | None):
    return stmt if limit is None else stmt.limit(limit)


def _restrict(session: Session, stmt, scope: Scope, segment: str | None):
    if segment:
        stmt = stmt.where(segment_expr(get_settings(session).segment_cutoff) == segment)
    return scoped(stmt, scope, cooperative_col=Loan.cooperative_id, officer_col=Loan.officer_id)


# --- Special Mention ------------------------------------------------------------------------------------------------
def _special_mention(session: Session, *, scope: Scope, month: dt.date, segment: str | None):
    stmt = (_watched(WATCH_SPECIAL_MENTION, month)
            .add_columns(WatchMonth.balance_cents, WatchMonth.overdue_cents, WatchMonth.days_past_due,
                         WatchMonth.previous_class, WatchMonth.worsened_flag.label("worsened")))
    return _restrict(session, stmt, scope, segment).subquery()


def list_special_mention(session: Session, *, scope: Scope, month: dt.date, segment: str | None = None,
                         limit: int | None = 200) -> pd.DataFrame:
    """Special Mention loans of a month: those that worsened this month first, then by balance."""
    rows = _special_mention(session, scope=scope, month=month, segment=segment)
    stmt = _limit(select(rows).order_by(rows.c.worsened.desc(), rows.c.balance_cents.desc(), rows.c.loan_id), limit)
    return _frame(session, stmt, list(rows.c.keys()), ints=("balance_cents", "overdue_cents"), flags=("worsened",))


def get_special_mention_worsened(session: Session, *, scope: Scope, month: dt.date,
                                 segment: str | None = None) -> Total:
    """Special Mention loans that were Normal last month: the newest arrivals on the watch list."""
    rows = _special_mention(session, scope=scope, month=month, segment=segment)
    return _total(session, select(rows).where(rows.c.worsened == 1).subquery())


# --- Normal loans at risk -------------------------------------------------------------------------------------------
def _normal_at_risk(session: Session, *, scope: Scope, month: dt.date, segment: str | None):
    """Loans flagged by domain.warning_rules.normal_risk_reasons (the rule in SQL: data.watchlist)."""
    stmt = (_watched(WATCH_NORMAL_AT_RISK, month)
            .add_columns(WatchMonth.loan_class, WatchMonth.previous_class, WatchMonth.balance_cents,
                         WatchMonth.overdue_cents, WatchMonth.days_past_due, Loan.maturity_date,
                         WatchMonth.days_past_due_flag, WatchMonth.worsened_flag, WatchMonth.maturity_flag))
    return _restrict(session, stmt, scope, segment).subquery()


def list_normal_at_risk(session: Session, *, scope: Scope, month: dt.date, segment: str | None = None,
                        limit: int | None = 200) -> pd.DataFrame:
    """Loans Normal last month or now that show risk (flags say which rule), largest balance first."""
    rows = _normal_at_risk(session, scope=scope, month=month, segment=segment)
    stmt = _limit(select(rows).order_by(rows.c.balance_cents.desc(), rows.c.loan_id), limit)
    return _frame(session, stmt, list(rows.c.keys()), ints=("balance_cents", "overdue_cents"),
                  flags=("days_past_due_flag", "worsened_flag", "maturity_flag"))


def get_normal_at_risk_total(session: Session, *, scope: Scope, month: dt.date, segment: str | None = None) -> Total:
    """How many loans list_normal_at_risk holds and their balance."""
    return _total(session, _normal_at_risk(session, scope=scope, month=month, segment=segment))


# --- Hidden NPLs ----------------------------------------------------------------------------------------------------
def _hidden(session: Session, *, scope: Scope, month: dt.date, segment: str | None):
    """Loans recorded as performing whose floor (days past due, or restructured NPL) is Substandard or worse."""
    stmt = (_watched(WATCH_HIDDEN, month)
            .add_columns(Loan.cooperative_id, Loan.officer_id, WatchMonth.loan_class, WatchMonth.floor_class,
                         WatchMonth.days_past_due, WatchMonth.balance_cents, Loan.restructured_on, WatchMonth.reason))
    return _restrict(session, stmt, scope, segment).subquery()


def list_hidden_npls(session: Session, *, scope: Scope, month: dt.date, segment: str | None = None,
                     limit: int | None = 200) -> pd.DataFrame:
    """Hidden NPLs of a month with their recorded class and floor, largest balance first."""
    rows = _hidden(session, scope=scope, month=month, segment=segment)
    columns = ["loan_id", "contract_no", "borrower", "cooperative", "officer", "loan_class", "floor_class",
               "days_past_due", "balance_cents", "restructured_on", "reason"]
    stmt = _limit(select(*(rows.c[c] for c in columns)).order_by(rows.c.balance_cents.desc(), rows.c.loan_id), limit)
    return _frame(session, stmt, columns, ints=("balance_cents",))


def list_hidden_npl_by_officer(session: Session, *, scope: Scope, month: dt.date,
                               segment: str | None = None) -> pd.DataFrame:
    """Hidden NPLs by cooperative x originating officer x recorded class: count and balance to reclassify."""
    rows = _hidden(session, scope=scope, month=month, segment=segment)
    keys = (rows.c.cooperative_id, rows.c.cooperative, rows.c.officer_id, rows.c.officer, rows.c.loan_class)
    stmt = (select(*keys, func.count(), func.sum(rows.c.balance_cents)).group_by(*keys)
            .order_by(rows.c.cooperative, rows.c.officer, rows.c.loan_class))
    return _frame(session, stmt, ["cooperative_id", "cooperative", "officer_id", "officer", "loan_class", "loan_count",
                                  "balance_cents"], ints=("loan_count", "balance_cents"))


# --- Under-classified loans ---------------------------------------------------------------------------------------
def _provision_sql(balance_col, class_col, points: dict[str, int]):
    """SQL for domain.provisions.provision: whole cents, half up, in integers on both engines."""
    return (balance_col * case(points, value=class_col, else_=0) + 5_000) // 10_000


def _under_classified(session: Session, *, scope: Scope, month: dt.date, segment: str | None):
    """Loans recorded better than their floor (any class; data.watchlist.under_classified_select) with the
    provisions the recorded class understates at the provision rates of the settings."""
    points = basis_points_by_class(get_settings(session).provision_rates())
    understated = (_provision_sql(WatchMonth.balance_cents, WatchMonth.floor_class, points)
                   - _provision_sql(WatchMonth.balance_cents, WatchMonth.loan_class, points))
    stmt = (_watched(WATCH_UNDER_CLASSIFIED, month)
            .add_columns(Loan.cooperative_id, Loan.officer_id, WatchMonth.loan_class, WatchMonth.floor_class,
                         WatchMonth.days_past_due, WatchMonth.balance_cents, Loan.restructured_on, WatchMonth.reason,
                         understated.label("understated_cents")))
    return _restrict(session, stmt, scope, segment).subquery()


def list_under_classified(session: Session, *, scope: Scope, month: dt.date, segment: str | None = None,
                          limit: int | None = 200) -> pd.DataFrame:
    """Under-classified loans of a month, the largest understated provision first."""
    rows = _under_classified(session, scope=scope, month=month, segment=segment)
    columns = ["loan_id", "contract_no", "borrower", "cooperative", "officer", "loan_class", "floor_class",
               "days_past_due", "balance_cents", "understated_cents", "restructured_on", "reason"]
    stmt = _limit(select(*(rows.c[c] for c in columns))
                  .order_by(rows.c.understated_cents.desc(), rows.c.balance_cents.desc(), rows.c.loan_id), limit)
    return _frame(session, stmt, columns, ints=("balance_cents", "understated_cents"))


def get_under_classified_total(session: Session, *, scope: Scope, month: dt.date,
                               segment: str | None = None) -> tuple[Total, int]:
    """How many loans are under-classified, their balance, and the provisions they understate in all."""
    rows = _under_classified(session, scope=scope, month=month, segment=segment)
    count, balance, understated = session.execute(select(
        func.count(), func.coalesce(func.sum(rows.c.balance_cents), 0),
        func.coalesce(func.sum(rows.c.understated_cents), 0))).one()
    return Total(loan_count=int(count), balance_cents=int(balance)), int(understated)


# --- Evergreening ---------------------------------------------------------------------------------------------------
def _loan_not_indexed(session: Session, name: str, type_=Integer):
    """A loan column written on SQLite so that its index is not chosen (``+column`` keeps the meaning;
    PostgreSQL decides itself). SQLite, without statistics, walked loan(issue_date) over every loan of the
    period (436,000 at 1,000,000 loans) instead of the few loans that refinance another (their own index), and
    for one cooperative's viewer walked loan(cooperative_id) over its 100,000 loans, looking each one's
    borrower up, instead of starting from the suspects (0.2-0.4 s at 1,000,000 loans)."""
    if session.get_bind().dialect.name == "sqlite":
        return literal_column(f"+{Loan.__tablename__}.{name}", type_)
    return getattr(Loan, name)


def _issue_date_not_indexed(session: Session):
    return _loan_not_indexed(session, "issue_date", Date)


def _evergreening(session: Session, *, scope: Scope, first: dt.date, month: dt.date, segment: str | None):
    """SQL for domain.warning_rules.evergreen_rules over loans issued from ``first`` to the end of ``month``.

    The window rule reads the evergreen_pair summary (data.summaries): the pairs whose old loan was repaid
    before ``month``, the lowest old loan id per new loan.
    """
    issued = Loan.issue_date.between(first, month_end(month))
    pairs = (select(EvergreenPair.new_loan_id.label("new_id"), func.min(EvergreenPair.old_loan_id).label("old_id"))
             .where(EvergreenPair.old_last_month < month)
             .group_by(EvergreenPair.new_loan_id)).subquery()
    linked, window_old, now = aliased(Loan), aliased(Loan), aliased(LoanMonth)
    by_link = Loan.refinances_loan_id.is_not(None)
    by_window = pairs.c.old_id.is_not(None)
    interest = Loan.purpose == INTEREST_PAYMENT_PURPOSE
    # the few suspects first, each found through an index (refinance link, purpose + issue date, the window
    # pairs), and only then their names and balances: joining first looked up every loan of the period
    # (each branch carries the period itself, so the outer query filters no loan and a planner cannot choose
    # to read every loan of the period and hash-join the suspects to them, as PostgreSQL did)
    # (a refinance link is a loan id, always > 0: written as a range so SQLite reads it from its index; the window
    # pairs carry their new loan's issue date, so the period's pairs come from the pairs' own index)
    suspects = union(select(Loan.id.label("id")).where(_issue_date_not_indexed(session).between(first, month_end(month)),
                                                       Loan.refinances_loan_id > 0),
                     select(Loan.id.label("id")).where(issued, interest),
                     select(EvergreenPair.new_loan_id.label("id"))
                     .where(EvergreenPair.new_issue_date.between(first, month_end(month)),
                            EvergreenPair.old_last_month < month)).subquery()
    stmt = (select(Loan.id.label("loan_id"), Loan.contract_no, Borrower.name.label("borrower"),
                   Cooperative.name.label("cooperative"), Loan.cooperative_id, Officer.name.label("officer"),
                   Loan.officer_id, Loan.issue_date, Loan.principal_cents,
                   func.coalesce(now.outstanding_cents, 0).label("balance_cents"),
                   func.coalesce(linked.contract_no, window_old.contract_no).label("old_contract"),
                   flag(by_link).label("link_flag"), flag(by_window).label("window_flag"),
                   flag(interest).label("interest_flag"))
            .select_from(suspects)
            .join(Loan, Loan.id == suspects.c.id)
            .join(Borrower, Borrower.id == Loan.borrower_id)
            .join(Cooperative, Cooperative.id == Loan.cooperative_id)
            .join(Officer, Officer.id == Loan.officer_id)
            .outerjoin(linked, linked.id == Loan.refinances_loan_id)
            .outerjoin(pairs, pairs.c.new_id == Loan.id)
            .outerjoin(window_old, window_old.id == pairs.c.old_id)
            .outerjoin(now, and_(now.loan_id == Loan.id, now.month == month)))
    if segment:
        stmt = stmt.where(segment_expr(get_settings(session).segment_cutoff) == segment)
    return scoped(stmt, scope, cooperative_col=_loan_not_indexed(session, "cooperative_id"),
                  officer_col=_loan_not_indexed(session, "officer_id")).subquery()


def list_evergreening(session: Session, *, scope: Scope, first: dt.date, month: dt.date, segment: str | None = None,
                      limit: int | None = 200) -> pd.DataFrame:
    """Loans issued in the period that refinance an overdue loan or pay interest, largest principal first."""
    rows = _evergreening(session, scope=scope, first=first, month=month, segment=segment)
    columns = ["loan_id", "contract_no", "borrower", "cooperative", "officer", "issue_date", "principal_cents",
               "balance_cents", "old_contract", "link_flag", "window_flag", "interest_flag"]
    stmt = _limit(select(*(rows.c[c] for c in columns)).order_by(rows.c.principal_cents.desc(), rows.c.loan_id),
                  limit)
    return _frame(session, stmt, columns, ints=("principal_cents", "balance_cents"),
                  flags=("link_flag", "window_flag", "interest_flag"))


def list_evergreening_by_officer(session: Session, *, scope: Scope, first: dt.date, month: dt.date,
                                 segment: str | None = None) -> pd.DataFrame:
    """Evergreening by cooperative x originating officer: loans, principal lent, balance now, loans per rule."""
    rows = _evergreening(session, scope=scope, first=first, month=month, segment=segment)
    keys = (rows.c.cooperative, rows.c.officer_id, rows.c.officer)
    stmt = (select(*keys, func.count(), func.sum(rows.c.principal_cents), func.sum(rows.c.balance_cents),
                   func.sum(rows.c.link_flag), func.sum(rows.c.window_flag), func.sum(rows.c.interest_flag))
            .group_by(*keys).order_by(func.sum(rows.c.principal_cents).desc(), rows.c.officer))
    columns = ["cooperative", "officer_id", "officer", "loan_count", "principal_cents", "balance_cents", "link_count",
               "window_count", "interest_count"]
    return _frame(session, stmt, columns, ints=tuple(columns[3:]))


# --- New-NPL flow ---------------------------------------------------------------------------------------------------
def list_new_npl_by_officer(session: Session, *, scope: Scope, month: dt.date) -> pd.DataFrame:
    """New-segment NPLs of a month by originating officer, with the officer's new-segment gross balance."""
    is_npl = PortfolioMonth.loan_class.in_(NPL_CLASSES)
    npl_count = func.coalesce(func.sum(PortfolioMonth.loan_count).filter(is_npl), 0)
    stmt = (select(Cooperative.name, Officer.id, Officer.name, npl_count,
                   func.coalesce(func.sum(PortfolioMonth.balance_cents).filter(is_npl), 0),
                   func.sum(PortfolioMonth.balance_cents))
            .join(Cooperative, Cooperative.id == PortfolioMonth.cooperative_id)
            .join(Officer, Officer.id == PortfolioMonth.officer_id)
            .where(PortfolioMonth.month == month, PortfolioMonth.segment == NEW)
            .group_by(Cooperative.name, Officer.id, Officer.name)
            .having(npl_count > 0))
    stmt = scoped(stmt, scope, cooperative_col=PortfolioMonth.cooperative_id, officer_col=PortfolioMonth.officer_id)
    frame = _frame(session, stmt, ["cooperative", "officer_id", "officer", "npl_count", "npl_cents", "gross_cents"],
                   ints=("npl_count", "npl_cents", "gross_cents"))
    return frame.sort_values(["npl_cents", "officer"], ascending=[False, True], ignore_index=True)


def list_vintage_rows(session: Session, *, scope: Scope, month: dt.date) -> pd.DataFrame:
    """New-segment loans issued by the end of ``month`` by issue month x months on book of their first NPL
    month (None: not NPL by ``month``): the input of domain.warning_rules.vintage_curves. Reads the vintage_cell
    summary (data.summaries), bounded by months x cooperatives instead of every loan."""
    first_npl = VintageCell.first_npl_month

    def month_index(column):
        return cast(extract("year", column), Integer) * 12 + cast(extract("month", column), Integer)

    npl_mob = case((first_npl <= month, month_index(first_npl) - month_index(VintageCell.issue_month)))
    cells = (select(cast(extract("year", VintageCell.issue_month), Integer).label("issue_year"),
                    cast(extract("month", VintageCell.issue_month), Integer).label("issue_month"),
                    npl_mob.label("npl_mob"), VintageCell.loan_count, VintageCell.principal_cents)
             .where(VintageCell.segment == NEW, VintageCell.issue_month <= month))
    # an officer scope sees no cell (the cells carry no officer; officers do not open the early-warning page)
    cells = scoped(cells, scope, cooperative_col=VintageCell.cooperative_id).subquery()
    keys = (cells.c.issue_year, cells.c.issue_month, cells.c.npl_mob)
    stmt = (select(*keys, func.sum(cells.c.loan_count), func.sum(cells.c.principal_cents))
            .group_by(*keys).order_by(*keys))
    frame = _frame(session, stmt, ["issue_year", "issue_month", "npl_mob", "loan_count", "principal_cents"],
                   ints=("issue_year", "issue_month", "loan_count", "principal_cents"))
    frame["npl_mob"] = frame.npl_mob.astype("Int64")
    return frame
