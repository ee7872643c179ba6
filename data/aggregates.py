"""Monthly pre-aggregates, so trend pages never scan loan_month at view time.

``portfolio_month`` holds balance and count by month x cooperative x originating officer x class x
segment; ``class_transition`` the moves between a month and the month before. Both are rebuilt for a
month (delete + INSERT ... SELECT, inside the caller's transaction) whenever that month's loan data
changes, and for every month when the segment cutoff or the classification thresholds change; with them
the month's early-warning watch list (data/watchlist.py). ``loan_history`` (one row per loan: first and
last month, days past due in the last month, first NPL month) is rebuilt for the loans a changed month
touches; it does not depend on the cutoff. The loan-level summaries built on it (data/summaries.py) are
rebuilt with it.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import and_, case, delete, func, insert, literal, or_, select, text, union_all
from sqlalchemy.orm import Session, aliased

from data.bulk import in_list
from data.flow_summary import rebuild_flow_month
from data.models import ClassTransition, Loan, LoanHistory, LoanMonth, PortfolioMonth, Setting, WatchMonth
from data.watchlist import rebuild_watch_month
from domain.classes import CLOSED_LOAN, NEW_LOAN, NPL_CLASSES
from domain.months import previous_month
from domain.segments import NEW, OLD
from domain.settings import Settings, from_mapping


def _settings(session: Session) -> Settings:
    return from_mapping({key: value for key, value in session.execute(select(Setting.key, Setting.value))})


def segment_expr(cutoff: dt.date):
    """SQL for domain.segments.segment_of: old before the cutoff, new on or after it."""
    return case((Loan.issue_date < cutoff, literal(OLD)), else_=literal(NEW))


def _portfolio_select(month: dt.date, cutoff: dt.date):
    segment = segment_expr(cutoff)
    return (select(LoanMonth.month, LoanMonth.cooperative_id, Loan.officer_id, LoanMonth.loan_class,
                   segment.label("segment"), func.sum(LoanMonth.outstanding_cents), func.count())
            .join(Loan, Loan.id == LoanMonth.loan_id)
            .where(LoanMonth.month == month)
            .group_by(LoanMonth.month, LoanMonth.cooperative_id, Loan.officer_id, LoanMonth.loan_class, segment))


def month_pair_select(from_month: dt.date, to_month: dt.date, *extra):
    """One row per loan with a row in either month: its class, balance and cooperative in each (NULL where it
    has no row), and ``extra`` (label, column) pairs read from ``to_month``'s row.

    Read in one pass over both months, grouped by loan: joining each row of one month to the other month's
    row by primary key looked 270,000 rows up one by one at 1,000,000 loans (7-15 s of a month's rebuild on
    SQLite); the class, balance and cooperative of both months are read from the covering index
    loan_month(month, loan_class, outstanding_cents, loan_id, cooperative_id, ...).
    """
    lm = LoanMonth
    in_a, in_b = lm.month == from_month, lm.month == to_month

    def of(condition, column):
        return func.max(case((condition, column)))

    return (select(lm.loan_id, of(in_a, lm.loan_class).label("a_class"), of(in_b, lm.loan_class).label("b_class"),
                   of(in_a, lm.outstanding_cents).label("a_cents"), of(in_b, lm.outstanding_cents).label("b_cents"),
                   of(in_a, lm.cooperative_id).label("a_coop"), of(in_b, lm.cooperative_id).label("b_coop"),
                   *(of(in_b, column).label(label) for label, column in extra))
            .where(lm.month.in_([from_month, to_month]))
            .group_by(lm.loan_id))


def transition_select(from_month: dt.date, to_month: dt.date, cutoff: dt.date, *, label_month: dt.date | None = None,
                      cooperative_ids: frozenset[int] | None = None):
    """Loans by (class in from_month, class in to_month) with the balance that moved.

    The one definition of the migration matrix: loans present in both months carry their from_month
    balance; loans only in to_month come from 'new' with their to_month balance; loans only in
    from_month go to 'closed' with their from_month balance. A loan's cooperative is that of its from_month
    row when it has one, else that of its to_month row (``cooperative_ids`` filters on it).
    """
    pair = month_pair_select(from_month, to_month).subquery()
    had = pair.c.a_class.is_not(None)
    cooperative = func.coalesce(pair.c.a_coop, pair.c.b_coop).label("cooperative_id")
    from_class = func.coalesce(pair.c.a_class, literal(NEW_LOAN)).label("from_class")
    to_class = func.coalesce(pair.c.b_class, literal(CLOSED_LOAN)).label("to_class")
    balance = case((had, pair.c.a_cents), else_=pair.c.b_cents)
    segment = segment_expr(cutoff).label("segment")
    month_col = literal(label_month or to_month).label("month")
    stmt = select(month_col, cooperative, segment, from_class, to_class, func.sum(balance).label("balance_cents"),
                  func.count().label("loan_count")).join(Loan, Loan.id == pair.c.loan_id)
    if cooperative_ids is not None:
        stmt = stmt.where(func.coalesce(pair.c.a_coop, pair.c.b_coop).in_(sorted(cooperative_ids)))
    return stmt.group_by(month_col, cooperative, segment, from_class, to_class)


def rebuild_month(session: Session, month: dt.date, *, settings: Settings | None = None) -> None:
    """Recompute the month's summaries from loan_month: portfolio, transitions, early-warning watch list.

    A month left with no rows at all (its only import withdrawn) has no summaries: without this its
    transitions would show every loan of the month before as closed.
    """
    settings = settings or _settings(session)
    cutoff = settings.segment_cutoff
    if session.get_bind().dialect.name == "postgresql":
        # these statements run once: PostgreSQL's JIT spent seconds compiling them (inlined and optimised, as
        # their estimated cost is high at a million loans) for no gain
        session.execute(text("SET LOCAL jit = off"))
    rebuild_flow_month(session, month, cutoff=cutoff)  # the NPL movement summary (data/flow_summary.py)
    if session.scalar(select(LoanMonth.loan_id).where(LoanMonth.month == month).limit(1)) is None:
        for table in (PortfolioMonth, ClassTransition, WatchMonth):
            session.execute(delete(table).where(table.month == month))
        return
    session.execute(delete(PortfolioMonth).where(PortfolioMonth.month == month))
    session.execute(insert(PortfolioMonth).from_select(
        ["month", "cooperative_id", "officer_id", "loan_class", "segment", "balance_cents", "loan_count"],
        _portfolio_select(month, cutoff)))
    session.execute(delete(ClassTransition).where(ClassTransition.month == month))
    session.execute(insert(ClassTransition).from_select(
        ["month", "cooperative_id", "segment", "from_class", "to_class", "balance_cents", "loan_count"],
        transition_select(previous_month(month), month, cutoff)))
    rebuild_watch_month(session, month, settings.thresholds)


HISTORY_COLUMNS = ["loan_id", "first_month", "last_month", "last_days_past_due", "first_npl_month"]
#: loans rebuilt per statement (their ids are one bound parameter: data.bulk.in_list)
HISTORY_CHUNK = 50_000


def _history_select(session: Session, loan_ids: list[int] | None = None):
    """SELECT of loan_history rows from loan_month: all loans, or the given ones."""
    npl_month = case((LoanMonth.loan_class.in_(NPL_CLASSES), LoanMonth.month))
    summary = (select(LoanMonth.loan_id, func.min(LoanMonth.month).label("first_month"),
                      func.max(LoanMonth.month).label("last_month"), func.min(npl_month).label("first_npl_month"))
               .group_by(LoanMonth.loan_id))
    if loan_ids is not None:
        summary = summary.where(in_list(session, LoanMonth.loan_id, loan_ids))
    summary = summary.subquery()
    last = aliased(LoanMonth)
    return (select(summary.c.loan_id, summary.c.first_month, summary.c.last_month, last.days_past_due,
                   summary.c.first_npl_month)
            .join(last, and_(last.loan_id == summary.c.loan_id, last.month == summary.c.last_month)))


def rebuild_loan_history(session: Session, months: Iterable[dt.date] | None = None) -> int:
    """Recompute loan_history for every loan (months None) or for the loans changed months touch.

    A month's change can alter a loan's summary only if the loan has a row in that month now, or had one
    that the summary points at (its first, last or first NPL month); other loans keep theirs. Returns the
    number of loans rebuilt (all: the rows written).
    """
    if months is None:
        session.execute(delete(LoanHistory))
        session.execute(insert(LoanHistory).from_select(HISTORY_COLUMNS, _history_select(session)))
        return session.scalar(select(func.count()).select_from(LoanHistory))
    months = sorted(set(months))
    touched = set(session.scalars(select(LoanMonth.loan_id).where(LoanMonth.month.in_(months))))
    touched.update(session.scalars(select(LoanHistory.loan_id).where(or_(
        LoanHistory.first_month.in_(months), LoanHistory.last_month.in_(months),
        LoanHistory.first_npl_month.in_(months)))))
    ordered = sorted(touched)
    for start in range(0, len(ordered), HISTORY_CHUNK):
        chunk = ordered[start:start + HISTORY_CHUNK]
        session.execute(delete(LoanHistory).where(in_list(session, LoanHistory.loan_id, chunk)))
        session.execute(insert(LoanHistory).from_select(HISTORY_COLUMNS, _history_select(session, chunk)))
    return len(ordered)


def rebuild_months(session: Session, months: Iterable[dt.date]) -> int:
    """Rebuild a set of months and the month after each (whose transitions depend on it), and the history of
    the loans those months touch."""
    from data import method_summary, summaries  # they read segment_expr from here: imported when used

    months = list(months)
    rebuild_loan_history(session, months)
    settings = _settings(session)
    summaries.rebuild_loan_summaries(session, settings)
    method_summary.refresh_months(session, months)  # the balances worked read loan_month, segments the loans
    existing = set(session.scalars(select(LoanMonth.month).distinct()))
    todo = set()
    for month in months:
        todo.add(month)
        nxt = previous_month(month, -1)
        if nxt in existing:
            todo.add(nxt)
    for month in sorted(todo):
        rebuild_month(session, month, settings=settings)
    return len(todo)


def rebuild_all(session: Session, *, history: bool = True) -> int:
    """Rebuild every month present in loan_month (after a cutoff change or a bulk load); ``history`` also
    rebuilds loan_history and the summaries of the actions (recovered per assignment, recovery_month; a cutoff
    change needs none of them). The
    loan-level summaries (data.summaries: vintages by segment, evergreening pairs) are rebuilt either way."""
    from data import method_summary, summaries  # they read segment_expr from here: imported when used

    if history:
        rebuild_loan_history(session)
        summaries.refresh_recovered(session)
        summaries.refresh_recovery_months(session)
    months = sorted(session.scalars(select(LoanMonth.month).distinct()))
    settings = _settings(session)
    session.execute(delete(PortfolioMonth))
    session.execute(delete(ClassTransition))
    session.execute(delete(WatchMonth))
    for month in months:
        rebuild_month(session, month, settings=settings)
    summaries.rebuild_loan_summaries(session, settings)
    method_summary.rebuild(session)
    return len(months)
