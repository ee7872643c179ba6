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
* loan_month (the balances) and loan (issue date: segment) -- every tape import and withdrawal
  (data.aggregates.rebuild_months): ``refresh_months`` recomputes the loans whose rows read a changed month
  (the month after it, or the latest balance when the month before has none) or whose segment moved, and
  the default period when the tape's months moved;
* the segment cutoff and bulk loads -- data.aggregates.rebuild_all and data.settings.seed: ``rebuild``.

Each write adds the difference of the written loans' rows to the sums (``refresh_loans``: 5-20 ms a loan at
1,000,000 loans on SQLite); a tape of a new month costs about 3.5 s plus 0.6 s for the default period's rows,
a re-import of an old month or a full rebuild about 36 s (bench figures in docs/benchmarks.md).
"""
from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable

from sqlalchemy import Date, Integer, String, and_, case, cast, delete, func, insert, literal, literal_column, or_, \
    select, union_all, update
from sqlalchemy.orm import Session

from data.models import Assignment, CollectionAction, Loan, LoanMonth, MethodLoanMonth, MethodMonth, MethodPeriod, \
    MethodPeriodDays, MethodRecoveryDays, Setting
from data.summaries import CHUNK, month_start_of
from domain.months import previous_month
from domain.settings import from_mapping

#: the method of the rows for every method together, and the cooperative of the rows for every cooperative
ALL_METHODS, ALL_COOPERATIVES = "*", 0
#: more loans than this at once (a large import) rebuild the whole summary instead
FULL_REBUILD_LOANS = 20_000

BASE_COLUMNS = ["loan_id", "method", "cooperative_id", "month", "segment", "prev_month", "prev_recovery_month",
                "actions", "recovered_cents", "cost_cents", "balance_cents", "recovering", "days", "fallback"]
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
                   _days_between(session, assigned, w.c.first_recovery), case((before.is_(None), 1), else_=0))
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
    """The methods page's default period: the first and last month on the tape (None: no tape). Two reads:
    SQLite answers each of min and max from the month index, but not both in one statement."""
    first = session.scalar(select(func.min(LoanMonth.month)))
    return None if first is None else (first, session.scalar(select(func.max(LoanMonth.month))))


def _first_in(column, first: dt.date):
    return or_(column.is_(None), column < first)


def rebuild_period(session: Session) -> None:
    """Recompute method_period and method_period_days for the default period from method_month and
    method_recovery_days (which must be current): the rows of the period's months whose previous month lies
    before it, a few tens of thousands, instead of the base's million."""
    session.execute(delete(MethodPeriod))
    session.execute(delete(MethodPeriodDays))
    period = default_period(session)
    if period is None:
        return
    first, last = period
    sums, days = MethodMonth, MethodRecoveryDays
    worked = _first_in(sums.prev_month, first)
    keys = (sums.cooperative_id, sums.segment, sums.method)
    rows = session.execute(select(*keys, func.sum(case((worked, sums.loans), else_=0)),
                                  func.sum(case((worked, sums.balance_cents), else_=0)), func.sum(sums.actions),
                                  func.sum(sums.recovered_cents), func.sum(sums.cost_cents))
                           .where(sums.month.between(first, last)).group_by(*keys)).all()
    day_keys = (days.cooperative_id, days.segment, days.method, days.days)
    recovered, counted = Counter(), Counter()
    for cooperative, segment, method, value, loans in session.execute(
            select(*day_keys, func.sum(days.loans))
            .where(days.month.between(first, last), _first_in(days.prev_recovery_month, first)).group_by(*day_keys)):
        recovered[(cooperative, segment, method)] += int(loans)
        for viewer in _viewers(cooperative, segment, method):
            counted[viewer + (method, value)] += int(loans)
    fixed = {"first_month": first, "last_month": last}
    if rows:
        session.execute(insert(MethodPeriod), [
            {**fixed, "cooperative_id": c, "segment": g, "method": m,
             **dict(zip(PERIOD_SUMS, (int(v or 0) for v in (*values, recovered[(c, g, m)]))))}
            for c, g, m, *values in rows])
    if counted:
        session.execute(insert(MethodPeriodDays), [
            {**fixed, "cooperative_id": c, "segment": g, "method": m, "days": d, "loans": n}
            for (c, g, m, d), n in counted.items() if n])


def _viewers(cooperative: int, segment: str, method: str) -> list[tuple[int, str]]:
    """The viewers (cooperative, 0: the union; segment, '*': both) whose medians a first recovery of a chain of
    this cooperative, segment and method counts in: a method's chains also count for the union; the chains of
    every method together already are the union's when their cooperative is 0."""
    viewers = [(cooperative, segment), (cooperative, "*")]
    if method != ALL_METHODS:
        viewers += [(ALL_COOPERATIVES, segment), (ALL_COOPERATIVES, "*")]
    return viewers


def _contributions(rows, period: tuple[dt.date, dt.date] | None) -> dict[str, Counter]:
    """What base rows add to each sum: table name -> Counter of (key, column) -> value."""
    out = {name: Counter() for name in ("method_month", "method_recovery_days", "method_period",
                                        "method_period_days")}
    for r in rows:
        chain = (r.cooperative_id, r.segment, r.method)
        for column, value in zip(MONTH_COLUMNS[5:], (1, r.balance_cents, r.actions, r.recovered_cents, r.cost_cents)):
            out["method_month"][(chain + (r.month, r.prev_month), column)] += value
        if r.recovering:
            out["method_recovery_days"][(chain + (r.month, r.prev_recovery_month, r.days), "loans")] += 1
        if period is None or not period[0] <= r.month <= period[1]:
            continue
        first = period[0]
        worked = r.prev_month is None or r.prev_month < first
        recovered = bool(r.recovering) and (r.prev_recovery_month is None or r.prev_recovery_month < first)
        for column, value in zip(PERIOD_SUMS, (int(worked), r.balance_cents if worked else 0, r.actions,
                                               r.recovered_cents, r.cost_cents, int(recovered))):
            out["method_period"][(chain, column)] += value
        if recovered:
            for cooperative, segment in _viewers(r.cooperative_id, r.segment, r.method):
                out["method_period_days"][((cooperative, segment, r.method, r.days), "loans")] += 1
    return out


def _base_rows(session: Session, loan_ids: list[int]):
    table = MethodLoanMonth.__table__
    return session.execute(select(*table.c).where(table.c.loan_id.in_(loan_ids))).all()


def _stored_period(session: Session) -> tuple[dt.date, dt.date] | None:
    row = session.execute(select(MethodPeriod.first_month, MethodPeriod.last_month).limit(1)).first()
    if row is None:
        row = session.execute(select(MethodPeriodDays.first_month, MethodPeriodDays.last_month).limit(1)).first()
    return None if row is None else (row[0], row[1])


#: each sum: its table, key columns and counted columns (the first: the row's count, 0 drops the row)
SUMS = {"method_month": (MethodMonth, MONTH_COLUMNS[:5], MONTH_COLUMNS[5:]),
        "method_recovery_days": (MethodRecoveryDays, DAYS_COLUMNS[:6], ["loans"]),
        "method_period": (MethodPeriod, ["cooperative_id", "segment", "method"], PERIOD_SUMS),
        "method_period_days": (MethodPeriodDays, ["cooperative_id", "segment", "method", "days"], ["loans"])}


def _apply(session: Session, name: str, changes: Counter, fixed: dict) -> None:
    """Add these changes to one sum's rows, creating rows and dropping those whose count reaches 0."""
    model, keys, counted = SUMS[name]
    table = model.__table__
    by_key: dict[tuple, dict[str, int]] = defaultdict(dict)
    for (key, column), value in changes.items():
        if value:
            by_key[key][column] = value
    for key, delta in sorted(by_key.items(), key=str):
        match = [table.c[c].is_(None) if v is None else table.c[c] == v for c, v in zip(keys, key)]
        match += [table.c[c] == v for c, v in fixed.items()]
        row = session.execute(select(table.c.id, *[table.c[c] for c in counted]).where(*match)).first()
        if row is None:
            session.execute(insert(table).values(**fixed, **dict(zip(keys, key)),
                                                 **{c: delta.get(c, 0) for c in counted}))
            continue
        new = {c: row[i + 1] + delta.get(c, 0) for i, c in enumerate(counted)}
        if new[counted[0]] == 0 and all(v == 0 for v in new.values()):
            session.execute(delete(table).where(table.c.id == row[0]))
        else:
            session.execute(update(table).where(table.c.id == row[0]).values(**new))


def refresh_months(session: Session, months: Iterable[dt.date]) -> None:
    """After the tape's months changed (an import, a re-import, a withdrawal): recompute the loans whose rows
    read those balances -- a month after a changed month, or no month before and so the latest -- or whose
    segment moved (issue date), then the default period if its months moved."""
    from data.aggregates import segment_expr  # data.aggregates calls this module: imported when used

    base = MethodLoanMonth
    after = sorted({previous_month(m, -1) for m in months})
    loans = set(session.scalars(select(base.loan_id).where(base.month.in_(after)).distinct()))
    loans |= set(session.scalars(select(base.loan_id).where(base.fallback == 1).distinct()))
    loans |= set(session.scalars(select(base.loan_id).join(Loan, Loan.id == base.loan_id).where(
        base.method == ALL_METHODS, base.cooperative_id == ALL_COOPERATIVES,
        base.segment != segment_expr(_cutoff(session))).distinct()))
    if len(loans) > FULL_REBUILD_LOANS:
        rebuild(session)
        return
    if _stored_period(session) != default_period(session):
        rebuild_period(session)
    refresh_loans(session, loans)


def refresh_loans(session: Session, loan_ids: Iterable[int | None]) -> None:
    """Recompute the rows of these loans and add the difference to the sums they fall in. Called after any
    write to their actions or assignments, in the writer's transaction (after a flush)."""
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
    changes = {name: Counter() for name in SUMS}
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start:start + CHUNK]
        for name, counter in _contributions(_base_rows(session, chunk), period).items():
            changes[name].subtract(counter)
        session.execute(delete(MethodLoanMonth).where(MethodLoanMonth.loan_id.in_(chunk)))
        session.execute(insert(MethodLoanMonth).from_select(BASE_COLUMNS, base_select(session, chunk)))
        for name, counter in _contributions(_base_rows(session, chunk), period).items():
            changes[name].update(counter)
    for name in ("method_month", "method_recovery_days"):
        _apply(session, name, changes[name], {})
    if period is not None:
        for name in ("method_period", "method_period_days"):
            _apply(session, name, changes[name], {"first_month": period[0], "last_month": period[1]})
