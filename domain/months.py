"""Calendar months as the first day of the month: the key of every monthly figure."""
from __future__ import annotations

import datetime as dt


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def previous_month(month: dt.date, steps: int = 1) -> dt.date:
    """The month ``steps`` months before ``month`` (negative steps go forward)."""
    index = month.year * 12 + month.month - 1 - steps
    return dt.date(index // 12, index % 12 + 1, 1)


def month_range(first: dt.date, last: dt.date) -> list[dt.date]:
    """Every month from first to last inclusive."""
    months, current = [], month_start(first)
    while current <= last:
        months.append(current)
        current = previous_month(current, -1)
    return months


def month_end(month: dt.date) -> dt.date:
    return previous_month(month, -1) - dt.timedelta(days=1)
