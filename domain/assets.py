"""Foreclosed assets: types, statuses and the legal time limit for their disposal."""
from __future__ import annotations

import datetime as dt
from typing import Final

REAL_ESTATE_TYPES: Final[tuple[str, ...]] = ("land_use_right", "building")
EQUITY_TYPES: Final[tuple[str, ...]] = ("equity",)
MOVABLE_TYPES: Final[tuple[str, ...]] = ("machinery", "vehicle", "livestock", "other")
ASSET_TYPES: Final[tuple[str, ...]] = ("land_use_right", "building", "machinery", "vehicle", "livestock", "equity",
                                       "other")

PENDING: Final = "pending"
IN_DISPOSAL: Final = "in_disposal"
DISPOSED: Final = "disposed"
STATUSES: Final[tuple[str, ...]] = (PENDING, IN_DISPOSAL, DISPOSED)
DISPOSAL_METHODS: Final[tuple[str, ...]] = ("sale", "auction", "restructuring", "leasing")


def limit_years(asset_type: str, *, real_estate_years: int = 2, movable_years: int = 1) -> int:
    """Real estate and equity must be disposed of within 2 years, movable assets within 1 (settings)."""
    if asset_type not in ASSET_TYPES:
        raise ValueError(f"unknown asset type: {asset_type!r}")
    if asset_type in REAL_ESTATE_TYPES or asset_type in EQUITY_TYPES:
        return real_estate_years
    return movable_years


def disposal_deadline(acquired_on: dt.date, years: int) -> dt.date:
    """The last day on which disposal is still on time (29 February maps to 28 February)."""
    try:
        return acquired_on.replace(year=acquired_on.year + years)
    except ValueError:
        return acquired_on.replace(year=acquired_on.year + years, day=28)


def net_proceeds(proceeds_cents: int, cost_cents: int) -> int:
    """What a disposal brought in after its cost (fees, auction charges, taxes); never below zero."""
    return max(proceeds_cents - cost_cents, 0)


def disposal_recovery(proceeds_cents: int, cost_cents: int, balance_cents: int) -> int:
    """The recovery a disposal books (DOMAIN.md: recovery = cash + *net* disposal proceeds): the net
    proceeds, capped at the loan's outstanding balance (what is left over is the borrower's, not a
    recovery of the loan)."""
    return min(net_proceeds(proceeds_cents, cost_cents), max(balance_cents, 0))
