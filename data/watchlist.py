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

from sqlalchemy import Date, Integer, String, and_, case, cast, delete, exists, insert, literal, null, or_, select, union_all
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.functions import FunctionElement

from data.models import Loan, LoanMonth, WatchMonth
from domain.classes import (CLASSES, DOUBTFUL, LOSS, NORMAL, NPL_CLASSES, PERFORMING_CLASSES, SPECIAL_MENTION,
                            SUBSTANDARD, Thresholds, severity)
from domain.months import month_end, previous_month
from domain.warning_rules import HIDDEN_BY_DAYS, HIDDEN_BY_RESTRUCTURING, MATURITY_WINDOW_DAYS

#: the three lists of the watch table (its ``watch`` column)
WATCH_SPECIAL_MENTION, WATCH_NORMAL_AT_RISK, WATCH_HIDDEN = "special_mention", "normal_at_risk", "hidden"
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
    return union_all(special, at_risk, hidden)


def rebuild_watch_month(session: Session, month: dt.date, thresholds: Thresholds) -> None:
    """Replace one month's watch list (inside the caller's transaction)."""
    session.execute(delete(WatchMonth).where(WatchMonth.month == month))
    session.execute(insert(WatchMonth).from_select(WATCH_COLUMNS, watch_select(month, thresholds)))
