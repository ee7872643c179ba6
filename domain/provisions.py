"""Loan-loss provisions and the provision coverage ratio (DOMAIN.md: provisions / NPL balance).

A loan's provision is the one its tape reported (optional column ``provision``) or else its balance times the
rate of its class (settings ``provision_<class>_pct``; the usual five-tier rates: Normal 1 %, Special Mention
2 %, Substandard 25 %, Doubtful 50 %, Loss 100 %). Input: data.flows.provision_rows (loan_class,
balance_cents, provision_cents reported, provisioned_cents: the balance those reports cover).
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from domain.classes import CLASSES, NPL_CLASSES, severity
from domain.figures import ratio


@dataclass(frozen=True)
class Coverage:
    """Provisions against the NPL balance of one month, in cents."""

    provisions_cents: int
    reported_cents: int  # the part of the provisions a tape reported (the rest from the class rates)
    npl_cents: int

    @property
    def ratio(self) -> float | None:
        """Provision coverage = provisions / NPL balance; None without NPLs."""
        return ratio(self.provisions_cents, self.npl_cents)


def coverage(rows: pd.DataFrame, rates: dict[str, float]) -> Coverage:
    """Provisions of every class (reported, else balance x class rate, rounded to the cent per class)."""
    known = rows[rows.loan_class.isin(rates)]
    reported = int(known.provision_cents.sum())
    by_rate = sum(provision(int(r.balance_cents) - int(r.provisioned_cents), r.loan_class, rates)
                  for r in known.itertuples())
    npl = int(known.loc[known.loan_class.isin(NPL_CLASSES), "balance_cents"].sum())
    return Coverage(reported + by_rate, reported, npl)


def basis_points(rate: float) -> int:
    """A rate as whole basis points (0.25 -> 2500), so the SQL and this module price in the same integers."""
    return round(rate * 10_000)


def provision(balance_cents: int, loan_class: str, rates: Mapping[str, float]) -> int:
    """The provision a class requires on a balance, in whole cents (rounded half up at the cent)."""
    return (balance_cents * basis_points(rates[loan_class]) + 5_000) // 10_000


def understated_provision(balance_cents: int, recorded_class: str, floor_class: str,
                          rates: Mapping[str, float]) -> int:
    """What a loan recorded better than its floor under-provisions: the floor's provision less the recorded
    class's; 0 for a loan recorded at or worse than its floor."""
    if severity(recorded_class) >= severity(floor_class):
        return 0
    return provision(balance_cents, floor_class, rates) - provision(balance_cents, recorded_class, rates)


def basis_points_by_class(rates: Mapping[str, float]) -> dict[str, int]:
    """The rates in basis points per class, for the SQL that prices a class (data/warnings.py)."""
    return {c: basis_points(rates[c]) for c in CLASSES}
