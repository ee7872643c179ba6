"""Officer accountability: recovery against target, on-time rate and deadline status counts.

Every officer figure of the officers page and of an officer's own record is defined here once, on top
of ``domain.assignments.deadline_status``. ``today`` is always a parameter, so the same inputs give the
same figures in a test and on the page. Nothing here touches Streamlit or SQL.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Final

import pandas as pd

from domain.assignments import (DEADLINE_STATUSES, DUE_SOON, DUE_SOON_DAYS, MET, MET_LATE, MISSED, ON_TRACK,
                                OVERDUE, PARTIAL, REASSIGNED, deadline_status)
from domain.figures import ratio

#: statuses of an assignment that is still running
OPEN_STATUSES: Final[tuple[str, ...]] = (ON_TRACK, DUE_SOON, OVERDUE)
#: statuses whose verdict on the deadline is in: closed by the officer, or past the deadline.
#: Reassigned assignments are left out: the responsibility moved before the verdict.
DECIDED_STATUSES: Final[tuple[str, ...]] = (MET, MET_LATE, PARTIAL, MISSED, OVERDUE)
#: statuses that put an officer behind: past the deadline without the target recovered
BEHIND_STATUSES: Final[tuple[str, ...]] = (OVERDUE, MISSED)


#: where a missed or overdue assignment stands with management (DOMAIN.md): no decision (none, or only revoked
#: ones), or a decision awaiting approval; an approved or rejected decision takes it out of the gap
NO_DECISION: Final = "no_decision"
AWAITING_APPROVAL: Final = "awaiting_approval"
GAP_STATES: Final[tuple[str, ...]] = (NO_DECISION, AWAITING_APPROVAL)


def accountability_gap(gap_counts: Mapping[str, int], unowned_npls: int) -> int:
    """The accountability gap (DOMAIN.md): overdue or missed assignments with no decision, plus the NPLs with
    no open assignment (every NPL must have a responsible officer). Those awaiting approval are shown apart:
    management has a decision in hand."""
    return int(gap_counts.get(NO_DECISION, 0)) + int(unowned_npls)


def target_recovery_rate(recovered_cents: int, target_cents: int) -> float | None:
    """Recovered divided by the target: 1.0 means the target was met, above 1.0 exceeded."""
    return ratio(recovered_cents, target_cents)


def on_time_rate(counts: Mapping[str, int]) -> float | None:
    """Assignments recovered by their deadline / assignments whose verdict is in (DECIDED_STATUSES).

    A target met before a deadline still ahead counts as on time already; an open assignment before its
    deadline does not count either way.
    """
    decided = sum(int(counts.get(status, 0)) for status in DECIDED_STATUSES)
    return ratio(int(counts.get(MET, 0)), decided)


def with_status(assignments: pd.DataFrame, *, today: dt.date, due_soon_days: int = DUE_SOON_DAYS) -> pd.DataFrame:
    """The assignments with a ``status`` column (deadline status on ``today``).

    Needs the columns outcome, deadline and closed_on.
    """
    out = assignments.copy()
    out["status"] = [deadline_status(outcome=outcome, deadline=deadline, today=today, due_soon_days=due_soon_days,
                                     closed_on=None if pd.isna(closed_on) else closed_on)
                     for outcome, deadline, closed_on in zip(out.outcome, out.deadline, out.closed_on)]
    return out


def status_counts(frame: pd.DataFrame, *, by: str = "officer_id") -> pd.DataFrame:
    """Counts per ``by`` (rows) x deadline status (columns, every status present, zeros where none).

    ``frame`` holds one row per assignment, or pre-counted rows with a ``count`` column.
    """
    columns = list(DEADLINE_STATUSES)
    if frame.empty:
        return pd.DataFrame(columns=columns, dtype="int64").rename_axis(index=by)
    values = frame["count"] if "count" in frame else pd.Series(1, index=frame.index)
    counted = frame.assign(count=values).pivot_table(index=by, columns="status", values="count", aggfunc="sum",
                                                     fill_value=0)
    return counted.reindex(columns=columns, fill_value=0).astype("int64").rename_axis(columns=None)


def officer_table(officers: pd.DataFrame, by_status: pd.DataFrame) -> pd.DataFrame:
    """The officer table: one row per officer with every accountability figure, laggards first.

    ``officers`` comes from data.officers.list_officer_facts, ``by_status`` from
    data.officers.assignments_by_status. Target and recovered leave out reassigned assignments (the
    responsibility moved before the deadline); the open balance is that of the loans still open.
    A laggard has at least one assignment behind (overdue or missed) and an on-time rate below that of
    all the officers shown together. Sorted laggards first, then by assignments behind, then overdue, then
    lowest recovery rate.
    """
    counted = by_status[by_status.status != REASSIGNED].groupby("officer_id")
    open_rows = by_status[by_status.status.isin(OPEN_STATUSES)].groupby("officer_id")
    sums = pd.DataFrame({"target_cents": counted.target_cents.sum(), "recovered_cents": counted.recovered_cents.sum(),
                         "open_balance_cents": open_rows.balance_cents.sum()})
    table = (officers.merge(status_counts(by_status), left_on="officer_id", right_index=True, how="left")
             .merge(sums, left_on="officer_id", right_index=True, how="left"))
    figures = [*DEADLINE_STATUSES, "target_cents", "recovered_cents", "open_balance_cents"]
    table[figures] = table[figures].fillna(0).astype("int64")
    table["open"] = table[list(OPEN_STATUSES)].sum(axis=1).astype("int64")
    table["behind"] = table[list(BEHIND_STATUSES)].sum(axis=1).astype("int64")
    table["recovery_rate"] = pd.Series([target_recovery_rate(r, t) for r, t in
                                        zip(table.recovered_cents, table.target_cents)], index=table.index,
                                       dtype=object)
    table["on_time_rate"] = pd.Series([on_time_rate(row) for row in table[list(DEADLINE_STATUSES)].to_dict("records")],
                                      index=table.index, dtype=object)
    overall = on_time_rate(table[list(DEADLINE_STATUSES)].sum().to_dict())
    table["laggard"] = [bool(behind > 0 and rate is not None and overall is not None and rate < overall)
                        for behind, rate in zip(table.behind, table.on_time_rate)]
    sort_rate = [float("inf") if rate is None else rate for rate in table.recovery_rate]
    order = table.assign(_rate=sort_rate).sort_values(["laggard", "behind", "overdue", "_rate", "officer"],
                                                      ascending=[False, False, False, True, True]).index
    return table.loc[order].reset_index(drop=True)


def totals(table: pd.DataFrame) -> dict[str, object]:
    """The KPI row of a group of officers: sums, and the rates computed on the sums (not averaged)."""
    counts = {status: int(table[status].sum()) for status in DEADLINE_STATUSES} if len(table) else {}
    target, recovered = int(table.target_cents.sum()), int(table.recovered_cents.sum())
    return {"officers": int(len(table)), "laggards": int(table.laggard.sum()) if len(table) else 0,
            "open": int(table.open.sum()) if len(table) else 0,
            "open_balance_cents": int(table.open_balance_cents.sum()), "target_cents": target,
            "recovered_cents": recovered, "recovery_rate": target_recovery_rate(recovered, target),
            "on_time_rate": on_time_rate(counts), "overdue": counts.get(OVERDUE, 0),
            "missed": counts.get(MISSED, 0), "due_soon": counts.get(DUE_SOON, 0)}


def by_cooperative(table: pd.DataFrame) -> pd.DataFrame:
    """Target, recovered and recovery rate per cooperative, summed over its officers."""
    grouped = (table.groupby(["cooperative_id", "cooperative"], as_index=False)[["target_cents", "recovered_cents"]]
               .sum())
    grouped["recovery_rate"] = [target_recovery_rate(r, t)
                                for r, t in zip(grouped.recovered_cents, grouped.target_cents)]
    return grouped


def on_time_by_month(counts: pd.DataFrame) -> pd.DataFrame:
    """On-time rate by month of deadline from rows (month, status, count): month, met, decided, rate.

    Months with no decided assignment are left out rather than shown as 0 %.
    """
    if counts.empty:
        return pd.DataFrame({"month": [], "met": [], "decided": [], "rate": []})
    wide = status_counts(counts, by="month")
    out = pd.DataFrame({"month": wide.index, "met": wide[MET].to_numpy(),
                        "decided": wide[list(DECIDED_STATUSES)].sum(axis=1).to_numpy()})
    out = out[out.decided > 0].sort_values("month").reset_index(drop=True)
    out["rate"] = out.met / out.decided
    return out


def days_late(deadline: dt.date, today: dt.date) -> int:
    """Days since the deadline passed (0 on the deadline day itself and before it)."""
    return max(0, (today - deadline).days)

