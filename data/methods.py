"""Reads about collection methods, legal cases and village-coordinated collection.

Every function takes the viewer's scope and applies it in SQL; sums are aggregated in SQL and the few
per-loan frames are bounded by the loans worked in the period. The derived figures (net, rates, medians)
are computed in domain.method_figures, once.

**Balance worked** (the denominator of a method's recovery rate), defined here once: the sum, over the
distinct loans worked in the period (per group), of the loan's outstanding balance in the month *before*
the month of its first action in the period; when the loan has no row for that month (e.g. issued that
month, or a gap in the tape), its latest month on record is used instead. A loan with no monthly row at
all counts 0.
"""
from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import Date, Integer, case, cast, func, literal, literal_column, or_, select, true
from sqlalchemy.orm import Session

from data.aggregates import segment_expr
from data.frames import frame as to_frame
from data.models import (Assignment, Borrower, CollectionAction, Cooperative, LegalCase, Loan, LoanMonth,
                         MethodMonth, MethodPeriod, MethodPeriodDays, MethodRecoveryDays, RecoveryMonth, Setting,
                         Village)
from data.recoveries import whole_months
from data import versions
from data.scoping import scoped
from data.settings import get as get_settings
from domain import method_figures as mf
from domain.classes import NPL_CLASSES
from domain.methods import LEGAL_STAGES, VILLAGE
from domain.months import month_start
from domain.scope import Scope

CASE_COLUMNS = ["case_id", "contract_no", "borrower", "cooperative", "court", "filed_on", "stage", "judgment_on",
                "enforcement_on", "closed_on", "claim_cents", "costs_cents", "recovered_cents"]


# --- portable date arithmetic (SQLite and PostgreSQL are the two supported backends) ---------------------
def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def _month_start(session: Session, column):
    """First day of the month of a date column, as a date."""
    if _dialect(session) == "sqlite":
        return func.date(column, "start of month")
    return cast(func.date_trunc("month", column), Date)


def _previous_month_start(session: Session, column):
    """First day of the month before the month of a date column."""
    if _dialect(session) == "sqlite":
        return func.date(column, "start of month", "-1 month")
    return cast(func.date_trunc("month", column) - literal_column("interval '1 month'"), Date)


def _days_between(session: Session, start, end):
    """Whole days from start to end (end - start)."""
    if _dialect(session) == "sqlite":
        return cast(func.julianday(end) - func.julianday(start), Integer)
    return end - start


def _as_date(value) -> dt.date | None:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


# --- per-method figures -------------------------------------------------------------------------------
#: periods longer than this read collection_action in table order on SQLite (see _action_date)
LONG_PERIOD_DAYS = 180


def _action_date(session: Session, first_day: dt.date, last_day: dt.date):
    """The action-date column to filter a period on.

    SQLite has no statistics to know that a multi-year range is most of the table, so it walks the date index
    and looks every row up again: 20 s for 36 months at 1,000,000 loans against 1.3 s reading the table in
    order (bench/run.py). For a long period the column is written ``+action_date``, which keeps the meaning
    and tells SQLite not to use the index; short periods (a month's KPIs) keep it. PostgreSQL decides itself.
    """
    if _dialect(session) == "sqlite" and (last_day - first_day).days > LONG_PERIOD_DAYS:
        return literal_column(f"+{CollectionAction.__tablename__}.action_date", Date)
    return CollectionAction.action_date


def _in_period(session: Session, stmt, *, scope: Scope, first_day: dt.date, last_day: dt.date,
               segment: str | None, method: str | None = None):
    """The WHERE of every action read: period (days inclusive), scope, optional segment (the statement must
    join Loan for it) and method."""
    stmt = stmt.where(_action_date(session, first_day, last_day).between(first_day, last_day))
    if segment:
        stmt = stmt.where(segment_expr(get_settings(session).segment_cutoff) == segment)
    if method:
        stmt = stmt.where(CollectionAction.method == method)
    return scoped(stmt, scope, cooperative_col=CollectionAction.cooperative_id,
                  officer_col=CollectionAction.officer_id)


#: one row per loan x method worked in the period (see loans_worked)
WORKED_COLUMNS = ["loan_id", "method", "cooperative_id", "cooperative", "segment", "actions", "recovered_cents",
                  "cost_cents", "first_day", "first_recovery_on", "balance_worked_cents", "assigned_on"]


def _balance_worked(session: Session, per_loan):
    """SQL for the balance worked of one per-loan row (see the module docstring)."""
    before = (select(LoanMonth.outstanding_cents)
              .where(LoanMonth.loan_id == per_loan.c.loan_id,
                     LoanMonth.month == _previous_month_start(session, per_loan.c.first_day))
              .limit(1).scalar_subquery())
    latest = (select(LoanMonth.outstanding_cents).where(LoanMonth.loan_id == per_loan.c.loan_id)
              .order_by(LoanMonth.month.desc()).limit(1).scalar_subquery())
    return func.coalesce(before, latest, 0)


def loans_worked(session: Session, *, scope: Scope, first_day: dt.date, last_day: dt.date,
                 segment: str | None = None) -> pd.DataFrame:
    """One row per loan x method worked in the period: the single read behind every method figure.

    Columns: WORKED_COLUMNS -- the loan's cooperative and segment, its actions, recovered and cost with that
    method, the first action and first recovery day, the balance worked (module docstring) measured from that
    method's first action, and the start of the assignment in force at that method's first recovery (latest
    begun on or before it; None if unassigned or no recovery). domain.method_figures groups it by method,
    cooperative, segment or in total (each loan once), so a page reads the actions once instead of once per
    grouping. Bounded by the loans worked in the period.
    """
    segment_col = segment_expr(get_settings(session).segment_cutoff).label("segment")
    recovered = CollectionAction.recovered_cents > 0
    per_loan = _in_period(session, select(CollectionAction.loan_id.label("loan_id"), CollectionAction.method.label("method"),
                       CollectionAction.cooperative_id.label("cooperative_id"), segment_col,
                       func.count().label("actions"), func.sum(CollectionAction.recovered_cents).label("recovered"),
                       func.sum(CollectionAction.cost_cents).label("cost"),
                       func.min(CollectionAction.action_date).label("first_day"),
                       func.min(CollectionAction.action_date).filter(recovered).label("first_recovery_on"))
                          .join(Loan, Loan.id == CollectionAction.loan_id)
                          .group_by(CollectionAction.loan_id, CollectionAction.method,
                                    CollectionAction.cooperative_id, segment_col),
                          scope=scope, first_day=first_day, last_day=last_day, segment=segment).subquery("per_loan")
    assigned = (select(func.max(Assignment.assigned_on))
                .where(Assignment.loan_id == per_loan.c.loan_id,
                       Assignment.assigned_on <= per_loan.c.first_recovery_on)
                .scalar_subquery())
    stmt = (select(per_loan.c.loan_id, per_loan.c.method, per_loan.c.cooperative_id, Cooperative.name,
                   per_loan.c.segment, per_loan.c.actions, per_loan.c.recovered, per_loan.c.cost, per_loan.c.first_day,
                   per_loan.c.first_recovery_on, _balance_worked(session, per_loan), assigned)
            .join(Cooperative, Cooperative.id == per_loan.c.cooperative_id)
            .order_by(per_loan.c.loan_id, per_loan.c.method))
    frame = to_frame(session, stmt, WORKED_COLUMNS)
    for column in ("first_day", "first_recovery_on", "assigned_on"):
        frame[column] = frame[column].map(_as_date).astype("object")
    return frame.astype({c: "int64" for c in ("loan_id", "cooperative_id", "actions", "recovered_cents",
                                              "cost_cents", "balance_worked_cents")})


#: the tables behind either path of method_groups (the store keys a cached result by all of them)
GROUP_TABLES = tuple(model.__tablename__ for model in (
    CollectionAction, Loan, LoanMonth, Assignment, Cooperative, Setting, MethodMonth, MethodRecoveryDays,
    MethodPeriod, MethodPeriodDays))


def method_groups(session: Session, *, scope: Scope, first_day: dt.date, last_day: dt.date,
                  segment: str | None = None) -> mf.MethodGroups:
    """Every figure of the methods page (domain.method_figures.groups of loans_worked), small enough to cache.

    A period of whole months seen by the whole union or one cooperative reads the methods summary
    (data.method_summary: rows bounded by months, not loans); an officer (whose figures count only their own
    actions), several cooperatives or a partial month read the actions through loans_worked.
    """
    versions.note_read(*GROUP_TABLES)
    months = whole_months(first_day, last_day)
    if (months == (month_start(first_day), month_start(last_day)) and scope.officer_id is None
            and (scope.cooperative_ids is None or len(scope.cooperative_ids) == 1)):
        return _summary_groups(session, scope=scope, first_month=months[0], last_month=months[1], segment=segment)
    return mf.groups(loans_worked(session, scope=scope, first_day=first_day, last_day=last_day, segment=segment))


SUMMARY_COLUMNS = ["cooperative_id", "segment", "method", "loans_worked", "balance_worked_cents", "actions",
                   "recovered_cents", "cost_cents", "loans_recovered"]


def _summary_groups(session: Session, *, scope: Scope, first_month: dt.date, last_month: dt.date,
                    segment: str | None) -> mf.MethodGroups:
    """method_groups from the methods summary (data.method_summary): the default period's own rows
    (method_period, method_period_days) when it is that period, else method_month and method_recovery_days,
    where each chain counts in its first month of the period (its previous month with an action, or with a
    recovery, before the period)."""
    union = scope.cooperative_ids is None
    names = dict(session.execute(select(Cooperative.id, Cooperative.name)).all())
    period = MethodPeriod
    stmt = (select(period.cooperative_id, period.segment, period.method, period.loans, period.balance_cents,
                   period.actions, period.recovered_cents, period.cost_cents, period.loans_recovered)
            .where(period.first_month == first_month, period.last_month == last_month))
    if segment:
        stmt = stmt.where(period.segment == segment)
    sums = to_frame(session, scoped(stmt, scope, cooperative_col=period.cooperative_id), SUMMARY_COLUMNS)
    if not sums.empty:
        days = MethodPeriodDays
        viewer = 0 if union else next(iter(scope.cooperative_ids))
        histogram = to_frame(session, select(days.method, days.days, days.loans).where(
            days.first_month == first_month, days.last_month == last_month, days.cooperative_id == viewer,
            days.segment == (segment or "*")), ["method", "days", "loans"])
        return mf.summary_groups(_as_ints(sums), histogram.astype({"loans": "int64"}), names, every_cooperative=union)
    sums, days = MethodMonth, MethodRecoveryDays
    first_in = or_(sums.prev_month.is_(None), sums.prev_month < first_month)
    keys = (sums.cooperative_id, sums.segment, sums.method)
    stmt = (select(*keys, func.sum(case((first_in, sums.loans), else_=0)),
                   func.sum(case((first_in, sums.balance_cents), else_=0)), func.sum(sums.actions),
                   func.sum(sums.recovered_cents), func.sum(sums.cost_cents))
            .where(sums.month.between(first_month, last_month)).group_by(*keys))
    day_keys = (days.cooperative_id, days.segment, days.method, days.days)
    day_stmt = (select(*day_keys, func.sum(days.loans))
                .where(days.month.between(first_month, last_month),
                       or_(days.prev_recovery_month.is_(None), days.prev_recovery_month < first_month))
                .group_by(*day_keys))
    if segment:
        stmt, day_stmt = stmt.where(sums.segment == segment), day_stmt.where(days.segment == segment)
    stmt = scoped(stmt, scope, cooperative_col=sums.cooperative_id)
    day_stmt = scoped(day_stmt, scope, cooperative_col=days.cooperative_id)
    frame = to_frame(session, stmt, SUMMARY_COLUMNS[:-1])
    counted = to_frame(session, day_stmt, ["cooperative_id", "segment", "method", "days", "loans"])
    counted = counted.astype({"cooperative_id": "int64", "loans": "int64"})
    recovered = counted.groupby(["cooperative_id", "segment", "method"], as_index=False)["loans"].sum()
    frame = _as_ints(frame.astype({"cooperative_id": "int64"}).merge(
        recovered.rename(columns={"loans": "loans_recovered"}), on=["cooperative_id", "segment", "method"],
        how="left"))
    # the medians: a method's first recoveries in every cooperative seen; every method together: the loans once
    total_coop = (counted.cooperative_id == 0) if union else (counted.cooperative_id != 0)
    seen = counted[(counted.method != mf.ALL_METHODS) | total_coop]
    histogram = seen.groupby(["method", "days"], as_index=False, dropna=False)["loans"].sum()
    return mf.summary_groups(frame, histogram, names, every_cooperative=union)


def _as_ints(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.assign(loans_recovered=frame["loans_recovered"].fillna(0))
    return frame.astype({c: "int64" for c in SUMMARY_COLUMNS if c not in ("segment", "method")})


def method_figures(session: Session, *, scope: Scope, first_day: dt.date, last_day: dt.date,
                   segment: str | None = None, by: str = "method") -> pd.DataFrame:
    """Sums per method (and cooperative or segment), or in total: domain.method_figures.sums_by of loans_worked.

    Columns: the group keys, actions, loans_worked, loans_recovered, recovered_cents, cost_cents,
    balance_worked_cents. A loan worked by two methods counts once for each method, and once in total.
    """
    mf.check_grouping(by)
    return mf.sums_by(loans_worked(session, scope=scope, first_day=first_day, last_day=last_day, segment=segment),
                      by)


def first_recovery_days(session: Session, *, scope: Scope, first_day: dt.date, last_day: dt.date,
                        segment: str | None = None, by: str = "method") -> pd.DataFrame:
    """Per group x loan with a recovery in the period: first recovery day and start of the assignment in force
    (domain.method_figures.first_recoveries of loans_worked)."""
    mf.check_grouping(by)
    return mf.first_recoveries(loans_worked(session, scope=scope, first_day=first_day, last_day=last_day,
                                            segment=segment), by)


def recoveries_by_month(session: Session, *, scope: Scope, first_day: dt.date, last_day: dt.date,
                        segment: str | None = None) -> pd.DataFrame:
    """Recovered and cost per month x method (month = first day of the action's month).

    A period of whole months with no segment filter reads the recovery_month summary (data.summaries);
    otherwise the actions themselves.
    """
    if segment is None and whole_months(first_day, last_day) == (month_start(first_day), month_start(last_day)):
        keys = (RecoveryMonth.month, RecoveryMonth.method)
        stmt = (select(*keys, func.sum(RecoveryMonth.recovered_cents), func.sum(RecoveryMonth.cost_cents),
                       func.sum(RecoveryMonth.actions))
                .where(RecoveryMonth.month.between(first_day, last_day)).group_by(*keys).order_by(*keys))
        stmt = scoped(stmt, scope, cooperative_col=RecoveryMonth.cooperative_id, officer_col=RecoveryMonth.officer_id)
        frame = to_frame(session, stmt, ["month", "method", "recovered_cents", "cost_cents", "actions"])
        frame["month"] = frame["month"].map(_as_date)
        return frame.astype({"recovered_cents": "int64", "cost_cents": "int64", "actions": "int64"})
    month = _month_start(session, CollectionAction.action_date)
    stmt = select(month.label("month"), CollectionAction.method, func.sum(CollectionAction.recovered_cents),
                  func.sum(CollectionAction.cost_cents), func.count())
    if segment:
        stmt = stmt.join(Loan, Loan.id == CollectionAction.loan_id)
    stmt = _in_period(session, stmt.group_by(month, CollectionAction.method).order_by(month, CollectionAction.method),
                      scope=scope, first_day=first_day, last_day=last_day, segment=segment)
    frame = to_frame(session, stmt, ["month", "method", "recovered_cents", "cost_cents", "actions"])
    frame["month"] = frame["month"].map(_as_date)
    return frame.astype({"recovered_cents": "int64", "cost_cents": "int64", "actions": "int64"})


# --- legal cases --------------------------------------------------------------------------------------
def _cases_in_period(session: Session, stmt, *, scope: Scope, first_day: dt.date, last_day: dt.date,
                     segment: str | None):
    """Cases alive in the period: filed by its last day and not closed before its first day."""
    stmt = stmt.where(LegalCase.filed_on <= last_day,
                      or_(LegalCase.closed_on.is_(None), LegalCase.closed_on >= first_day))
    if segment:
        stmt = stmt.where(segment_expr(get_settings(session).segment_cutoff) == segment)
    # legal cases carry no officer: an officer scope sees none (scoped fails closed)
    return scoped(stmt, scope, cooperative_col=LegalCase.cooperative_id)


def legal_pipeline(session: Session, *, scope: Scope, first_day: dt.date, last_day: dt.date,
                   segment: str | None = None) -> pd.DataFrame:
    """Per stage: cases now in it, their claims, costs, recoveries, and the average days cases spent in it.

    Rows are the stages in order. ``cases`` etc. count the cases whose current stage it is; ``avg_days``
    averages over every case that reached the stage the days from entering it to leaving it (the next
    recorded date), or to ``last_day`` while still in it. 'closed' is an end state: no days.
    """
    base = _cases_in_period(session, select(LegalCase.stage, func.count(), func.sum(LegalCase.claim_cents),
                                            func.sum(LegalCase.costs_cents), func.sum(LegalCase.recovered_cents))
                            .join(Loan, Loan.id == LegalCase.loan_id).group_by(LegalCase.stage),
                            scope=scope, first_day=first_day, last_day=last_day, segment=segment)
    counts = to_frame(session, base, ["stage", "cases", "claim_cents", "costs_cents", "recovered_cents"])
    end = literal(last_day, Date)
    spans = {
        "filed": (LegalCase.filed_on, func.coalesce(LegalCase.judgment_on, LegalCase.enforcement_on,
                                                    LegalCase.closed_on, end), true()),
        "judgment": (LegalCase.judgment_on, func.coalesce(LegalCase.enforcement_on, LegalCase.closed_on, end),
                     LegalCase.judgment_on.is_not(None)),
        "enforcement": (LegalCase.enforcement_on, func.coalesce(LegalCase.closed_on, end),
                        LegalCase.enforcement_on.is_not(None)),
    }
    days = {}
    for stage, (start, stop, reached) in spans.items():
        stmt = _cases_in_period(session, select(func.avg(_days_between(session, start, stop)), func.count())
                                .join(Loan, Loan.id == LegalCase.loan_id).where(reached),
                                scope=scope, first_day=first_day, last_day=last_day, segment=segment)
        average, reached_count = session.execute(stmt).one()
        days[stage] = (None if average is None else float(average), int(reached_count))
    rows = []
    by_stage = counts.set_index("stage")
    for stage in LEGAL_STAGES:
        got = by_stage.loc[stage] if stage in by_stage.index else None
        rows.append({"stage": stage, "cases": int(got.cases) if got is not None else 0,
                     "claim_cents": int(got.claim_cents or 0) if got is not None else 0,
                     "costs_cents": int(got.costs_cents or 0) if got is not None else 0,
                     "recovered_cents": int(got.recovered_cents or 0) if got is not None else 0,
                     "reached": days.get(stage, (None, 0))[1], "avg_days": days.get(stage, (None, 0))[0]})
    frame = pd.DataFrame(rows)
    frame["avg_days"] = frame["avg_days"].astype("float64")
    return frame


def list_legal_cases(session: Session, *, scope: Scope, first_day: dt.date, last_day: dt.date,
                     segment: str | None = None, stage: str | None = None, limit: int | None = 200) -> pd.DataFrame:
    """The cases alive in the period, largest claim first; ``limit`` None for the full download."""
    stmt = (select(LegalCase.id, Loan.contract_no, Borrower.name, Cooperative.name, LegalCase.court,
                   LegalCase.filed_on, LegalCase.stage, LegalCase.judgment_on, LegalCase.enforcement_on,
                   LegalCase.closed_on, LegalCase.claim_cents, LegalCase.costs_cents, LegalCase.recovered_cents)
            .join(Loan, Loan.id == LegalCase.loan_id)
            .join(Borrower, Borrower.id == Loan.borrower_id)
            .join(Cooperative, Cooperative.id == LegalCase.cooperative_id)
            .order_by(LegalCase.claim_cents.desc(), LegalCase.id))
    if stage:
        stmt = stmt.where(LegalCase.stage == stage)
    stmt = _cases_in_period(session, stmt, scope=scope, first_day=first_day, last_day=last_day, segment=segment)
    if limit is not None:
        stmt = stmt.limit(limit)
    return to_frame(session, stmt, CASE_COLUMNS)


def count_legal_cases(session: Session, *, scope: Scope, first_day: dt.date, last_day: dt.date,
                      segment: str | None = None, stage: str | None = None) -> int:
    """How many rows list_legal_cases would return without a limit."""
    stmt = select(func.count()).select_from(LegalCase).join(Loan, Loan.id == LegalCase.loan_id)
    if stage:
        stmt = stmt.where(LegalCase.stage == stage)
    stmt = _cases_in_period(session, stmt, scope=scope, first_day=first_day, last_day=last_day, segment=segment)
    return int(session.scalar(stmt) or 0)


# --- village-coordinated collection ---------------------------------------------------------------------
def village_recoveries(session: Session, *, scope: Scope, first_day: dt.date, last_day: dt.date,
                       segment: str | None = None, by: str = "village") -> pd.DataFrame:
    """Village-coordinated actions in the period, by the borrower's village or by the source of the money.

    ``by='village'``: village_id, village, cooperative, actions, loans, recovered_cents, cost_cents
    (largest recovery first; borrowers with no village are grouped under a None village).
    ``by='source'``: village_source, actions, loans, recovered_cents, cost_cents.
    """
    sums = (func.count(), func.count(func.distinct(CollectionAction.loan_id)),
            func.sum(CollectionAction.recovered_cents), func.sum(CollectionAction.cost_cents))
    money = ["actions", "loans", "recovered_cents", "cost_cents"]
    if by == "source":
        stmt = (select(CollectionAction.village_source, *sums).join(Loan, Loan.id == CollectionAction.loan_id)
                .group_by(CollectionAction.village_source).order_by(CollectionAction.village_source))
        columns = ["village_source", *money]
    elif by == "village":
        stmt = (select(Village.id, Village.name, Cooperative.name, *sums)
                .join(Loan, Loan.id == CollectionAction.loan_id)
                .join(Borrower, Borrower.id == Loan.borrower_id)
                .outerjoin(Village, Village.id == Borrower.village_id)
                .join(Cooperative, Cooperative.id == CollectionAction.cooperative_id)
                .group_by(Village.id, Village.name, Cooperative.name)
                .order_by(func.sum(CollectionAction.recovered_cents).desc(), Village.name))
        columns = ["village_id", "village", "cooperative", *money]
    else:
        raise ValueError(f"unknown grouping: {by!r}")
    stmt = _in_period(session, stmt, scope=scope, first_day=first_day, last_day=last_day, segment=segment,
                      method=VILLAGE)
    frame = to_frame(session, stmt, columns)
    return frame.astype({c: "int64" for c in money})


def villages_by_npl(session: Session, *, scope: Scope, month: dt.date, segment: str | None = None,
                    limit: int | None = 15) -> pd.DataFrame:
    """Villages with the most NPL outstanding in a month: village, cooperative, npl_cents, npl_count."""
    npl = func.sum(LoanMonth.outstanding_cents)
    stmt = (select(Village.id, Village.name, Cooperative.name, npl, func.count())
            .join(Loan, Loan.id == LoanMonth.loan_id)
            .join(Borrower, Borrower.id == Loan.borrower_id)
            .join(Village, Village.id == Borrower.village_id)
            .join(Cooperative, Cooperative.id == Village.cooperative_id)
            .where(LoanMonth.month == month, LoanMonth.loan_class.in_(NPL_CLASSES))
            .group_by(Village.id, Village.name, Cooperative.name)
            .order_by(npl.desc(), Village.name))
    if segment:
        stmt = stmt.where(segment_expr(get_settings(session).segment_cutoff) == segment)
    stmt = scoped(stmt, scope, cooperative_col=LoanMonth.cooperative_id, officer_col=Loan.officer_id)
    if limit is not None:
        stmt = stmt.limit(limit)
    frame = to_frame(session, stmt, ["village_id", "village", "cooperative", "npl_cents", "npl_count"])
    return frame.astype({"npl_cents": "int64", "npl_count": "int64"})

