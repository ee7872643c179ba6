"""How old a foreclosed asset is against its legal disposal limit, and what its disposal realised.

Pure rules (no Streamlit, no SQL). The limit itself (years per asset type, the deadline day) lives in
domain/assets.py; this module turns it into the figures the assets page shows:

* age in days, and days to (positive) or past (negative) the disposal deadline;
* overdue: still held on a day *after* its deadline (the deadline day itself is still on time);
* the ageing bucket of a held asset;
* the acquisition-date thresholds that let SQL apply exactly the same overdue and bucket rules
  without date arithmetic (which SQLite and PostgreSQL spell differently);
* realised share and gain/loss of a disposal against book value.

Whether an asset is on or off the balance sheet does not change its limit: both count the same.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Final

import pandas as pd

from domain.assets import ASSET_TYPES, DISPOSED, IN_DISPOSAL, PENDING, disposal_deadline, limit_years
from domain.settings import Settings

#: statuses of an asset the cooperative still holds ("pending disposal" in the directive's sense)
HELD_STATUSES: Final[tuple[str, ...]] = (PENDING, IN_DISPOSAL)

#: a held asset this close to its deadline is "due soon"
DUE_SOON_DAYS: Final = 180
#: overdue by more than this is "long overdue"
LONG_OVERDUE_DAYS: Final = 365

ON_TIME: Final = "on_time"            # more than DUE_SOON_DAYS left
DUE_SOON: Final = "due_soon"          # 0..DUE_SOON_DAYS days left (the deadline day included)
OVERDUE: Final = "overdue"            # 1..LONG_OVERDUE_DAYS days past the deadline
LONG_OVERDUE: Final = "long_overdue"  # more than LONG_OVERDUE_DAYS days past
#: ageing buckets, from the least to the most urgent
BUCKETS: Final[tuple[str, ...]] = (ON_TIME, DUE_SOON, OVERDUE, LONG_OVERDUE)


@dataclass(frozen=True)
class DisposalLimits:
    """The legal limits in force, in years (settings real_estate_disposal_years / movable_disposal_years)."""

    real_estate_years: int = 2
    movable_years: int = 1

    @classmethod
    def from_settings(cls, settings: Settings) -> "DisposalLimits":
        return cls(settings.real_estate_disposal_years, settings.movable_disposal_years)

    def years(self, asset_type: str) -> int:
        return limit_years(asset_type, real_estate_years=self.real_estate_years, movable_years=self.movable_years)

    def deadline(self, asset_type: str, acquired_on: dt.date) -> dt.date:
        return disposal_deadline(acquired_on, self.years(asset_type))

    def types_by_years(self) -> dict[int, tuple[str, ...]]:
        """Asset types grouped by their limit (one group when both limits are equal)."""
        groups: dict[int, list[str]] = {}
        for asset_type in ASSET_TYPES:
            groups.setdefault(self.years(asset_type), []).append(asset_type)
        return {years: tuple(types) for years, types in groups.items()}


def age_days(acquired_on: dt.date, on: dt.date) -> int:
    """Days held from acquisition to ``on`` (0 on the acquisition day)."""
    return (on - acquired_on).days


def days_to_limit(asset_type: str, acquired_on: dt.date, on: dt.date, limits: DisposalLimits) -> int:
    """Days left until the deadline (0 on the deadline day), negative once it has passed."""
    return (limits.deadline(asset_type, acquired_on) - on).days


def is_overdue(asset_type: str, acquired_on: dt.date, status: str, on: dt.date, limits: DisposalLimits) -> bool:
    """Still held on a day after its deadline; a disposed asset is never overdue."""
    return status != DISPOSED and days_to_limit(asset_type, acquired_on, on, limits) < 0


def bucket_of(days_left: int) -> str:
    """The ageing bucket for a number of days to (positive) or past (negative) the deadline."""
    if days_left > DUE_SOON_DAYS:
        return ON_TIME
    if days_left >= 0:
        return DUE_SOON
    if days_left >= -LONG_OVERDUE_DAYS:
        return OVERDUE
    return LONG_OVERDUE


def first_acquisition_with_deadline_on_or_after(day: dt.date, years: int) -> dt.date:
    """The earliest acquisition date whose deadline (with ``years``) is on or after ``day``.

    Deadlines grow with the acquisition date, so "deadline before ``day``" is exactly "acquired before
    this date": SQL can then apply the overdue and bucket rules as plain date comparisons. The search
    starts at ``day`` moved back ``years`` years and steps over the 29 February cases.
    """
    candidate = disposal_deadline(day, -years)
    while disposal_deadline(candidate - dt.timedelta(days=1), years) >= day:
        candidate -= dt.timedelta(days=1)
    while disposal_deadline(candidate, years) < day:
        candidate += dt.timedelta(days=1)
    return candidate


def overdue_threshold(today: dt.date, years: int) -> dt.date:
    """Held assets with this limit acquired *before* the returned date are overdue on ``today``."""
    return first_acquisition_with_deadline_on_or_after(today, years)


def bucket_thresholds(today: dt.date, years: int) -> dict[str, dt.date]:
    """For each bucket but ON_TIME: held assets acquired before the date fall in that bucket or a worse one.

    LONG_OVERDUE: deadline < today - LONG_OVERDUE_DAYS; OVERDUE: deadline < today;
    DUE_SOON: deadline <= today + DUE_SOON_DAYS, i.e. deadline < today + DUE_SOON_DAYS + 1.
    """
    return {
        LONG_OVERDUE: first_acquisition_with_deadline_on_or_after(today - dt.timedelta(days=LONG_OVERDUE_DAYS), years),
        OVERDUE: first_acquisition_with_deadline_on_or_after(today, years),
        DUE_SOON: first_acquisition_with_deadline_on_or_after(today + dt.timedelta(days=DUE_SOON_DAYS + 1), years),
    }


def realised_share(proceeds_cents: int, book_value_cents: int) -> float | None:
    """Proceeds as a share of book value; None when the book value is zero (shown as a dash)."""
    return None if not book_value_cents else proceeds_cents / book_value_cents


def gain_loss(proceeds_cents: int, book_value_cents: int) -> int:
    """Proceeds minus book value: positive is a gain on disposal, negative a loss."""
    return proceeds_cents - book_value_cents


def annotate(register: pd.DataFrame, today: dt.date, limits: DisposalLimits) -> pd.DataFrame:
    """Add age_days, days_to_limit and overdue to register rows (asset_type, acquired_on, status, disposed_on).

    A held asset is measured on ``today``; a disposed one on its disposal day, so its days to the
    limit say whether it was disposed of in time (positive or zero) or late (negative).
    """
    out = register.copy()
    if out.empty:
        return out.assign(age_days=pd.Series(dtype="int64"), days_to_limit=pd.Series(dtype="int64"),
                          overdue=pd.Series(dtype="bool"))
    ages, lefts, overdue = [], [], []
    for row in out.itertuples(index=False):
        on = row.disposed_on if row.status == DISPOSED and pd.notna(row.disposed_on) else today
        ages.append(age_days(row.acquired_on, on))
        lefts.append(days_to_limit(row.asset_type, row.acquired_on, on, limits))
        overdue.append(is_overdue(row.asset_type, row.acquired_on, row.status, today, limits))
    return out.assign(age_days=pd.Series(ages, index=out.index, dtype="int64"),
                      days_to_limit=pd.Series(lefts, index=out.index, dtype="int64"),
                      overdue=pd.Series(overdue, index=out.index, dtype="bool"))
