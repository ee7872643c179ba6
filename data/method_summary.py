"""The methods page's summary: its figures for any period of whole months without reading the actions.

Why: the methods page worked every loan x method of the period from the actions (143,000 rows out of 460,000
actions at 1,000,000 loans, 3.7 s). Its figures are not all additive -- distinct loans worked, the balance
worked measured at each loan's first action in the period, the median days to the first recovery -- so a
plain monthly sum cannot give them. Instead each loan x method x cooperative is a *chain* of the months in
which it had actions; a period of whole months [a, b] works the chain once, in its first month inside the
period: the row with a <= month <= b whose previous month with an action is before a (or none). That row's
month also fixes the balance worked (the balance the month before, data.methods docstring). Likewise for the
first recovery with the previous month with a recovery. So:

* ``method_loan_month`` -- one row per chain x month with actions (data.models.MethodLoanMonth): the base;
* ``method_month`` -- its rows counted and summed by cooperative x segment x method x month x previous month;
* ``method_recovery_days`` -- its months with a recovery counted by ... x previous recovery month x days.

The two sums are bounded by cooperatives x methods x months squared (x days), not by loans; data.methods
reads them for the page. Sources and their writers, all calling this module in their transaction:

* collection_action -- data.actions.record_action, data.asset_commands.record_disposal, the action importer:
  ``refresh_loans`` for the loans written;
* assignment (the assignment in force at a first recovery) -- data.assignments (create, create_many,
  reassign), the assignment importer: ``refresh_loans``;
* loan_month (the balances), loan (issue date: segment) and the segment cutoff -- every tape import and
  withdrawal, a cutoff change and data.aggregates.rebuild_all rebuild it whole (data.summaries
  .rebuild_loan_summaries), like vintage_cell.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import Date, Integer, String, and_, case, cast, delete, func, insert, literal, literal_column, select, \
    tuple_, union_all
from sqlalchemy.orm import Session

from data.models import Assignment, CollectionAction, Loan, LoanMonth, MethodLoanMonth, MethodMonth, \
    MethodRecoveryDays, Setting
from data.summaries import CHUNK, month_start_of
from domain.settings import from_mapping

#: the method of the rows for every method together, and the cooperative of the rows for every cooperative
ALL_METHODS, ALL_COOPERATIVES = "*", 0
#: more loans than this at once (a large import) rebuild the whole summary instead
FULL_REBUILD_LOANS = 20_000

BASE_COLUMNS = ["loan_id", "method", "cooperative_id", "month", "segment", "prev_month", "prev_recovery_month",
                "actions", "recovered_cents", "cost_cents", "balance_cents", "recovering", "days"]
MONTH_COLUMNS = ["cooperative_id", "segment", "method", "month", "prev_month", "loans", "balance_cents", "actions",
                 "recovered_cents", "cost_cents"]
DAYS_COLUMNS = ["cooperative_id", "segment", "method", "month", "prev_recovery_month", "days", "loans"]


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def _previous_month_start(session: Session, column):
    if _dialect(session) == "sqlite":
        return func.date(column, "-1 month")
    return cast(column - literal_column("interval '1 month'"), Date)


def _days_between(session: Session, start, end):
    if _dialect(session) == "sqlite":
        return cast(func.julianday(end) - func.julianday(start), Integer)
    return end - start


def _cutoff(session: Session):
    return from_mapping({k: v for k, v in session.execute(select(Setting.key, Setting.value))}).segment_cutoff


def base_select(session: Session, loan_ids: list[int] | None = None):
    """The rows of method_loan_month from the raw tables, for these loans (None: every loan)."""
    from data.aggregates import segment_expr  # data.aggregates calls data.summaries: imported when used

    action, month = CollectionAction, month_start_of(CollectionAction.action_date)
    recovered = action.recovered_cents > 0

    def grouped(method, cooperative, keys):
        stmt = select(action.loan_id.label("loan_id"), method.label("method"), cooperative.label("cooperative_id"),
                      month.label("month"), func.count().label("actions"),
                      func.sum(action.recovered_cents).label("recovered"), func.sum(action.cost_cents).label("cost"),
                      func.min(action.action_date).filter(recovered).label("first_recovery")).group_by(*keys, month)
        return stmt if loan_ids is None else stmt.where(action.loan_id.in_(loan_ids))

    every_method, every_coop = literal(ALL_METHODS, String(20)), literal(ALL_COOPERATIVES, Integer)
    g = union_all(grouped(action.method, action.cooperative_id, (action.loan_id, action.method, action.cooperative_id)),
                  grouped(every_method, action.cooperative_id, (action.loan_id, action.cooperative_id)),
                  grouped(every_method, every_coop, (action.loan_id,))).subquery("g")
    chain = (g.c.loan_id, g.c.method, g.c.cooperative_id)
    w = select(*g.c, func.lag(g.c.month).over(partition_by=chain, order_by=g.c.month).label("prev_month"),
               func.max(case((g.c.first_recovery.is_not(None), g.c.month)))
               .over(partition_by=chain, order_by=g.c.month, rows=(None, -1)).label("prev_recovery_month")
               ).subquery("w")
    before = (select(LoanMonth.outstanding_cents)
              .where(LoanMonth.loan_id == w.c.loan_id, LoanMonth.month == _previous_month_start(session, w.c.month))
              .limit(1).scalar_subquery())
    latest = (select(LoanMonth.outstanding_cents).where(LoanMonth.loan_id == w.c.loan_id)
              .order_by(LoanMonth.month.desc()).limit(1).scalar_subquery())
    assigned = (select(func.max(Assignment.assigned_on))
                .where(Assignment.loan_id == w.c.loan_id, Assignment.assigned_on <= w.c.first_recovery)
                .scalar_subquery())
    return (select(w.c.loan_id, w.c.method, w.c.cooperative_id, w.c.month,
                   segment_expr(_cutoff(session)), w.c.prev_month, w.c.prev_recovery_month, w.c.actions,
                   w.c.recovered, w.c.cost, func.coalesce(before, latest, 0),
                   case((w.c.first_recovery.is_not(None), 1), else_=0),
                   _days_between(session, assigned, w.c.first_recovery))
            .join(Loan, Loan.id == w.c.loan_id))


def month_select():
    base = MethodLoanMonth
    keys = (base.cooperative_id, base.segment, base.method, base.month, base.prev_month)
    return select(*keys, func.count(), func.sum(base.balance_cents), func.sum(base.actions),
                  func.sum(base.recovered_cents), func.sum(base.cost_cents)).group_by(*keys)


def days_select():
    base = MethodLoanMonth
    keys = (base.cooperative_id, base.segment, base.method, base.month, base.prev_recovery_month, base.days)
    return select(*keys, func.count()).where(base.recovering == 1).group_by(*keys)


def rebuild(session: Session) -> None:
    """Recompute the whole summary from collection_action, assignment, loan_month and loan."""
    for table in (MethodRecoveryDays, MethodMonth, MethodLoanMonth):
        session.execute(delete(table))
    session.execute(insert(MethodLoanMonth).from_select(BASE_COLUMNS, base_select(session)))
    session.execute(insert(MethodMonth).from_select(MONTH_COLUMNS, month_select()))
    session.execute(insert(MethodRecoveryDays).from_select(DAYS_COLUMNS, days_select()))


def _groups_of(session: Session, loan_ids: list[int]) -> set[tuple]:
    base = MethodLoanMonth
    return set(session.execute(select(base.month, base.method, base.cooperative_id)
                               .where(base.loan_id.in_(loan_ids)).distinct()))


def refresh_loans(session: Session, loan_ids: Iterable[int | None]) -> None:
    """Recompute the rows of these loans and the sums they fall in. Called after any write to their actions or
    assignments, in the writer's transaction (after a flush)."""
    wanted = sorted({i for i in loan_ids if i is not None})
    if not wanted:
        return
    if len(wanted) > FULL_REBUILD_LOANS:
        rebuild(session)
        return
    groups: set[tuple] = set()
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start:start + CHUNK]
        groups |= _groups_of(session, chunk)
        session.execute(delete(MethodLoanMonth).where(MethodLoanMonth.loan_id.in_(chunk)))
        session.execute(insert(MethodLoanMonth).from_select(BASE_COLUMNS, base_select(session, chunk)))
        groups |= _groups_of(session, chunk)
    by_month: dict = defaultdict(list)
    for month, method, cooperative in groups:
        by_month[month].append((method, cooperative))
    for month, pairs in sorted(by_month.items()):
        pairs = sorted(pairs)
        for start in range(0, len(pairs), CHUNK // 2):
            chunk = pairs[start:start + CHUNK // 2]
            for table, select_rows, columns in ((MethodMonth, month_select(), MONTH_COLUMNS),
                                                (MethodRecoveryDays, days_select(), DAYS_COLUMNS)):
                session.execute(delete(table).where(table.month == month,
                                                    tuple_(table.method, table.cooperative_id).in_(chunk)))
                base = MethodLoanMonth
                session.execute(insert(table).from_select(columns, select_rows.where(
                    and_(base.month == month, tuple_(base.method, base.cooperative_id).in_(chunk)))))
