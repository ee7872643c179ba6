"""The problem report of an import: row, field, value as written in the file, reason key.

Why bounded: a 1 MB file of one-character lines once produced 5.5 million problems and 2 GB in a dry run.
The report keeps the problems of the first rows (the ones a person fixes first) up to a limit and counts the
rest, so memory stays small whatever the file and the page can say "and 12,345 more".
"""
from __future__ import annotations

import heapq
import itertools

import pandas as pd

REPORT_COLUMNS = ["row", "field", "value", "reason"]
#: problems kept for the report; more are counted, not stored
MAX_PROBLEMS = 10_000
#: characters of a cell shown in the report (a 50,000-character cell is not repeated back)
SHOWN_CHARS = 60


def shown(value: object) -> str:
    """A raw cell as the report shows it: as written in the file, cut to a readable length."""
    return "" if value is None else str(value)[:SHOWN_CHARS]


class Problems:
    """A bounded collection of (row, field, value, reason): keeps the lowest rows, counts every problem."""

    def __init__(self, limit: int = MAX_PROBLEMS) -> None:
        self.limit = limit
        self.total = 0
        self._heap: list[tuple[int, int, tuple[int, str, str, str]]] = []  # (-row, -order, problem): max-heap
        self._order = itertools.count()

    def append(self, problem: tuple[int, str, str, str]) -> None:
        self.total += 1
        item = (-problem[0], -next(self._order), problem)
        if len(self._heap) < self.limit:
            heapq.heappush(self._heap, item)
        elif item > self._heap[0]:  # an earlier row than the latest row kept
            heapq.heapreplace(self._heap, item)

    def extend(self, problems) -> None:
        for problem in problems:
            self.append(problem)

    def __bool__(self) -> bool:
        return self.total > 0

    def __len__(self) -> int:
        return self.total

    @property
    def kept(self) -> list[tuple[int, str, str, str]]:
        return [item[2] for item in self._heap]

    def frame(self) -> pd.DataFrame:
        """The kept problems sorted by row and field (an empty frame when the file is clean)."""
        frame = pd.DataFrame(self.kept, columns=REPORT_COLUMNS)
        return frame.astype({"row": "int64"}).sort_values(["row", "field"], kind="stable").reset_index(drop=True)
