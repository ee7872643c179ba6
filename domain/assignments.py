"""Responsibility for an NPL: outcomes of an assignment and its deadline status on a given day."""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Final

import pandas as pd

from domain.segments import NEW

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


# --- proposing an officer for an NPL with no named person --------------------------------------------------------
#: why an officer is proposed: the officer who granted a new-stock loan, or the one chosen for the cooperative
BY_ORIGINATOR: Final = "originator"
BY_COOPERATIVE: Final = "cooperative"


def proposed_officer(*, segment: str, cooperative_id: int, originator_id: int, originator_active: bool,
                     originator_cooperative_id: int, chosen: Mapping[int, int | None]) -> tuple[int | None, str | None]:
    """Who should answer for an NPL with no open assignment, and why (DOMAIN.md, "old and new segments").

    A new NPL is the responsibility of the officer who granted the loan, while that officer is active and still
    works for the loan's cooperative; otherwise (and for the old stock) the officer ``chosen`` for the loan's
    cooperative answers, or nobody yet when none is chosen.
    """
    if segment == NEW and originator_active and originator_cooperative_id == cooperative_id:
        return originator_id, BY_ORIGINATOR
    officer_id = chosen.get(cooperative_id)
    return (officer_id, BY_COOPERATIVE) if officer_id is not None else (None, None)


def default_deadline(assigned_on: dt.date, days: int) -> dt.date:
    """The deadline proposed for an assignment made on ``assigned_on`` (setting default_assignment_days)."""
    return assigned_on + dt.timedelta(days=days)


def propose(npls: pd.DataFrame, *, chosen: Mapping[int, int | None], assigned_on: dt.date,
            days: int) -> pd.DataFrame:
    """The bulk-assignment preview: ``npls`` (data.officers.list_assignable_npls) with a proposed
    ``officer_id`` (None when nobody is proposed), its ``basis``, a ``target_cents`` of the whole balance and
    the default ``deadline``."""
    proposals = [proposed_officer(segment=r.segment, cooperative_id=int(r.cooperative_id),
                                  originator_id=int(r.originator_id), originator_active=bool(r.originator_active),
                                  originator_cooperative_id=int(r.originator_cooperative_id), chosen=chosen)
                 for r in npls.itertuples()]
    return npls.assign(officer_id=pd.Series([p[0] for p in proposals], index=npls.index, dtype="object"),
                       basis=pd.Series([p[1] for p in proposals], index=npls.index, dtype="object"),
                       target_cents=npls.balance_cents.astype("int64"),
                       deadline=[default_deadline(assigned_on, days)] * len(npls))


def cooperatives_needing_a_choice(npls: pd.DataFrame) -> list[int]:
    """Cooperatives with at least one NPL that only an officer chosen for the cooperative can take."""
    needing = [int(r.cooperative_id) for r in npls.itertuples()
               if proposed_officer(segment=r.segment, cooperative_id=int(r.cooperative_id),
                                   originator_id=int(r.originator_id), originator_active=bool(r.originator_active),
                                   originator_cooperative_id=int(r.originator_cooperative_id), chosen={})[0] is None]
    return sorted(set(needing))
