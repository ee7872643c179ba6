"""Effectiveness of collection methods: the figures DOMAIN.md names, defined once.

The inputs come from data.methods: ``method_figures`` (sums aggregated in SQL per group) and
``first_recovery_days`` (one row per loan with a recovery, bounded by the loans worked in the period).

Definitions (also in docs of data.methods, which computes the sums):

* **net recovery** = amount recovered - cost of the actions.
* **balance worked** = sum, over the distinct loans worked in the period, of the loan's outstanding
  balance in the month before its first action in the period (or its latest month on record when that
  month has no row). It is the amount the method was "pointed at".
* **recovery rate** = recovered / balance worked (None when nothing was worked).
* **share with recovery** = loans with any recovery / loans worked.
* **median days to first recovery** = median over loans with a recovery in the period of the days from
  the start of the assignment in force (latest assignment begun on or before that day) to the first
  recovery; loans never assigned do not count.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from domain.figures import ratio
from domain.methods import METHODS

#: the SQL sums every group carries (data.methods.method_figures returns these columns)
SUM_COLUMNS: tuple[str, ...] = ("actions", "loans_worked", "loans_recovered", "recovered_cents", "cost_cents",
                                "balance_worked_cents")


def net_recovery(recovered_cents: int, cost_cents: int) -> int:
    """What a method brought in after paying for it (may be negative)."""
    return int(recovered_cents) - int(cost_cents)


def recovery_rate(recovered_cents: int, balance_worked_cents: int) -> float | None:
    """Recovered divided by the balance worked; None (a dash) when no balance was worked."""
    return ratio(recovered_cents, balance_worked_cents)


def share_with_recovery(loans_recovered: int, loans_worked: int) -> float | None:
    """Share of the loans worked that recovered anything at all."""
    return ratio(loans_recovered, loans_worked)


def median_days(days: pd.Series) -> float | None:
    """Median of a series of day counts, None for an empty series (never 0)."""
    clean = pd.to_numeric(days, errors="coerce").dropna()
    return None if clean.empty else float(clean.median())


def days_to_first_recovery(per_loan: pd.DataFrame) -> pd.Series:
    """Days from assignment start to first recovery for each row of the per-loan frame (NaN if unassigned)."""
    if per_loan.empty:
        return pd.Series(dtype="float64")
    first = pd.to_datetime(per_loan["first_recovery_on"])
    assigned = pd.to_datetime(per_loan["assigned_on"])
    return (first - assigned).dt.days.astype("float64")


def median_days_by(per_loan: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Median days to first recovery per group (columns ``keys`` + ``median_days``)."""
    if per_loan.empty:
        return pd.DataFrame(columns=[*keys, "median_days"])
    frame = per_loan[keys].copy()
    frame["days"] = days_to_first_recovery(per_loan).to_numpy()
    grouped = frame.dropna(subset=["days"]).groupby(keys, as_index=False)["days"].median()
    return grouped.rename(columns={"days": "median_days"})


def with_rates(sums: pd.DataFrame, per_loan: pd.DataFrame | None = None, *, keys: list[str]) -> pd.DataFrame:
    """Add net, recovery rate, share with recovery and median days to the SQL sums, row by row."""
    out = sums.copy()
    for column in SUM_COLUMNS:
        out[column] = out[column].fillna(0).astype("int64") if column in out else 0
    out["net_cents"] = [net_recovery(r, c) for r, c in zip(out.recovered_cents, out.cost_cents)]
    out["recovery_rate"] = [recovery_rate(r, b) for r, b in zip(out.recovered_cents, out.balance_worked_cents)]
    out["recovery_share"] = [share_with_recovery(r, w) for r, w in zip(out.loans_recovered, out.loans_worked)]
    if per_loan is not None:
        medians = median_days_by(per_loan, keys)
        out = out.merge(medians, on=keys, how="left") if keys else out.assign(
            median_days=median_days(days_to_first_recovery(per_loan)))
    out["recovery_rate"] = out["recovery_rate"].astype("object")
    return out


def method_table(sums: pd.DataFrame, per_loan: pd.DataFrame) -> pd.DataFrame:
    """One row per method in the directive's order, methods with no action shown with zeros."""
    table = with_rates(sums, per_loan, keys=["method"]).set_index("method")
    table = table.reindex(list(METHODS))
    for column in (*SUM_COLUMNS, "net_cents"):
        table[column] = table[column].fillna(0).astype("int64")
    table["median_days"] = table["median_days"].astype("float64")
    return table.reset_index()


@dataclass(frozen=True)
class MethodTotals:
    """The KPI row: every method together, each loan counted once."""

    actions: int
    loans_worked: int
    loans_recovered: int
    recovered_cents: int
    cost_cents: int
    balance_worked_cents: int
    median_days: float | None

    @property
    def net_cents(self) -> int:
        return net_recovery(self.recovered_cents, self.cost_cents)

    @property
    def recovery_rate(self) -> float | None:
        return recovery_rate(self.recovered_cents, self.balance_worked_cents)

    @property
    def recovery_share(self) -> float | None:
        return share_with_recovery(self.loans_recovered, self.loans_worked)


def totals(sums: pd.DataFrame, per_loan: pd.DataFrame) -> MethodTotals:
    """Totals from the ungrouped SQL sums (one row, or none when nothing happened)."""
    row = sums.iloc[0] if not sums.empty else {}
    values = {column: int(row.get(column, 0) or 0) for column in SUM_COLUMNS}
    return MethodTotals(**values, median_days=median_days(days_to_first_recovery(per_loan)))


def cross_table(sums: pd.DataFrame, *, row: str, value: str) -> pd.DataFrame:
    """Method (rows, directive order) x ``row`` values (columns) of one figure, for the heatmaps."""
    frame = with_rates(sums, keys=["method", row])
    frame[value] = pd.to_numeric(frame[value], errors="coerce")  # None (no balance worked) -> NaN, a blank cell
    pivot = frame.pivot_table(index="method", columns=row, values=value, aggfunc="first", dropna=False)
    present = [m for m in METHODS if m in pivot.index]
    return pivot.reindex(present)
