"""Several monthly tapes at once (several files, or one file holding several months), in month order.

Why month order: a month's transitions, new NPLs and the loans it leaves out are judged against the month
before, so October must be in before November is checked. Each month is imported on its own, all or nothing,
in its own transaction; the run stops at the first month refused, so no later month is checked against a
month that is missing.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from sqlalchemy import Engine

from data.db import transaction
from data.importer.cells import MonthCells, _is_blank
from data.importer.files import ImportFileError, read_table
from data.importer.tape import ImportResult, import_tape
from data.templates.tape import TAPE
from domain.months import month_start
from domain.scope import Actor


@dataclass(frozen=True)
class MonthFile:
    """One month's tape: the month, the bytes to import and a label for messages ('tape.csv 2026-10')."""

    month: dt.date | None
    data: bytes
    filename: str
    label: str
    rows_of_month: bool = False  # the file holds other months too: only this month's rows are imported


def split_months(data: bytes, filename: str, *, month: dt.date | None = None,
                 encoding: str | None = None) -> list[MonthFile]:
    """The file as one tape per month it holds (a file of one month, or with a month chosen, stays whole).

    A file whose month cells cannot all be read is left whole: its import reports them row by row.
    """
    if month is not None:
        return [MonthFile(month_start(month), data, filename, filename)]
    table = read_table(data, filename=filename, encoding=encoding)
    column = next((i for i, cell in enumerate(table.header) if not _is_blank(cell) and TAPE.canonical(cell) == "month"),
                  None)
    if column is None:
        return [MonthFile(None, data, filename, filename)]
    groups: set[dt.date] = set()
    cells = MonthCells()
    for row in table.rows:
        if all(_is_blank(c) for c in row):
            continue
        found = cells.month(row, column)
        if found is None:  # left whole: its import reports the month cells row by row
            return [MonthFile(None, data, filename, filename)]
        groups.add(found)
    if len(groups) <= 1:
        only = next(iter(groups), None)
        return [MonthFile(only, data, filename, filename)]
    return [MonthFile(m, data, filename, f"{filename} {m:%Y-%m}", True) for m in sorted(groups)]


def plan(files: list[tuple[str, bytes]], *, month: dt.date | None = None,
         encoding: str | None = None) -> list[MonthFile]:
    """Every month of every file, oldest first (files of the same month in the order given)."""
    months: list[MonthFile] = []
    for filename, data in files:
        months.extend(split_months(data, filename, month=month, encoding=encoding))
    if len(months) > 1 and any(m.month is None for m in months):
        raise ImportFileError("error.import.month_required")
    return sorted(months, key=lambda m: m.month or dt.date.min)


def import_history(engine: Engine, *, actor: Actor, months: list[MonthFile], decimal: str | None = None,
                   encoding: str | None = None, dry_run: bool = False, allow_shrink: bool = False,
                   today: dt.date | None = None,
                   progress: Callable[[int, int, MonthFile], None] | None = None) -> Iterator[tuple[MonthFile,
                                                                                              ImportResult]]:
    """Import the months in order, each in its own transaction; stops after the first refused month.

    Yields (month file, result); an unreadable month raises ImportFileError naming nothing written for it.
    """
    for done, month_file in enumerate(months):
        if progress:
            progress(done, len(months), month_file)
        with transaction(engine) as session:
            result = import_tape(session, actor=actor, data=month_file.data, filename=month_file.filename,
                                 month=month_file.month, decimal=decimal, encoding=encoding, dry_run=dry_run,
                                 allow_shrink=allow_shrink, today=today, rows_of_month=month_file.rows_of_month)
        yield month_file, result
        if not result.ok or result.needs_confirmation:
            return
