"""Effectiveness of collection methods: the figures DOMAIN.md names, defined once.

The input is data.methods.loans_worked: one row per loan x method worked in the period (bounded by the
loans worked). ``sums_by`` and ``first_recoveries`` group it by method, cooperative, segment or in total,
so one read serves every table and KPI of the page.

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

#: the sums every group carries (sums_by returns these columns after the group keys)
SUM_COLUMNS: tuple[str, ...] = ("actions", "loans_worked", "loans_recovered", "recovered_cents", "cost_cents",
                                "balance_worked_cents")
#: groupings: the keys besides the loan; "total" has none (each loan once)
GROUP_KEYS: dict[str, list[str]] = {"method": ["method"], "cooperative": ["method", "cooperative_id", "cooperative"],
                                    "segment": ["method", "segment"], "total": []}


def check_grouping(by: str) -> list[str]:
    """The group keys of a grouping; ValueError for an unknown one (a programming error, not user input)."""
    if by not in GROUP_KEYS:
        raise ValueError(f"unknown grouping: {by!r}")
    return GROUP_KEYS[by]


def _per_loan_total(worked: pd.DataFrame) -> pd.DataFrame:
    """Every method of a loan together: sums, and the balance worked and assignment start measured from the
    loan's first action / first recovery over all methods (the rows holding those earliest days)."""
    sums = worked.groupby("loan_id", as_index=False)[["actions", "recovered_cents", "cost_cents"]].sum()
    first = worked.sort_values(["first_day", "method"], kind="stable").drop_duplicates("loan_id")
    sums = sums.merge(first[["loan_id", "balance_worked_cents"]], on="loan_id")
    recovering = worked[worked.first_recovery_on.notna()].sort_values(["first_recovery_on", "method"], kind="stable")
    recovering = recovering.drop_duplicates("loan_id")[["loan_id", "first_recovery_on", "assigned_on"]]
    return sums.merge(recovering, on="loan_id", how="left")


def sums_by(worked: pd.DataFrame, by: str) -> pd.DataFrame:
    """Group sums: keys, then SUM_COLUMNS; one row per group in key order ("total": one row, none if empty).

    A loan worked by two methods counts once for each method and once in total.
    """
    keys = check_grouping(by)
    rows = _per_loan_total(worked) if by == "total" else worked
    if rows.empty:
        return pd.DataFrame({c: pd.Series(dtype="object" if c in keys else "int64") for c in [*keys, *SUM_COLUMNS]})
    rows = rows.assign(loans_worked=1, loans_recovered=(rows.recovered_cents > 0).astype("int64"))
    columns = ["actions", "loans_worked", "loans_recovered", "recovered_cents", "cost_cents", "balance_worked_cents"]
    if not keys:
        return rows[columns].sum().to_frame().T.astype("int64").reset_index(drop=True)
    grouped = rows.groupby(keys, as_index=False, sort=True)[columns].sum()
    return grouped[[*keys, *SUM_COLUMNS]].astype({c: "int64" for c in SUM_COLUMNS})


def first_recoveries(worked: pd.DataFrame, by: str) -> pd.DataFrame:
    """Per group x loan with a recovery: keys, loan_id, first_recovery_on, assigned_on (the input of the medians)."""
    keys = [k for k in check_grouping(by) if k != "cooperative"]
    rows = _per_loan_total(worked) if by == "total" else worked
    columns = [*keys, "loan_id", "first_recovery_on", "assigned_on"]
    if rows.empty:
        return pd.DataFrame(columns=columns)
    return rows.loc[rows.first_recovery_on.notna(), columns].reset_index(drop=True)


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


def with_rates(sums: pd.DataFrame, per_loan: pd.DataFrame | None = None, *, keys: list[str],
               medians: pd.DataFrame | None = None) -> pd.DataFrame:
    """Add net, recovery rate, share with recovery and median days to the SQL sums, row by row (the medians
    from the per-loan first recoveries, or given: ``keys`` + ``median_days``)."""
    out = sums.copy()
    for column in SUM_COLUMNS:
        out[column] = out[column].fillna(0).astype("int64") if column in out else 0
    out["net_cents"] = [net_recovery(r, c) for r, c in zip(out.recovered_cents, out.cost_cents)]
    out["recovery_rate"] = [recovery_rate(r, b) for r, b in zip(out.recovered_cents, out.balance_worked_cents)]
    out["recovery_share"] = [share_with_recovery(r, w) for r, w in zip(out.loans_recovered, out.loans_worked)]
    if medians is not None:
        out = out.merge(medians, on=keys, how="left")
    elif per_loan is not None:
        medians = median_days_by(per_loan, keys)
        out = out.merge(medians, on=keys, how="left") if keys else out.assign(
            median_days=median_days(days_to_first_recovery(per_loan)))
    out["recovery_rate"] = out["recovery_rate"].astype("object")
    return out


def method_table(sums: pd.DataFrame, per_loan: pd.DataFrame | None,
                 medians: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per method in the directive's order, methods with no action shown with zeros (medians from the
    per-loan first recoveries, or given per method)."""
    table = with_rates(sums, per_loan, keys=["method"], medians=medians).set_index("method")
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


@dataclass(frozen=True)
class MethodGroups:
    """Every grouping the methods page shows, computed once from the loans_worked frame.

    Why: the page's read cache then holds these few small frames instead of the per-loan frame (143,000 rows
    at 1,000,000 loans), so a warm rerun does no pandas grouping at all.
    """

    totals: MethodTotals
    table: pd.DataFrame  # method_table: one row per method, directive order
    by_cooperative: pd.DataFrame  # sums_by(..., "cooperative")
    by_segment: pd.DataFrame  # sums_by(..., "segment")


def groups(worked: pd.DataFrame) -> MethodGroups:
    """The KPI totals, the method table and the two breakdowns of one loans_worked frame."""
    return MethodGroups(totals=totals(sums_by(worked, "total"), first_recoveries(worked, "total")),
                        table=method_table(sums_by(worked, "method"), first_recoveries(worked, "method")),
                        by_cooperative=sums_by(worked, "cooperative"), by_segment=sums_by(worked, "segment"))



# --- the same figures from the methods summary (data.method_summary) ----------------------------------------
#: the method of the summary rows for every method together (data.method_summary.ALL_METHODS)
ALL_METHODS = "*"


def histogram_median(days: pd.Series, counts: pd.Series) -> float | None:
    """The median of a multiset given as values and their counts (None when empty): the middle value, or the
    mean of the two middle ones -- what median_days gives for the same values listed one by one."""
    frame = pd.DataFrame({"days": pd.to_numeric(days, errors="coerce").to_numpy(),
                          "count": pd.to_numeric(counts).to_numpy()}).dropna(subset=["days"])
    frame = frame[frame["count"] > 0].groupby("days", sort=True)["count"].sum()
    total = int(frame.sum()) if not frame.empty else 0
    if total == 0:
        return None
    ends = frame.cumsum().to_numpy()
    values = frame.index.to_numpy()

    def at(position: int) -> float:  # the value at a 0-based position of the sorted multiset
        return float(values[int((ends > position).argmax())])

    return (at((total - 1) // 2) + at(total // 2)) / 2


def _summed(rows: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    if rows.empty:
        return pd.DataFrame({c: pd.Series(dtype="object" if c in keys else "int64") for c in [*keys, *SUM_COLUMNS]})
    grouped = rows.groupby(keys, as_index=False, sort=True)[list(SUM_COLUMNS)].sum()
    return grouped[[*keys, *SUM_COLUMNS]].astype({c: "int64" for c in SUM_COLUMNS})


def summary_groups(sums: pd.DataFrame, histogram: pd.DataFrame, names: dict[int, str], *,
                   every_cooperative: bool) -> MethodGroups:
    """MethodGroups from the methods summary's rows of a period (data.methods.method_groups).

    ``sums``: cooperative_id, segment, method, loans_worked, balance_worked_cents, actions, recovered_cents,
    cost_cents, loans_recovered -- each chain counted once, in its first month in the period; method '*' rows are
    every method together, their cooperative 0 rows every cooperative together (used when ``every_cooperative``:
    the viewer sees the whole union). ``histogram``: method ('*': every method), days (None: never assigned),
    loans -- the first recoveries in the period the viewer sees, for the medians.
    """
    rows = sums.assign(loans_recovered=sums["loans_recovered"].fillna(0).astype("int64"))
    total_coop = (rows.cooperative_id == 0) if every_cooperative else (rows.cooperative_id != 0)
    per_method = rows[rows.method != ALL_METHODS].assign(cooperative=lambda f: f.cooperative_id.map(names))
    total_rows = rows[(rows.method == ALL_METHODS) & total_coop]
    method_days = histogram[histogram.method != ALL_METHODS]
    total_days = histogram[histogram.method == ALL_METHODS]
    medians = pd.DataFrame([{"method": method, "median_days": histogram_median(group["days"], group["loans"])}
                            for method, group in method_days.groupby("method")], columns=["method", "median_days"])
    medians["median_days"] = medians["median_days"].astype("float64")
    totals_row = {c: int(total_rows[c].sum()) for c in SUM_COLUMNS}
    return MethodGroups(totals=MethodTotals(**totals_row, median_days=histogram_median(total_days["days"],
                                                                                       total_days["loans"])),
                        table=method_table(_summed(per_method, ["method"]), None, medians=medians),
                        by_cooperative=_summed(per_method, ["method", "cooperative_id", "cooperative"]),
                        by_segment=_summed(per_method, ["method", "segment"]))
