"""The five-tier loan classification and the regulatory floor by days past due.

The floor follows the 2023 risk-classification rules for bank financial assets (DOMAIN.md):
any overdue -> at least Special Mention; > 90 days -> Substandard; > 270 -> Doubtful; > 360 -> Loss.
The day thresholds are settings, so they are parameters here.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Final

NORMAL: Final = "normal"
SPECIAL_MENTION: Final = "special_mention"
SUBSTANDARD: Final = "substandard"
DOUBTFUL: Final = "doubtful"
LOSS: Final = "loss"

#: ordered best to worst; the index is the severity
CLASSES: Final[tuple[str, ...]] = (NORMAL, SPECIAL_MENTION, SUBSTANDARD, DOUBTFUL, LOSS)
NPL_CLASSES: Final[tuple[str, ...]] = (SUBSTANDARD, DOUBTFUL, LOSS)
PERFORMING_CLASSES: Final[tuple[str, ...]] = (NORMAL, SPECIAL_MENTION)

#: pseudo-classes of the migration matrix: a loan not yet issued / already repaid or written off
NEW_LOAN: Final = "new"
CLOSED_LOAN: Final = "closed"


def severity(loan_class: str) -> int:
    """Position of a class from 0 (Normal) to 4 (Loss); raises on an unknown class."""
    try:
        return CLASSES.index(loan_class)
    except ValueError:
        raise ValueError(f"unknown loan class: {loan_class!r}") from None


def is_npl(loan_class: str) -> bool:
    """True for Substandard, Doubtful and Loss: the classes that make up the NPL balance."""
    return severity(loan_class) >= severity(SUBSTANDARD)


@dataclass(frozen=True)
class Thresholds:
    """Days past due above which a loan must be at least Substandard / Doubtful / Loss."""

    substandard: int = 90
    doubtful: int = 270
    loss: int = 360

    def __post_init__(self) -> None:
        if not 0 < self.substandard < self.doubtful < self.loss:
            raise ValueError("thresholds must satisfy 0 < substandard < doubtful < loss")


#: DOMAIN.md (2023 measures): when more than this share of an enterprise borrower's debt with the cooperative
#: is non-performing, all of that borrower's loans are
BORROWER_NPL_SHARE: Final = 0.10
#: a restructured loan is not upgraded during its observation period (at least one year after restructuring)
OBSERVATION_YEARS: Final = 1


def borrower_is_npl(npl_cents: int, total_cents: int) -> bool:
    """More than 10 % of the borrower's debt is non-performing (exactly 10 % is not)."""
    return total_cents > 0 and npl_cents * 10 > total_cents


def floor_class(days_past_due: int, thresholds: Thresholds = Thresholds(), *,
                restructured_npl: bool = False, borrower_npl: bool = False,
                observed_class: str | None = None) -> str:
    """The best class a loan may carry given its days past due and the rules of DOMAIN.md.

    A restructured loan that was already non-performing stays at least Substandard; a loan of an enterprise
    borrower with more than 10 % of its debt non-performing is at least Substandard (``borrower_npl``); a
    restructured loan in its observation period is not upgraded: at least the class it had when restructured
    (``observed_class``, None outside the period).
    """
    if days_past_due < 0:
        raise ValueError("days past due cannot be negative")
    if days_past_due > thresholds.loss:
        floor = LOSS
    elif days_past_due > thresholds.doubtful:
        floor = DOUBTFUL
    elif days_past_due > thresholds.substandard:
        floor = SUBSTANDARD
    elif days_past_due > 0:
        floor = SPECIAL_MENTION
    else:
        floor = NORMAL
    if (restructured_npl or borrower_npl) and severity(floor) < severity(SUBSTANDARD):
        floor = SUBSTANDARD
    if observed_class is not None and severity(floor) < severity(observed_class):
        floor = observed_class
    return floor


def is_under_classified(recorded_class: str, floor: str) -> bool:
    """Recorded better than its floor: in any class (a Substandard loan 300 days past due, floor Doubtful)."""
    return severity(recorded_class) < severity(floor)


def is_hidden_npl(recorded_class: str, days_past_due: int, thresholds: Thresholds = Thresholds(), *,
                  restructured_npl: bool = False) -> bool:
    """A loan recorded as performing whose floor is non-performing: an NPL the books do not show."""
    floor = floor_class(days_past_due, thresholds, restructured_npl=restructured_npl)
    return is_npl(floor) and not is_npl(recorded_class)
