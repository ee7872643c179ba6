"""Responsibility for an NPL: outcomes of an assignment and its deadline status on a given day."""
from __future__ import annotations

import datetime as dt
from typing import Final

OPEN: Final = "open"
RECOVERED: Final = "recovered"
PARTIAL: Final = "partial"
MISSED: Final = "missed"
REASSIGNED: Final = "reassigned"
OUTCOMES: Final[tuple[str, ...]] = (OPEN, RECOVERED, PARTIAL, MISSED, REASSIGNED)

# deadline status of an assignment as seen on a given day
ON_TRACK: Final = "on_track"
DUE_SOON: Final = "due_soon"
OVERDUE: Final = "overdue"
MET: Final = "met"
MET_LATE: Final = "met_late"
DEADLINE_STATUSES: Final[tuple[str, ...]] = (ON_TRACK, DUE_SOON, OVERDUE, MET, MET_LATE, MISSED, PARTIAL, REASSIGNED)
DUE_SOON_DAYS: Final = 30


def deadline_status(*, outcome: str, deadline: dt.date, closed_on: dt.date | None, today: dt.date,
                    due_soon_days: int = DUE_SOON_DAYS) -> str:
    """Where an assignment stands against its deadline.

    An open assignment is overdue the day *after* its deadline (the deadline day itself still counts);
    a recovered one is met or met late depending on its closing date.
    """
    if outcome == OPEN:
        if today > deadline:
            return OVERDUE
        return DUE_SOON if (deadline - today).days <= due_soon_days else ON_TRACK
    if outcome == RECOVERED:
        return MET if closed_on is not None and closed_on <= deadline else MET_LATE
    if outcome in (MISSED, PARTIAL, REASSIGNED):
        return outcome
    raise ValueError(f"unknown assignment outcome: {outcome!r}")
