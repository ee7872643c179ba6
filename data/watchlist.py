"""The early-warning rules in SQL, and the monthly watch list they fill.

Why: the early-warning page lists Special Mention loans, Normal loans at risk and hidden NPLs of a month,
with totals. Evaluated at view time, each rule scans every loan reported that month (bench/run.py: 0.3-0.4 s a
read at 200,000 loans, linear in the portfolio). ``watch_month`` holds, per month, only the loans one of the
rules flags (a few percent of the month), with what the lists show; data.aggregates rebuilds it with the
month's other summaries, and for every month when the classification thresholds change (data.settings).
data.warnings reads it. The rules are those of domain/warning_rules.py and domain/classes.py;
tests/test_warnings_data.py checks both agree on hand-made loans.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import (Date, Integer, String, and_, case, cast, delete, exists, func, insert, literal, null, or_,
                        select, union_all)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.functions import FunctionElement

from data.models import Borrower, Loan, LoanMonth, WatchMonth
from domain.classes import (CLASSES, DOUBTFUL, LOSS, NORMAL, NPL_CLASSES, OBSERVATION_YEARS, PERFORMING_CLASSES,
                            SPECIAL_MENTION, SUBSTANDARD, Thresholds, severity)
from domain.months import month_end, previous_month
from domain.warning_rules import (HIDDEN_BY_BORROWER, HIDDEN_BY_DAYS, HIDDEN_BY_RESTRUCTURING, HIDDEN_BY_UPGRADE,
                                  MATURITY_WINDOW_DAYS)

#: the lists of the watch table (its ``watch`` column); under-classified: recorded better than the floor, any class
WATCH_SPECIAL_MENTION, WATCH_NORMAL_AT_RISK, WATCH_HIDDEN = "special_mention", "normal_at_risk", "hidden"
WATCH_UNDER_CLASSIFIED = "under_classified"
ENTERPRISE = "enterprise"
WATCH_COLUMNS = ["month", "watch", "loan_id", "cooperative_id", "officer_id", "loan_class", "previous_class",
                 "floor_class", "balance_cents", "overdue_cents", "days_past_due", "worsened_flag",
                 "days_past_due_flag", "maturity_flag", "reason"]


# --- portable date arithmetic -----------------------------------------------------------------------------------
class month_end_of(FunctionElement):  # noqa: N801 - reads like the SQL function it stands for
    """SQL: the last day of the month of a date column (domain.months.month_end)."""

    type = Date()
    inherit_cache = True


@compiles(month_end_of)
def _month_end_postgresql(element, compiler, **kw) -> str:
    return "CAST(date_trunc('month', %s) + INTERVAL '1 month' - INTERVAL '1 day' AS DATE)" % compiler.process(
        element.clauses, **kw)


@compiles(month_end_of, "sqlite")
def _month_end_sqlite(element, compiler, **kw) -> str:
    return "date(%s, 'start of month', '+1 month', '-1 day')" % compiler.process(element.clauses, **kw)


class days_between(FunctionElement):  # noqa: N801
    """SQL: whole days from the second date to the first (``first - second``)."""

    type = Integer()
    inherit_cache = True


@compiles(days_between)
def _days_between_postgresql(element, compiler, **kw) -> str:
    first, second = list(element.clauses)
    return "(%s - %s)" % (compiler.process(first, **kw), compiler.process(second, **kw))


@compiles(days_between, "sqlite")
def _days_between_sqlite(element, compiler, **kw) -> str:
    first, second = list(element.clauses)
    return "CAST(julianday(%s) - julianday(%s) AS INTEGER)" % (compiler.process(first, **kw),
                                                                 compiler.process(second, **kw))


# --- the classification rules in SQL ----------------------------------------------------------------------------------
def severity_sql(class_col):
    """SQL for domain.classes.severity: 0 (Normal) to 4 (Loss)."""
    return case({c: i for i, c in enumerate(CLASSES)}, value=class_col)


def floor_severity_sql(days_col, thresholds: Thresholds, restructured_npl=None):
    """SQL for severity(domain.classes.floor_class(...)): the floor by days past due, thresholds as settings."""
    by_days = case((days_col > thresholds.loss, severity(LOSS)), (days_col > thresholds.doubtful, severity(DOUBTFUL)),
                   (days_col > thresholds.substandard, severity(SUBSTANDARD)),
                   (days_col > 0, severity(SPECIAL_MENTION)), else_=severity(NORMAL))
    if restructured_npl is None:
        return by_days
    return case((and_(restructured_npl, by_days < severity(SUBSTANDARD)), severity(SUBSTANDARD)), else_=by_days)


def floor_class_sql(days_col, thresholds: Thresholds, restructured_npl=None):
    """SQL for domain.classes.floor_class: the class name of the floor."""
    return case({i: c for i, c in enumerate(CLASSES)}, value=floor_severity_sql(days_col, thresholds, restructured_npl))


def restructured_npl_sql(month: dt.date):
    """SQL: the loan was restructured by the end of ``month`` and was an NPL at a month end before that."""
    prior = aliased(LoanMonth)
    was_npl = exists(select(prior.loan_id).where(prior.loan_id == Loan.id, prior.loan_class.in_(NPL_CLASSES),
                                                 month_end_of(prior.month) < Loan.restructured_on))
    return and_(Loan.restructured_on.is_not(None), Loan.restructured_on <= month_end(month), was_npl)


def npl_borrowers_sql(month: dt.date):
    """SQL for domain.classes.borrower_is_npl: enterprise borrowers with more than 10 % of their debt (the
    month's balances of their loans) non-performing."""
    npl = func.sum(case((LoanMonth.loan_class.in_(NPL_CLASSES), LoanMonth.outstanding_cents), else_=0))
    return (select(Loan.borrower_id.label("borrower_id"))
            .select_from(LoanMonth)
            .join(Loan, Loan.id == LoanMonth.loan_id)
            .join(Borrower, Borrower.id == Loan.borrower_id)
            .where(LoanMonth.month == month, Borrower.kind == ENTERPRISE)
            .group_by(Loan.borrower_id)
            .having(npl * 10 > func.sum(LoanMonth.outstanding_cents))).subquery("npl_borrower")


def observed_severity_sql(month: dt.date):
    """SQL: within a restructured loan's observation period (restructured by the end of ``month``, less than
    OBSERVATION_YEARS before it), the severity of its class at the last month end before restructuring;
    NULL otherwise. domain.classes.floor_class's ``observed_class``."""
    as_of = month_end(month)
    year_before = as_of.replace(year=as_of.year - OBSERVATION_YEARS, day=28 if as_of.month == 2 else as_of.day)
    prior = aliased(LoanMonth)
    at_restructuring = (select(prior.loan_class).where(prior.loan_id == Loan.id,
                                                       month_end_of(prior.month) < Loan.restructured_on)
                        .order_by(prior.month.desc()).limit(1).scalar_subquery())
    return case((and_(Loan.restructured_on.is_not(None), Loan.restructured_on <= as_of,
                      Loan.restructured_on > year_before), severity_sql(at_restructuring)), else_=null())


def worsened_sql(current_col, previous_col):
    """SQL for domain.warning_rules.worsened: more severe than last month (a loan new this month is not)."""
    return and_(previous_col.is_not(None), severity_sql(current_col) > severity_sql(previous_col))


def flag(condition):
    """A condition as 1/0, so SQLite and PostgreSQL return the same thing."""
    return case((condition, 1), else_=0)


# --- the watch list ---------------------------------------------------------------------------------------------
def watch_select(month: dt.date, thresholds: Thresholds):
    """Every loan of ``month`` that a rule flags, once per list it belongs to (WATCH_COLUMNS)."""
    previous = aliased(LoanMonth)
    as_of = month_end(month)
    worse = worsened_sql(LoanMonth.loan_class, previous.loan_class)
    has_days = LoanMonth.days_past_due > 0
    maturing = and_(LoanMonth.overdue_cents > 0,
                    Loan.maturity_date.between(as_of, as_of + dt.timedelta(days=MATURITY_WINDOW_DAYS)))
    restructured = restructured_npl_sql(month)
    floor = floor_severity_sql(LoanMonth.days_past_due, thresholds, restructured)
    by_days = floor_severity_sql(LoanMonth.days_past_due, thresholds)
    no_text = cast(null(), String)

    def rows(watch: str, floor_class, reason):
        return (select(literal(month, Date), literal(watch, String), LoanMonth.loan_id, Loan.cooperative_id,
                       Loan.officer_id, LoanMonth.loan_class, previous.loan_class, floor_class,
                       LoanMonth.outstanding_cents, LoanMonth.overdue_cents, LoanMonth.days_past_due,
                       flag(worse), flag(has_days), flag(maturing), reason)
                .select_from(LoanMonth)
                .join(Loan, Loan.id == LoanMonth.loan_id)
                .outerjoin(previous, and_(previous.loan_id == LoanMonth.loan_id,
                                          previous.month == previous_month(month)))
                .where(LoanMonth.month == month))

    special = rows(WATCH_SPECIAL_MENTION, no_text, no_text).where(LoanMonth.loan_class == SPECIAL_MENTION)
    at_risk = rows(WATCH_NORMAL_AT_RISK, no_text, no_text).where(
        or_(LoanMonth.loan_class == NORMAL, previous.loan_class == NORMAL), or_(has_days, worse, maturing))
    hidden = rows(WATCH_HIDDEN, floor_class_sql(LoanMonth.days_past_due, thresholds, restructured),
                  case((by_days >= severity(SUBSTANDARD), literal(HIDDEN_BY_DAYS)),
                       else_=literal(HIDDEN_BY_RESTRUCTURING))).where(
        LoanMonth.loan_class.in_(PERFORMING_CLASSES), floor >= severity(SUBSTANDARD))
    return union_all(special, at_risk, hidden, *under_classified_select(month, thresholds))


def under_classified_select(month: dt.date, thresholds: Thresholds):
    """The floor of every loan of ``month`` with all of DOMAIN.md's rules (days past due, restructured NPL,
    the borrower's NPL share, the observation period; domain.classes.floor_class), and two selects of
    WATCH_COLUMNS: performing loans whose floor is non-performing that days and restructuring alone do not
    catch (more hidden NPLs: by borrower, by upgrade), and every loan recorded better than its floor
    (under-classified, any class). The reason is domain.warning_rules.floor_reason."""
    previous = aliased(LoanMonth)
    borrowers = npl_borrowers_sql(month)
    graded = (select(LoanMonth.loan_id, Loan.cooperative_id, Loan.officer_id, LoanMonth.loan_class,
                     previous.loan_class.label("previous_class"), LoanMonth.outstanding_cents,
                     LoanMonth.overdue_cents, LoanMonth.days_past_due,
                     floor_severity_sql(LoanMonth.days_past_due, thresholds).label("by_days"),
                     flag(restructured_npl_sql(month)).label("restructured"),
                     flag(borrowers.c.borrower_id.is_not(None)).label("borrower"),
                     observed_severity_sql(month).label("observed"),
                     severity_sql(LoanMonth.loan_class).label("recorded"))
              .select_from(LoanMonth)
              .join(Loan, Loan.id == LoanMonth.loan_id)
              .outerjoin(borrowers, borrowers.c.borrower_id == Loan.borrower_id)
              .outerjoin(previous, and_(previous.loan_id == LoanMonth.loan_id,
                                        previous.month == previous_month(month)))
              .where(LoanMonth.month == month)).subquery("graded")
    g = graded.c
    sub = severity(SUBSTANDARD)
    ruled = case((and_(or_(g.restructured == 1, g.borrower == 1), g.by_days < sub), sub), else_=g.by_days)
    floor = case((and_(g.observed.is_not(None), g.observed > ruled), g.observed), else_=ruled)
    reason = case((g.by_days == floor, literal(HIDDEN_BY_DAYS)),
                  (and_(g.restructured == 1, floor == sub), literal(HIDDEN_BY_RESTRUCTURING)),
                  (and_(g.borrower == 1, floor == sub), literal(HIDDEN_BY_BORROWER)),
                  else_=literal(HIDDEN_BY_UPGRADE))
    floor_name = case({i: c for i, c in enumerate(CLASSES)}, value=floor)
    worse = and_(g.previous_class.is_not(None), g.recorded > severity_sql(g.previous_class))

    def rows(watch: str):
        return select(literal(month, Date), literal(watch, String), g.loan_id, g.cooperative_id, g.officer_id,
                      g.loan_class, g.previous_class, floor_name, g.outstanding_cents, g.overdue_cents,
                      g.days_past_due, flag(worse), flag(g.days_past_due > 0), literal(0), reason)

    # the hidden list already holds loans caught by days past due or a restructured NPL (watch_select)
    by_days_or_restructuring = case((and_(g.restructured == 1, g.by_days < sub), sub), else_=g.by_days)
    more_hidden = rows(WATCH_HIDDEN).where(g.recorded < sub, floor >= sub, by_days_or_restructuring < sub)
    under = rows(WATCH_UNDER_CLASSIFIED).where(g.recorded < floor)
    return more_hidden, under


def rebuild_watch_month(session: Session, month: dt.date, thresholds: Thresholds) -> None:
    """Replace one month's watch list (inside the caller's transaction)."""
    session.execute(delete(WatchMonth).where(WatchMonth.month == month))
    session.execute(insert(WatchMonth).from_select(WATCH_COLUMNS, watch_select(month, thresholds)))
