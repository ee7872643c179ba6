"""Where the NPLs went: the movement of the NPL balance over a period, and the roll and cure rates.

Input frames come from data.flows.flow_rows (the ``npl_flow_month`` summary): one row per month x cooperative
x segment x (from_class, to_class), with loan_count, opening_cents (balance the month before; 0 for a new
loan), closing_cents (balance this month; 0 for a closed loan), collected_cents, foreclosed_cents and
written_off_cents (of the month). The terms are defined per row here and nowhere else:

* **opening**: the NPL balance the month before (rows whose from_class is an NPL class);
* **inflow from performing**: this month's balance of loans that were Normal or Special Mention and are NPL now;
* **inflow from new loans**: this month's balance of loans with no row the month before that are NPL already;
* outflows, for loans that were NPL the month before only:
  **collected** (cash recovered by every collection method but asset disposal), **foreclosed** (recovered
  through a foreclosed asset: actions of method asset disposal), **written off** (the month's write-offs),
  **cured** (this month's balance of the loans back to Normal or Special Mention), **other** (the rest of the
  change: opening - closing - collected - foreclosed - written off; e.g. a loan refinanced or left off the
  tape, interest added, amortisation not booked as an action; may be negative);
* **closing**: this month's NPL balance (rows whose to_class is an NPL class).

So opening + inflows - outflows = closing holds to the cent for every row, hence for any sum of rows.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields

import pandas as pd

from domain.classes import CLASSES, CLOSED_LOAN, NEW_LOAN, NORMAL, NPL_CLASSES, PERFORMING_CLASSES, SPECIAL_MENTION
from domain.figures import ratio
from domain.months import previous_month

FLOW_COLUMNS = ["month", "cooperative_id", "segment", "from_class", "to_class", "loan_count", "opening_cents",
                "closing_cents", "collected_cents", "foreclosed_cents", "written_off_cents"]
INFLOWS = ("inflow_performing", "inflow_new")
OUTFLOWS = ("collected", "written_off", "foreclosed", "cured", "other")
TERMS = ("opening", *INFLOWS, *OUTFLOWS, "closing")


@dataclass(frozen=True)
class Movement:
    """The NPL movement of a period in cents (outflows as positive amounts)."""

    opening: int
    inflow_performing: int
    inflow_new: int
    collected: int
    written_off: int
    foreclosed: int
    cured: int
    other: int
    closing: int

    @property
    def inflows(self) -> int:
        return self.inflow_performing + self.inflow_new

    @property
    def outflows(self) -> int:
        return self.collected + self.written_off + self.foreclosed + self.cured + self.other

    def reconciles(self) -> bool:
        """opening + inflows - outflows == closing, to the cent."""
        return self.opening + self.inflows - self.outflows == self.closing

    def as_dict(self) -> dict[str, int]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def row_terms(rows: pd.DataFrame) -> pd.DataFrame:
    """Each term of the movement for each summary row (the one definition; columns named as TERMS)."""
    from_npl = rows.from_class.isin(NPL_CLASSES)
    to_npl = rows.to_class.isin(NPL_CLASSES)
    was_performing = rows.from_class.isin(PERFORMING_CLASSES)
    opening = rows.opening_cents.where(from_npl, 0)
    closing = rows.closing_cents.where(to_npl, 0)
    collected = rows.collected_cents.where(from_npl, 0)
    foreclosed = rows.foreclosed_cents.where(from_npl, 0)
    written_off = rows.written_off_cents.where(from_npl, 0)
    out = pd.DataFrame({
        "opening": opening,
        "inflow_performing": rows.closing_cents.where(was_performing & to_npl, 0),
        "inflow_new": rows.closing_cents.where((rows.from_class == NEW_LOAN) & to_npl, 0),
        "collected": collected,
        "written_off": written_off,
        "foreclosed": foreclosed,
        "cured": rows.closing_cents.where(from_npl & rows.to_class.isin(PERFORMING_CLASSES), 0),
        "other": (rows.opening_cents - rows.closing_cents - rows.collected_cents - rows.foreclosed_cents
                  - rows.written_off_cents).where(from_npl, 0),
        "closing": closing,
    }, index=rows.index)
    return out.astype("int64")


def monthly_movement(rows: pd.DataFrame) -> pd.DataFrame:
    """The movement of each month (rows: month, oldest first; columns: TERMS)."""
    if rows.empty:
        return pd.DataFrame(columns=list(TERMS), dtype="int64")
    terms = row_terms(rows)
    terms["month"] = rows.month
    return terms.groupby("month").sum().reindex(columns=list(TERMS)).astype("int64").sort_index()


def movement(rows: pd.DataFrame) -> Movement | None:
    """The movement over the months of ``rows`` (consecutive months, the first one's transitions included):
    opening of the first month, flows summed, closing of the last. None without rows."""
    monthly = monthly_movement(rows)
    if monthly.empty:
        return None
    flows = monthly[list(INFLOWS + OUTFLOWS)].sum()
    return Movement(opening=int(monthly.opening.iloc[0]), closing=int(monthly.closing.iloc[-1]),
                    **{name: int(flows[name]) for name in INFLOWS + OUTFLOWS})


# --- roll and cure rates ------------------------------------------------------------------------------------
#: the main rolls shown as a trend: (name, from classes, to classes)
MAIN_ROLLS: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("normal_to_worse", (NORMAL,), CLASSES[1:]),
    ("special_mention_to_npl", (SPECIAL_MENTION,), NPL_CLASSES),
    ("npl_cured", NPL_CLASSES, PERFORMING_CLASSES),
)


def transition_shares(rows: pd.DataFrame, value: str = "opening_cents") -> pd.DataFrame:
    """Share of each class's balance (``opening_cents``) or count (``loan_count``) the month before that sits in
    each class (or closed) a month later, over all the rows' months: from class (rows) x to class (columns).
    A class with nothing in it has no shares (NaN), never 0 %."""
    known = rows[rows.from_class.isin(CLASSES)]
    matrix = known.pivot_table(index="from_class", columns="to_class", values=value, aggfunc="sum", fill_value=0)
    matrix = matrix.reindex(index=list(CLASSES), columns=[*CLASSES, CLOSED_LOAN], fill_value=0).astype("float64")
    totals = matrix.sum(axis=1)
    return matrix.div(totals.where(totals > 0), axis=0)


def roll_rate(rows: pd.DataFrame, from_classes: tuple[str, ...], to_classes: tuple[str, ...],
              value: str = "opening_cents") -> float | None:
    """Share of the balance (or count) in ``from_classes`` the month before that is in ``to_classes`` a month
    later (closed loans count in the base); None when there was nothing to roll."""
    base = rows[rows.from_class.isin(from_classes)]
    moved = base[base.to_class.isin(to_classes)]
    return ratio(float(moved[value].sum()), float(base[value].sum()))


def _rolls_by(rows: pd.DataFrame, key: str, value: str) -> pd.DataFrame:
    """The main rolls grouped by ``key`` in one pass (vectorised: the overview reads every month at once)."""
    columns = {}
    for name, src, dst in MAIN_ROLLS:
        base = rows[value].where(rows.from_class.isin(src), 0)
        moved = base.where(rows.to_class.isin(dst), 0)
        columns[f"{name}.base"], columns[f"{name}.moved"] = base, moved
    sums = pd.DataFrame(columns).groupby(rows[key]).sum()
    out = pd.DataFrame(index=sums.index)
    for name, *_ in MAIN_ROLLS:
        base = sums[f"{name}.base"].astype("float64")
        out[name] = sums[f"{name}.moved"] / base.where(base > 0)
    return out.astype("float64")


def roll_trend(rows: pd.DataFrame, value: str = "opening_cents") -> pd.DataFrame:
    """The main rolls (MAIN_ROLLS) month by month: rows month, columns the roll names, NaN where undefined.
    Each value is roll_rate of that month's rows."""
    return _rolls_by(rows, "month", value).sort_index()


def roll_by_cooperative(rows: pd.DataFrame, value: str = "opening_cents") -> pd.DataFrame:
    """The main rolls over the rows' months per cooperative: rows cooperative_id, columns the roll names."""
    return _rolls_by(rows, "cooperative_id", value)


def movement_months(months: list[dt.date], opening: dt.date, closing: dt.date) -> list[dt.date]:
    """The months whose transitions make up the movement from the end of ``opening`` to the end of ``closing``:
    those after ``opening`` up to ``closing`` whose month before has data (the first month of the data has
    no transitions: every loan in it would look new)."""
    have = set(months)
    return sorted(m for m in have if opening < m <= closing and previous_month(m) in have)
