"""The headline figures of DOMAIN.md, computed from the monthly balances frame in one place.

Input frames come from data.portfolio.balances_by_month: month, loan_class, segment, balance_cents,
loan_count. Nothing here touches Streamlit or SQL.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from domain.classes import CLASSES, CLOSED_LOAN, NEW_LOAN, NORMAL, NPL_CLASSES
from domain.segments import NEW, OLD


def ratio(numerator: float, denominator: float) -> float | None:
    """A share, or None when the denominator is zero (shown as a dash, never as 0 %)."""
    return None if not denominator else numerator / denominator


def npl_balance(frame: pd.DataFrame, month: dt.date, segment: str | None = None) -> int:
    """Absolute NPL balance (Substandard + Doubtful + Loss) in cents for one month."""
    rows = frame[(frame.month == month) & frame.loan_class.isin(NPL_CLASSES)]
    if segment:
        rows = rows[rows.segment == segment]
    return int(rows.balance_cents.sum())


def gross_balance(frame: pd.DataFrame, month: dt.date) -> int:
    return int(frame.loc[frame.month == month, "balance_cents"].sum())


def npl_count(frame: pd.DataFrame, month: dt.date) -> int:
    rows = frame[(frame.month == month) & frame.loan_class.isin(NPL_CLASSES)]
    return int(rows.loan_count.sum())


def recovery_rate(recovered_cents: int, npl_at_start_cents: int) -> float | None:
    """Recovered in the period divided by the NPL balance at the period start."""
    return ratio(recovered_cents, npl_at_start_cents)


@dataclass(frozen=True)
class NplSnapshot:
    """The KPI row of the overview for one month."""

    month: dt.date
    npl_cents: int
    gross_cents: int
    npl_count: int
    old_npl_cents: int
    new_npl_cents: int

    @property
    def npl_ratio(self) -> float | None:
        return ratio(self.npl_cents, self.gross_cents)


def snapshot(frame: pd.DataFrame, month: dt.date) -> NplSnapshot:
    return NplSnapshot(month=month, npl_cents=npl_balance(frame, month), gross_cents=gross_balance(frame, month),
                       npl_count=npl_count(frame, month), old_npl_cents=npl_balance(frame, month, OLD),
                       new_npl_cents=npl_balance(frame, month, NEW))


def class_pivot(frame: pd.DataFrame, *, classes: tuple[str, ...] = CLASSES) -> pd.DataFrame:
    """Balance by month (rows) x class (columns, in severity order), zeros where absent."""
    pivot = frame[frame.loan_class.isin(classes)].pivot_table(
        index="month", columns="loan_class", values="balance_cents", aggfunc="sum", fill_value=0)
    return pivot.reindex(columns=list(classes), fill_value=0).astype("int64")


def npl_by_segment(frame: pd.DataFrame) -> pd.DataFrame:
    """NPL balance by month (rows) x segment old/new (columns)."""
    npl = frame[frame.loan_class.isin(NPL_CLASSES)]
    pivot = npl.pivot_table(index="month", columns="segment", values="balance_cents", aggfunc="sum", fill_value=0)
    return pivot.reindex(columns=[OLD, NEW], fill_value=0).astype("int64")


def target_path(start_month: dt.date, start_cents: int, months: list[dt.date], annual_pct: float) -> pd.Series:
    """The NPL balance a yearly reduction target implies, compounded monthly from the start month."""
    monthly = (1 - annual_pct / 100) ** (1 / 12)
    values = {}
    for month in months:
        elapsed = (month.year - start_month.year) * 12 + month.month - start_month.month
        if elapsed >= 0:
            values[month] = round(start_cents * monthly ** elapsed)
    return pd.Series(values, dtype="int64")


def migration_matrix(long: pd.DataFrame, value: str = "balance_cents") -> pd.DataFrame:
    """Pivot the long migration rows into a from x to matrix with new/closed at the edges."""
    rows = [NEW_LOAN, *CLASSES]
    cols = [*CLASSES, CLOSED_LOAN]
    matrix = long.pivot_table(index="from_class", columns="to_class", values=value, aggfunc="sum", fill_value=0)
    return matrix.reindex(index=rows, columns=cols, fill_value=0).astype("int64")


def cure_share(long: pd.DataFrame) -> float | None:
    """Share of the NPL balance at the first month that became performing or was repaid by the second."""
    npl = long[long.from_class.isin(NPL_CLASSES)]
    cured = npl[~npl.to_class.isin(NPL_CLASSES)]
    return ratio(int(cured.balance_cents.sum()), int(npl.balance_cents.sum()))


def normal_downgrade_share(long: pd.DataFrame) -> float | None:
    """Share of the Normal balance at the first month that moved to Special Mention or worse."""
    normal = long[long.from_class == NORMAL]
    worse = normal[normal.to_class.isin(CLASSES[1:])]
    return ratio(int(worse.balance_cents.sum()), int(normal.balance_cents.sum()))
