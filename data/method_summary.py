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
* ``method_recovery_days`` -- its months with a recovery counted by ... x previous recovery month x days;
* ``method_period`` and ``method_period_days`` -- the same figures for the page's default period (the first
  to the last month on the tape) only, by cooperative x segment x method, and the days per viewer (union or
  one cooperative, one or both segments): the default view reads a few thousand rows at most.

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

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable

from sqlalchemy import Date, Integer, String, and_, case, cast, delete, func, insert, literal, literal_column, or_, \
    select, tuple_, union_all, update
from sqlalchemy.orm import Session

from data.models import Assignment, CollectionAction, Loan, LoanMonth, MethodLoanMonth, MethodMonth, MethodPeriod, \
    MethodPeriodDays, MethodRecoveryDays, Setting
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
    rebuild_period(session)


# --- the default period ---------------------------------------------------------------------------------------
PERIOD_SUMS = ["loans", "balance_cents", "actions", "recovered_cents", "cost_cents", "loans_recovered"]


def default_period(session: Session) -> tuple[dt.date, dt.date] | None:
    """The methods page's default period: the first and last month on the tape (None: no tape)."""
    first, last = session.execute(select(func.min(LoanMonth.month), func.max(LoanMonth.month))).one()
    return None if first is None else (first, last)


def _first_in(column, first: dt.date):
    return or_(column.is_(None), column < first)


def rebuild_period(session: Session) -> None:
    """Recompute method_period and method_period_days from method_loan_month for the default period."""
    session.execute(delete(MethodPeriod))
    session.execute(delete(MethodPeriodDays))
    period = default_period(session)
    if period is None:
        return
    first, last = period
    base = MethodLoanMonth
    worked = _first_in(base.prev_month, first)
    recovered = and_(base.recovering == 1, _first_in(base.prev_recovery_month, first))
    keys = (base.cooperative_id, base.segment, base.method)
    session.execute(insert(MethodPeriod).from_select(
        ["first_month", "last_month", "cooperative_id", "segment", "method", *PERIOD_SUMS],
        select(literal(first, Date), literal(last, Date), *keys, func.sum(case((worked, 1), else_=0)),
               func.sum(case((worked, base.balance_cents), else_=0)), func.sum(base.actions),
               func.sum(base.recovered_cents), func.sum(base.cost_cents), func.sum(case((recovered, 1), else_=0)))
        .where(base.month.between(first, last)).group_by(*keys)))
    firsts = select(base).where(base.month.between(first, last), recovered).subquery("firsts")
    both, union = literal("*", String(3)), literal(0, Integer)
    per_method = firsts.c.method != ALL_METHODS

    def counted(cooperative, segment, where=None):
        keys = [k for k in (cooperative, segment) if k is not None]
        stmt = select(literal(first, Date), literal(last, Date), cooperative if cooperative is not None else union,
                      segment if segment is not None else both, firsts.c.method, firsts.c.days, func.count())
        stmt = stmt.group_by(*keys, firsts.c.method, firsts.c.days)
        return stmt if where is None else stmt.where(where)

    session.execute(insert(MethodPeriodDays).from_select(
        ["first_month", "last_month", "cooperative_id", "segment", "method", "days", "loans"],
        union_all(counted(firsts.c.cooperative_id, firsts.c.segment), counted(firsts.c.cooperative_id, None),
                  counted(None, firsts.c.segment, per_method), counted(None, None, per_method))))


def _contributions(rows, first: dt.date, last: dt.date) -> tuple[Counter, Counter]:
    """What base rows add to method_period (key + column) and method_period_days (key + days)."""
    sums, days = Counter(), Counter()
    for r in rows:
        if not first <= r.month <= last:
            continue
        key = (r.cooperative_id, r.segment, r.method)
        worked = r.prev_month is None or r.prev_month < first
        recovered = bool(r.recovering) and (r.prev_recovery_month is None or r.prev_recovery_month < first)
        for column, value in zip(PERIOD_SUMS, (int(worked), r.balance_cents if worked else 0, r.actions,
                                               r.recovered_cents, r.cost_cents, int(recovered))):
            sums[key + (column,)] += value
        if recovered:
            viewers = [(r.cooperative_id, r.segment), (r.cooperative_id, "*")]
            if r.method != ALL_METHODS:
                viewers += [(ALL_COOPERATIVES, r.segment), (ALL_COOPERATIVES, "*")]
            for cooperative, segment in viewers:
                days[(cooperative, segment, r.method, r.days)] += 1
    return sums, days


def _period_rows(session: Session, loan_ids: list[int]):
    table = MethodLoanMonth.__table__
    return session.execute(select(*table.c).where(table.c.loan_id.in_(loan_ids))).all()


def _stored_period(session: Session) -> tuple[dt.date, dt.date] | None:
    row = session.execute(select(MethodPeriod.first_month, MethodPeriod.last_month).limit(1)).first()
    if row is None:
        row = session.execute(select(MethodPeriodDays.first_month, MethodPeriodDays.last_month).limit(1)).first()
    return None if row is None else (row[0], row[1])


def _apply(session: Session, first: dt.date, last: dt.date, sums: Counter, days: Counter) -> None:
    """Add these changes to the default period's rows (creating and dropping rows as counts reach 0)."""
    period = (MethodPeriod.first_month == first, MethodPeriod.last_month == last)
    by_key: dict[tuple, dict[str, int]] = defaultdict(dict)
    for (cooperative, segment, method, column), value in sums.items():
        if value:
            by_key[(cooperative, segment, method)][column] = value
    for (cooperative, segment, method), changes in sorted(by_key.items()):
        where = (*period, MethodPeriod.cooperative_id == cooperative, MethodPeriod.segment == segment,
                 MethodPeriod.method == method)
        done = session.execute(update(MethodPeriod).where(*where).values(
            {c: getattr(MethodPeriod, c) + v for c, v in changes.items()})).rowcount
        if not done:
            session.add(MethodPeriod(first_month=first, last_month=last, cooperative_id=cooperative,
                                     segment=segment, method=method, **{c: changes.get(c, 0) for c in PERIOD_SUMS}))
    day_period = (MethodPeriodDays.first_month == first, MethodPeriodDays.last_month == last)
    for (cooperative, segment, method, value), count in sorted(days.items(), key=str):
        if not count:
            continue
        days_match = MethodPeriodDays.days.is_(None) if value is None else MethodPeriodDays.days == value
        done = session.execute(update(MethodPeriodDays).where(
            *day_period, MethodPeriodDays.cooperative_id == cooperative, MethodPeriodDays.segment == segment,
            MethodPeriodDays.method == method, days_match).values(loans=MethodPeriodDays.loans + count)).rowcount
        if not done:
            session.add(MethodPeriodDays(first_month=first, last_month=last, cooperative_id=cooperative,
                                         segment=segment, method=method, days=value, loans=count))
    session.flush()
    session.execute(delete(MethodPeriod).where(MethodPeriod.loans == 0, MethodPeriod.actions == 0))
    session.execute(delete(MethodPeriodDays).where(MethodPeriodDays.loans == 0))


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
    period = default_period(session)
    stored = _stored_period(session)
    if stored is not None and stored != period:  # the tape's months moved without a rebuild: start the period again
        rebuild_period(session)
    groups: set[tuple] = set()
    sums, days = Counter(), Counter()
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start:start + CHUNK]
        groups |= _groups_of(session, chunk)
        if period is not None:
            old_sums, old_days = _contributions(_period_rows(session, chunk), *period)
            sums.subtract(old_sums)
            days.subtract(old_days)
        session.execute(delete(MethodLoanMonth).where(MethodLoanMonth.loan_id.in_(chunk)))
        session.execute(insert(MethodLoanMonth).from_select(BASE_COLUMNS, base_select(session, chunk)))
        groups |= _groups_of(session, chunk)
        if period is not None:
            new_sums, new_days = _contributions(_period_rows(session, chunk), *period)
            sums.update(new_sums)
            days.update(new_days)
    if period is not None:
        _apply(session, *period, sums, days)
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
