"""Loan-loss provision rates per class, and the provisions an under-classified loan understates.

The default rates live here and only here (Normal 1 %, Special Mention 2 %, Substandard 25 %, Doubtful 50 %,
Loss 100 %: the customary rates of the five-tier classification). They are the fallback until provision
rates are a setting; a read that has settings passes their rates instead.
"""
from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

from domain.classes import CLASSES, DOUBTFUL, LOSS, NORMAL, SPECIAL_MENTION, SUBSTANDARD, severity

#: share of the balance provisioned per class, as a fraction (0.25 = 25 %)
DEFAULT_PROVISION_RATES: Final[Mapping[str, float]] = MappingProxyType({
    NORMAL: 0.01, SPECIAL_MENTION: 0.02, SUBSTANDARD: 0.25, DOUBTFUL: 0.50, LOSS: 1.00})


def basis_points(rate: float) -> int:
    """A rate as whole basis points (0.25 -> 2500), so the SQL and this module price in the same integers."""
    return round(rate * 10_000)


def provision(balance_cents: int, loan_class: str, rates: Mapping[str, float] = DEFAULT_PROVISION_RATES) -> int:
    """The provision a class requires on a balance, in whole cents (rounded half up at the cent)."""
    return (balance_cents * basis_points(rates[loan_class]) + 5_000) // 10_000


def understated_provision(balance_cents: int, recorded_class: str, floor_class: str,
                          rates: Mapping[str, float] = DEFAULT_PROVISION_RATES) -> int:
    """What a loan recorded better than its floor under-provisions: the floor's provision less the recorded
    class's; 0 for a loan recorded at or worse than its floor."""
    if severity(recorded_class) >= severity(floor_class):
        return 0
    return provision(balance_cents, floor_class, rates) - provision(balance_cents, recorded_class, rates)


def basis_points_by_class(rates: Mapping[str, float] = DEFAULT_PROVISION_RATES) -> dict[str, int]:
    """The rates in basis points per class, for the SQL that prices a class."""
    return {c: basis_points(rates[c]) for c in CLASSES}
