"""Summaries the pages read instead of raw rows, kept current by the writes that change their sources.

Why: at 1,000,000 loans the officer, early-warning and vintage figures grouped every assignment or loan at
each view (bench/run.py, docs/benchmarks.md). Each summary here has one writer per source, so it never goes
stale, and a test proving it equals the figure computed from the raw rows (tests/test_summaries.py):

* ``assignment.recovered_cents`` -- the sum of its collection actions' recovered cents. Refreshed by every
  writer of collection_action: data.actions.record_action, data.asset_commands.record_disposal, the action
  and assignment importers, and data.aggregates.rebuild_all (demo generator, bulk loads).
* ``recovery_month`` -- actions by month x cooperative x officer x method: recovered, cost, count. Refreshed
  for the months an action write touches (its day, and the day it had before a re-import) by the same
  writers, and whole by rebuild_all.
* ``vintage_cell`` -- loans by issue month x segment x cooperative x first NPL month.
  Depends on loan (issue date, principal, officer), loan_history (first NPL month) and the segment cutoff:
  rebuilt whole by data.aggregates with loan_history (every tape import or withdrawal), by rebuild_all (also
  after a cutoff change) and after a withdrawal removes the loans it created. A GROUP BY over the loans:
  about a second at 1,000,000 loans, paid once per import instead of at every view.
* ``evergreen_pair`` -- a loan issued within the evergreening window of an overdue closing of an earlier loan
  of the same borrower. Depends on loan (borrower, issue date), loan_history (last month and its days past
  due) and the window setting: rebuilt whole at the same moments, and when the window changes.
* the methods page's summary (``method_loan_month`` and the sums over it) lives in data/method_summary.py: the
  action and assignment writers refresh the loans they write, data.aggregates rebuilds it with the tape.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import Date, and_, delete, func, insert, select, update
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.functions import FunctionElement

from data.models import (Assignment, CollectionAction, EvergreenPair, Loan, LoanHistory, RecoveryMonth, Setting,
                         VintageCell)
from data.watchlist import days_between, month_end_of
from domain.months import month_end, month_start
from domain.settings import Settings, from_mapping

#: ids per statement (bound parameters stay far below SQLite's limit)
CHUNK = 900


class month_start_of(FunctionElement):  # noqa: N801 - reads like the SQL function it stands for
    """SQL: the first day of the month of a date column (domain.months.month_start)."""

    type = Date()
    inherit_cache = True


@compiles(month_start_of)
def _month_start_postgresql(element, compiler, **kw) -> str:
    return "CAST(date_trunc('month', %s) AS DATE)" % compiler.process(element.clauses, **kw)


@compiles(month_start_of, "sqlite")
def _month_start_sqlite(element, compiler, **kw) -> str:
    return "date(%s, 'start of month')" % compiler.process(element.clauses, **kw)


def _settings(session: Session) -> Settings:
    return from_mapping({key: value for key, value in session.execute(select(Setting.key, Setting.value))})


# --- recovered per assignment -----------------------------------------------------------------------------------
def recovered_select():
    """The raw definition: recovered cents summed over the actions carrying the assignment's id."""
    return (select(func.coalesce(func.sum(CollectionAction.recovered_cents), 0))
            .where(CollectionAction.assignment_id == Assignment.id)
            .correlate(Assignment).scalar_subquery())


def refresh_recovered(session: Session, *, assignment_ids: Iterable[int | None] | None = None,
                      loan_ids: Iterable[int | None] | None = None) -> None:
    """Recompute assignment.recovered_cents: for these assignments, the assignments of these loans, or (both
    None) every assignment. Called after any write to collection_action, in the writer's transaction."""
    stmt = update(Assignment.__table__).values(recovered_cents=recovered_select())
    if assignment_ids is None and loan_ids is None:
        session.execute(stmt)
        return
    for column, ids in ((Assignment.__table__.c.id, assignment_ids), (Assignment.__table__.c.loan_id, loan_ids)):
        wanted = sorted({i for i in ids or () if i is not None})
        for start in range(0, len(wanted), CHUNK):
            session.execute(stmt.where(column.in_(wanted[start:start + CHUNK])))


# --- recoveries by month ------------------------------------------------------------------------------------------
RECOVERY_MONTH_COLUMNS = ["month", "cooperative_id", "officer_id", "method", "recovered_cents", "cost_cents", "actions"]


def recovery_month_select(first_day: dt.date | None = None, last_day: dt.date | None = None):
    """The raw grouping behind recovery_month, for the actions between two days (all when None)."""
    month = month_start_of(CollectionAction.action_date)
    keys = (month, CollectionAction.cooperative_id, CollectionAction.officer_id, CollectionAction.method)
    stmt = select(*keys, func.sum(CollectionAction.recovered_cents), func.sum(CollectionAction.cost_cents),
                  func.count()).group_by(*keys)
    if first_day is not None:
        stmt = stmt.where(CollectionAction.action_date.between(first_day, last_day))
    return stmt


def refresh_recovery_months(session: Session, days: Iterable[dt.date | None] | None = None) -> None:
    """Recompute recovery_month for the months of these days (None: every month). Called after any write to
    collection_action with the days it wrote and, for a changed action, the day it had before."""
    if days is None:
        session.execute(delete(RecoveryMonth))
        session.execute(insert(RecoveryMonth).from_select(RECOVERY_MONTH_COLUMNS, recovery_month_select()))
        return
    for month in sorted({month_start(d) for d in days if d is not None}):
        session.execute(delete(RecoveryMonth).where(RecoveryMonth.month == month))
        session.execute(insert(RecoveryMonth).from_select(RECOVERY_MONTH_COLUMNS,
                                                          recovery_month_select(month, month_end(month))))


def action_days(session: Session, source_ids: Iterable[str]) -> list[dt.date]:
    """The days of the actions already imported under these ids (read before a re-import moves them)."""
    wanted, days = sorted(set(source_ids)), []
    for start in range(0, len(wanted), CHUNK):
        days.extend(session.scalars(select(CollectionAction.action_date)
                                    .where(CollectionAction.source_id.in_(wanted[start:start + CHUNK]))))
    return days


# --- vintages ---------------------------------------------------------------------------------------------------
def vintage_select(settings: Settings):
    """The raw grouping behind vintage_cell: every loan with its first NPL month from loan_history."""
    from data.aggregates import segment_expr  # data.aggregates calls this module: imported when used

    issue_month, segment = month_start_of(Loan.issue_date), segment_expr(settings.segment_cutoff)
    keys = (issue_month, segment, Loan.cooperative_id, LoanHistory.first_npl_month)
    return (select(*keys, func.count(), func.sum(Loan.principal_cents))
            .outerjoin(LoanHistory, LoanHistory.loan_id == Loan.id)
            .group_by(*keys))


def rebuild_vintages(session: Session, settings: Settings | None = None) -> None:
    """Recompute vintage_cell from loan and loan_history (whole: a loan's issue date may move its cell)."""
    settings = settings or _settings(session)
    session.execute(delete(VintageCell))
    session.execute(insert(VintageCell).from_select(
        ["issue_month", "segment", "cooperative_id", "first_npl_month", "loan_count", "principal_cents"],
        vintage_select(settings)))


# --- evergreening pairs -----------------------------------------------------------------------------------------
def evergreen_pair_select(window_days: int):
    """The raw pairs: (new loan, old loan, old loan's last month, new loan's issue date) per
    domain.warning_rules.evergreen_rules,
    for every view month (a read keeps old_last_month < its month)."""
    old = aliased(Loan)
    gap = days_between(Loan.issue_date, month_end_of(LoanHistory.last_month))
    return (select(Loan.id, old.id, LoanHistory.last_month, Loan.issue_date)
            .select_from(LoanHistory)
            .join(old, old.id == LoanHistory.loan_id)
            .join(Loan, and_(Loan.borrower_id == old.borrower_id, Loan.id != old.id,
                             old.issue_date <= Loan.issue_date))
            .where(LoanHistory.last_days_past_due > 0, gap.between(-window_days, window_days)))


def rebuild_evergreen_pairs(session: Session, settings: Settings | None = None) -> None:
    """Recompute evergreen_pair from loan and loan_history with the configured window."""
    settings = settings or _settings(session)
    session.execute(delete(EvergreenPair))
    session.execute(insert(EvergreenPair).from_select(
        ["new_loan_id", "old_loan_id", "old_last_month", "new_issue_date"],
        evergreen_pair_select(settings.evergreen_window_days)))


def rebuild_loan_summaries(session: Session, settings: Settings | None = None) -> None:
    """Both loan-level summaries: after loan_history or the loans changed, or the cutoff or window."""
    settings = settings or _settings(session)
    rebuild_vintages(session, settings)
    rebuild_evergreen_pairs(session, settings)


def forget_loans(session: Session, loan_ids: list[int]) -> None:
    """Drop deleted loans from the loan-level summaries (a withdrawn import's created loans)."""
    for start in range(0, len(loan_ids), CHUNK):
        chunk = loan_ids[start:start + CHUNK]
        session.execute(delete(EvergreenPair).where(EvergreenPair.new_loan_id.in_(chunk)))
        session.execute(delete(EvergreenPair).where(EvergreenPair.old_loan_id.in_(chunk)))
    if loan_ids:
        rebuild_vintages(session)
