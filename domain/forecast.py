"""A Markov projection of the class balances against the NPL reduction target, and its backtest.

Why a balance matrix: the NPL balance falls through collection and amortisation as well as through moves
between classes, so the projection carries balances, not loan counts. From the movement summary rows
(domain.npl_flows.FLOW_COLUMNS) the **balance matrix** of a set of months is, for classes i and j,
M[i, j] = (balance in class j this month of the loans that were in class i the month before) / (balance in
class i the month before): a row sums to what is left of a class's balance a month later, wherever it went
(closed loans leave nothing). A class with no balance in the window keeps its balance (the row is 1 on
itself): no evidence, no change. New lending adds, each month, the average balance by class of the new loans
of the window (their first month). Projecting: x[t+1] = x[t] @ M + new.

The band comes from the spread of the monthly matrices: each simulated path draws, for every future month,
one month of the window (its matrix and its new lending); the band is the 10th-90th percentile of the paths'
NPL balances (``paths=0``: no band, the central line only). Deterministic for a given seed.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from domain.classes import CLASSES, NEW_LOAN, NPL_CLASSES
from domain.months import previous_month

NPL_MASK = np.array([c in NPL_CLASSES for c in CLASSES])
DEFAULT_WINDOW = 12
DEFAULT_HORIZON = 12
BAND_PATHS = 200
BAND_PERCENTILES = (10, 90)


_INDEX = {c: i for i, c in enumerate(CLASSES)}


@dataclass(frozen=True)
class MonthArrays:
    """The summary rows of each month as arrays (CLASSES order), built once so a window is a few sums:
    ``arrived`` [m, i, j] closing balance in class j of loans in class i the month before, ``opening`` [m, i],
    ``new`` [m, j] first-month balance of new loans, ``balances`` [m, j] every loan's closing balance."""

    months: tuple[dt.date, ...]
    arrived: np.ndarray
    opening: np.ndarray
    new: np.ndarray
    balances: np.ndarray

    def pick(self, months: list[dt.date]) -> np.ndarray:
        where = {m: k for k, m in enumerate(self.months)}
        return np.array([where[m] for m in months if m in where], dtype=int)


def month_arrays(rows: pd.DataFrame) -> MonthArrays:
    """Group the summary rows by month into MonthArrays (one pass over the frame)."""
    months = tuple(sorted(rows.month.unique()))
    n = len(CLASSES)
    arrived, opening = np.zeros((len(months), n, n)), np.zeros((len(months), n))
    new, balances = np.zeros((len(months), n)), np.zeros((len(months), n))
    if months:
        position = {m: k for k, m in enumerate(months)}
        m = rows.month.map(position).to_numpy()
        src = rows.from_class.map(_INDEX).to_numpy(dtype="float64")
        dst = rows.to_class.map(_INDEX).to_numpy(dtype="float64")
        closing = rows.closing_cents.to_numpy(dtype="float64")
        has_src, has_dst = ~np.isnan(src), ~np.isnan(dst)
        both = has_src & has_dst
        np.add.at(arrived, (m[both], src[both].astype(int), dst[both].astype(int)), closing[both])
        np.add.at(opening, (m[has_src], src[has_src].astype(int)), rows.opening_cents.to_numpy("float64")[has_src])
        fresh = (rows.from_class == NEW_LOAN).to_numpy() & has_dst
        np.add.at(new, (m[fresh], dst[fresh].astype(int)), closing[fresh])
        np.add.at(balances, (m[has_dst], dst[has_dst].astype(int)), closing[has_dst])
    return MonthArrays(months, arrived, opening, new, balances)


def _matrix(arrived: np.ndarray, opening: np.ndarray) -> np.ndarray:
    matrix = np.eye(len(CLASSES))
    has = opening > 0
    matrix[has] = arrived[has] / opening[has, None]
    return matrix


def balance_matrix(rows: pd.DataFrame) -> np.ndarray:
    """The 5x5 balance matrix of the rows' months (see the module docstring); identity rows where empty."""
    arrays = month_arrays(rows)
    return _matrix(arrays.arrived.sum(axis=0), arrays.opening.sum(axis=0))


def new_lending(rows: pd.DataFrame, months: int) -> np.ndarray:
    """Average monthly balance by class of the loans new in the rows' months (their first month's balance)."""
    if months <= 0:
        return np.zeros(len(CLASSES))
    return month_arrays(rows).new.sum(axis=0) / months


def class_balances(rows: pd.DataFrame, month: dt.date) -> np.ndarray:
    """The balance by class at ``month`` (the closing side of its rows), in CLASSES order."""
    arrays = month_arrays(rows[rows.month == month])
    return arrays.balances[0] if arrays.months else np.zeros(len(CLASSES))


def project(start: np.ndarray, matrix: np.ndarray, new: np.ndarray, horizon: int) -> np.ndarray:
    """Class balances for each of the next ``horizon`` months (horizon x 5): x[t+1] = x[t] @ M + new."""
    out = np.zeros((horizon, len(start)))
    x = np.asarray(start, dtype="float64")
    for step in range(horizon):
        x = x @ matrix + new
        out[step] = x
    return out


def npl_of(balances: np.ndarray) -> np.ndarray:
    """NPL balance of class-balance vectors (last axis in CLASSES order)."""
    return balances[..., NPL_MASK].sum(axis=-1)


@dataclass(frozen=True)
class Forecast:
    """The projected NPL balance month by month (cents), with its band; empty when there is no window."""

    origin: dt.date
    window: tuple[dt.date, ...]  # the months whose transitions made the matrix
    npl: pd.Series  # future month -> projected NPL balance
    low: pd.Series
    high: pd.Series

    def at(self, month: dt.date) -> int | None:
        return int(round(self.npl[month])) if month in self.npl.index else None


def window_months(months: list[dt.date], origin: dt.date, size: int = DEFAULT_WINDOW) -> list[dt.date]:
    """The last ``size`` months up to ``origin`` whose transitions come from a month with data (the first month
    of the data has none: its loans all come from 'new')."""
    have = sorted(set(months))
    usable = [m for m in have if m <= origin and previous_month(m) in have]
    return usable[-size:]


def forecast(rows: pd.DataFrame, origin: dt.date, *, window: int = DEFAULT_WINDOW, horizon: int = DEFAULT_HORIZON,
             paths: int = BAND_PATHS, seed: int = 0) -> Forecast:
    """Project the NPL balance ``horizon`` months after ``origin`` from the window of months ending at it."""
    return _forecast(month_arrays(rows), origin, window=window, horizon=horizon, paths=paths, seed=seed)


def _forecast(arrays: MonthArrays, origin: dt.date, *, window: int, horizon: int, paths: int, seed: int) -> Forecast:
    months = window_months(list(arrays.months), origin, window)
    future = [previous_month(origin, -(k + 1)) for k in range(horizon)]
    here = arrays.pick([origin])
    start = arrays.balances[here[0]] if len(here) else np.zeros(len(CLASSES))
    picked = arrays.pick(months)
    matrix = _matrix(arrays.arrived[picked].sum(axis=0), arrays.opening[picked].sum(axis=0))
    new = arrays.new[picked].sum(axis=0) / len(months) if months else np.zeros(len(CLASSES))
    central = npl_of(project(start, matrix, new, horizon))
    if months and paths > 0:
        per_month = [(_matrix(arrays.arrived[k], arrays.opening[k]), arrays.new[k]) for k in picked]
        rng = np.random.default_rng(seed)
        draws = rng.integers(0, len(per_month), size=(paths, horizon))
        simulated = np.zeros((paths, horizon))
        for p in range(paths):
            x = start.copy()
            for step in range(horizon):
                step_matrix, step_new = per_month[draws[p, step]]
                x = x @ step_matrix + step_new
                simulated[p, step] = npl_of(x)
        low, high = np.percentile(simulated, BAND_PERCENTILES, axis=0)
    else:
        low = high = central
    index = pd.Index(future)
    return Forecast(origin, tuple(months), pd.Series(central, index=index), pd.Series(low, index=index),
                    pd.Series(high, index=index))


@dataclass(frozen=True)
class Backtest:
    """Mean absolute percentage error of the projected NPL balance, by months ahead, over every usable origin."""

    origins: tuple[dt.date, ...]
    mape: dict[int, float | None]  # months ahead -> MAPE (0.05 = 5 %), None without an origin
    errors: pd.DataFrame  # origin, ahead, projected, actual, ape


def backtest(rows: pd.DataFrame, *, window: int = DEFAULT_WINDOW, aheads: tuple[int, ...] = (3, 6)) -> Backtest:
    """Every month with ``window`` months of transitions up to it and max(aheads) months of outcome after it is
    an origin: project from it and compare the NPL balance ``ahead`` months later with what happened."""
    arrays = month_arrays(rows)
    months = list(arrays.months)
    actual = dict(zip(months, npl_of(arrays.balances).tolist()))
    longest = max(aheads)
    records = []
    origins = []
    for origin in months:
        if len(window_months(months, origin, window)) < window:
            continue
        targets = {a: previous_month(origin, -a) for a in aheads}
        if previous_month(origin, -longest) not in actual:
            continue
        origins.append(origin)
        projected = _forecast(arrays, origin, window=window, horizon=longest, paths=0, seed=0)
        for ahead, month in targets.items():
            real = actual.get(month)
            guess = float(projected.npl[month])
            ape = abs(guess - real) / real if real else None
            records.append({"origin": origin, "ahead": ahead, "projected": guess, "actual": real, "ape": ape})
    errors = pd.DataFrame(records, columns=["origin", "ahead", "projected", "actual", "ape"])
    mape = {}
    for ahead in aheads:
        apes = errors.loc[errors.ahead == ahead, "ape"].dropna()
        mape[ahead] = float(apes.mean()) if len(apes) else None
    return Backtest(tuple(origins), mape, errors)


@dataclass(frozen=True)
class TargetCheck:
    """Whether the projected NPL balance at the target month is at or under the target path there."""

    month: dt.date
    target_cents: int
    projected_cents: int

    @property
    def met(self) -> bool:
        return self.projected_cents <= self.target_cents

    @property
    def gap_cents(self) -> int:
        """How far the projection is from the target: positive = missed by, negative = better by."""
        return self.projected_cents - self.target_cents


def target_month(last: dt.date) -> dt.date:
    """The year-end the target is judged at: December of the last month's year, or the next one in December."""
    return dt.date(last.year + (1 if last.month == 12 else 0), 12, 1)


def check_target(fc: Forecast, target: pd.Series, month: dt.date) -> TargetCheck | None:
    """Compare the forecast with the target path at ``month``; None when either has no value there."""
    projected = fc.at(month)
    if projected is None or month not in target.index:
        return None
    return TargetCheck(month, int(target[month]), projected)
