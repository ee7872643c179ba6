"""Old stock vs new NPLs: split by the loan's issue date against management's cutoff date."""
from __future__ import annotations

import datetime as dt
from typing import Final

OLD: Final = "old"
NEW: Final = "new"
SEGMENTS: Final[tuple[str, ...]] = (OLD, NEW)


def segment_of(issue_date: dt.date, cutoff: dt.date) -> str:
    """Loans issued before the cutoff are the old stock; on or after it, new."""
    return OLD if issue_date < cutoff else NEW
