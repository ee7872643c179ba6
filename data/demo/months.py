"""Month arithmetic of the demo: its end month, the cutoff's place, dates a number of months on.
"""
from __future__ import annotations

import calendar
import datetime as dt

from data.demo.parameters import CUTOFF_MONTHS_BEFORE_END
from domain.months import month_start, previous_month


def default_end_month(today: dt.date | None = None) -> dt.date:
    """The last complete calendar month before today: the newest month a real import would hold."""
    return previous_month(month_start(today or dt.date.today()))

def cutoff_months_before_end(months: int) -> int:
    """24 months before the end month, but always inside the history (half of it at most, for short ones)."""
    return min(CUTOFF_MONTHS_BEFORE_END, max(months // 2, months - 12))

def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))

def _days(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)
