"""Loan-loss provisions and the provision coverage ratio (DOMAIN.md: provisions / NPL balance).

A loan's provision is the one its tape reported (optional column ``provision``) or else its balance times the
rate of its class (settings ``provision_<class>_pct``; the usual five-tier rates: Normal 1 %, Special Mention
2 %, Substandard 25 %, Doubtful 50 %, Loss 100 %). Input: data.flows.provision_rows (loan_class,
balance_cents, provision_cents reported, provisioned_cents: the balance those reports cover).
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from domain.classes import NPL_CLASSES
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
    by_rate = sum(round((int(r.balance_cents) - int(r.provisioned_cents)) * rates[r.loan_class])
                  for r in known.itertuples())
    npl = int(known.loc[known.loan_class.isin(NPL_CLASSES), "balance_cents"].sum())
    return Coverage(reported + by_rate, reported, npl)
