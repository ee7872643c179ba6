"""Early-warning rules of DOMAIN.md ("Prevention") as plain Python/pandas.

Each rule is stated once here; data/warnings.py runs the same rules in SQL so pages can aggregate in the
database, and tests/test_warnings_data.py checks both give the same answer on hand-made loans.
Nothing here touches Streamlit or SQL.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Final

import pandas as pd

from domain import figures
from domain.classes import NORMAL, SUBSTANDARD, Thresholds, floor_class, is_hidden_npl, severity
from domain.months import month_end

#: a Normal loan maturing within this many days with an overdue amount is at risk
MATURITY_WINDOW_DAYS: Final = 60
#: loan.purpose of a loan granted to pay interest on another loan: evergreening by definition
INTEREST_PAYMENT_PURPOSE: Final = "interest_payment"

# why a Normal loan is on the watch list (several may apply)
REASON_DAYS_PAST_DUE: Final = "days_past_due"
REASON_WORSENED: Final = "worsened"
REASON_MATURITY: Final = "maturity"
NORMAL_RISK_REASONS: Final[tuple[str, ...]] = (REASON_DAYS_PAST_DUE, REASON_WORSENED, REASON_MATURITY)

# why a loan is a hidden NPL
HIDDEN_BY_DAYS: Final = "days_past_due"
HIDDEN_BY_RESTRUCTURING: Final = "restructured"
#: an enterprise borrower with more than 10 % of its debt non-performing (domain.classes.borrower_is_npl)
HIDDEN_BY_BORROWER: Final = "borrower"
#: a restructured loan upgraded within its observation year, held at its class when restructured
HIDDEN_BY_UPGRADE: Final = "upgraded"
HIDDEN_REASONS: Final[tuple[str, ...]] = (HIDDEN_BY_DAYS, HIDDEN_BY_RESTRUCTURING, HIDDEN_BY_BORROWER,
                                          HIDDEN_BY_UPGRADE)

# why a loan is flagged as evergreening (several may apply)
EVERGREEN_LINK: Final = "link"
EVERGREEN_WINDOW: Final = "window"
EVERGREEN_INTEREST: Final = "interest"
EVERGREEN_RULES: Final[tuple[str, ...]] = (EVERGREEN_LINK, EVERGREEN_WINDOW, EVERGREEN_INTEREST)


@dataclass(frozen=True)
class Total:
    """How many loans a watch list holds and their balance: the 'showing N of M' and KPI figures."""

    loan_count: int = 0
    balance_cents: int = 0


# --- Special Mention and Normal loans at risk ---------------------------------------------------------------------
def worsened(current_class: str, previous_class: str | None) -> bool:
    """True when the class is more severe than last month; a loan new this month has not worsened."""
    return previous_class is not None and severity(current_class) > severity(previous_class)


def normal_risk_reasons(*, current_class: str, previous_class: str | None, days_past_due: int, overdue_cents: int,
                        maturity_date: dt.date, month: dt.date) -> tuple[str, ...]:
    """Why a loan belongs on the Normal-at-risk list for ``month`` (empty: it does not).

    The list watches loans that were Normal last month or are Normal now: any days past due, a class
    worse than last month (it left Normal), or maturity within 60 days of the month end with an amount
    already overdue.
    """
    if NORMAL not in (current_class, previous_class):
        return ()
    as_of = month_end(month)
    reasons = []
    if days_past_due > 0:
        reasons.append(REASON_DAYS_PAST_DUE)
    if worsened(current_class, previous_class):
        reasons.append(REASON_WORSENED)
    if overdue_cents > 0 and as_of <= maturity_date <= as_of + dt.timedelta(days=MATURITY_WINDOW_DAYS):
        reasons.append(REASON_MATURITY)
    return tuple(reasons)


def class_trend(balances: pd.DataFrame, loan_class: str, months: list[dt.date],
                segment: str | None = None) -> pd.DataFrame:
    """Balance and count of one class per month (zeros where absent), from the portfolio_month frame."""
    rows = balances[balances.loan_class == loan_class]
    if segment:
        rows = rows[rows.segment == segment]
    summed = rows.groupby("month")[["balance_cents", "loan_count"]].sum()
    trend = summed.reindex(months, fill_value=0).astype("int64")
    trend.index.name = "month"
    return trend.reset_index()


def change(trend: pd.DataFrame, month: dt.date, column: str = "balance_cents") -> int | None:
    """This month's value minus last month's in a trend frame; None when there is no earlier month."""
    values = trend.set_index("month")[column]
    earlier = values[values.index < month]
    if month not in values.index or earlier.empty:
        return None
    return int(values[month] - earlier.iloc[-1])


# --- Hidden NPLs ----------------------------------------------------------------------------------------------------
def hidden_npl_mask(rows: pd.DataFrame, thresholds: Thresholds) -> pd.Series:
    """Which rows (loan_class, days_past_due, restructured_npl) are hidden NPLs: domain.classes on each row."""
    return pd.Series([is_hidden_npl(r.loan_class, int(r.days_past_due), thresholds,
                                    restructured_npl=bool(r.restructured_npl)) for r in rows.itertuples()],
                     index=rows.index, dtype=bool)


def floor_reason(days_past_due: int, thresholds: Thresholds, *, restructured_npl: bool = False,
                 borrower_npl: bool = False, observed_class: str | None = None) -> str:
    """Which rule sets a loan's floor (domain.classes.floor_class), the first that reaches it alone:
    days past due, a restructured NPL, the borrower's NPL share, the observation period after restructuring."""
    floor = floor_class(days_past_due, thresholds, restructured_npl=restructured_npl, borrower_npl=borrower_npl,
                        observed_class=observed_class)
    if floor_class(days_past_due, thresholds) == floor:
        return HIDDEN_BY_DAYS
    if restructured_npl and floor == SUBSTANDARD:
        return HIDDEN_BY_RESTRUCTURING
    if borrower_npl and floor == SUBSTANDARD:
        return HIDDEN_BY_BORROWER
    return HIDDEN_BY_UPGRADE


def reclassified_npl_ratio(balances: pd.DataFrame, month: dt.date, hidden_cents: int,
                           segment: str | None = None) -> float | None:
    """The NPL ratio if the hidden NPLs were reclassified: gross is unchanged, NPL grows by their balance."""
    rows = balances if segment is None else balances[balances.segment == segment]
    return figures.ratio(figures.npl_balance(rows, month) + hidden_cents, figures.gross_balance(rows, month))


def hidden_by_cooperative(by_officer: pd.DataFrame) -> pd.DataFrame:
    """Roll the hidden-NPL rows by officer up to cooperatives, largest balance first."""
    if by_officer.empty:
        return pd.DataFrame(columns=["cooperative", "loan_count", "balance_cents"])
    rolled = by_officer.groupby("cooperative", as_index=False)[["loan_count", "balance_cents"]].sum()
    return rolled.sort_values(["balance_cents", "cooperative"], ascending=[False, True], ignore_index=True)


# --- Evergreening ----------------------------------------------------------------------------------------------------
def closing_day(last_month: dt.date) -> dt.date:
    """The day an old loan is taken to have been repaid: the end of its last reported month."""
    return month_end(last_month)


def within_evergreen_window(issue_date: dt.date, old_closing_day: dt.date, window_days: int) -> bool:
    """A new loan issued within ``window_days`` before or after an overdue loan's repayment refinances it.

    Both directions count: the new loan is often disbursed a day before the old one is paid off with it.
    """
    return abs((issue_date - old_closing_day).days) <= window_days


def evergreen_rules(*, refinances_loan_id: int | None, purpose: str, issue_date: dt.date,
                    overdue_closings: list[dt.date], window_days: int) -> tuple[str, ...]:
    """Every evergreening rule a new loan meets; ``overdue_closings`` are the closing days of the same
    borrower's earlier loans that were overdue when last reported."""
    rules = []
    if refinances_loan_id is not None:
        rules.append(EVERGREEN_LINK)
    if any(within_evergreen_window(issue_date, day, window_days) for day in overdue_closings):
        rules.append(EVERGREEN_WINDOW)
    if purpose == INTEREST_PAYMENT_PURPOSE:
        rules.append(EVERGREEN_INTEREST)
    return tuple(rules)


# --- New-NPL flow and vintages ----------------------------------------------------------------------------------------
def months_on_book(issue_date: dt.date, month: dt.date) -> int:
    """Whole calendar months from the issue month to ``month`` (0 in the issue month itself)."""
    return (month.year - issue_date.year) * 12 + month.month - issue_date.month


def quarter_label(day: dt.date) -> str:
    """'2025-Q1': year first, sortable as text."""
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def _quarter_last_month(label: str) -> dt.date:
    year, quarter = label.split("-Q")
    return dt.date(int(year), int(quarter) * 3, 1)


def _with_quarter(rows: pd.DataFrame) -> pd.DataFrame:
    out = rows.copy()
    out["quarter"] = [quarter_label(dt.date(int(y), int(m), 1)) for y, m in zip(out.issue_year, out.issue_month)]
    return out


def vintage_by_quarter(rows: pd.DataFrame) -> pd.DataFrame:
    """Per issue quarter: loans and principal issued, and those that have become NPL so far.

    ``rows`` come from data.warnings.list_vintage_rows: issue_year, issue_month, npl_mob (None = never
    NPL), loan_count, principal_cents.
    """
    columns = ["quarter", "loans_issued", "principal_cents", "npl_loans", "npl_principal_cents", "npl_share"]
    if rows.empty:
        return pd.DataFrame(columns=columns)
    tagged = _with_quarter(rows)
    went_bad = tagged.npl_mob.notna()
    tagged["npl_loans"] = tagged.loan_count.where(went_bad, 0)
    tagged["npl_principal_cents"] = tagged.principal_cents.where(went_bad, 0)
    out = tagged.groupby("quarter", as_index=False).agg(
        loans_issued=("loan_count", "sum"), principal_cents=("principal_cents", "sum"),
        npl_loans=("npl_loans", "sum"), npl_principal_cents=("npl_principal_cents", "sum"))
    out = out.astype({c: "int64" for c in columns[1:5]})
    out["npl_share"] = [figures.ratio(n, d) for n, d in zip(out.npl_principal_cents, out.principal_cents)]
    return out[columns].sort_values("quarter", ignore_index=True)


def vintage_curves(rows: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """Cumulative share of each issue quarter's principal that had become NPL by N months on book.

    A quarter's curve stops at the months on book that its *last* issue month has reached by ``as_of``,
    so every point counts every loan of the quarter (no point mixes observed and unobserved loans).
    """
    columns = ["quarter", "months_on_book", "npl_share", "npl_principal_cents", "principal_cents"]
    if rows.empty:
        return pd.DataFrame(columns=columns)
    tagged = _with_quarter(rows)
    points = []
    for quarter, group in tagged.groupby("quarter"):
        issued = int(group.principal_cents.sum())
        reached = months_on_book(min(_quarter_last_month(quarter), as_of), as_of)
        bad = group[group.npl_mob.notna()]
        for mob in range(reached + 1):
            npl = int(bad.loc[bad.npl_mob <= mob, "principal_cents"].sum())
            points.append((quarter, mob, figures.ratio(npl, issued), npl, issued))
    return pd.DataFrame(points, columns=columns).sort_values(["quarter", "months_on_book"], ignore_index=True)

