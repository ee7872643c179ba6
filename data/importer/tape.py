"""Import of the monthly loan tape (CSV or Excel): read, check and write a chunk of rows at a time, all or nothing.

Why it is shaped like this: the core banking system hands over one file a month, and a half-imported
month would make every figure of the dashboard wrong without anyone noticing. So a file with ANY problem
writes nothing: the report (row, field, value as written, reason-key) covers the whole file. A union's tape has
a million rows, too many to hold at once (2.3 GB when the whole file was checked before writing), so the file
is read in chunks of ``CHUNK_ROWS``: each is parsed and checked (data.importer.tape_check) and, while the file
is clean so far, written (data.importer.tape_write) inside a savepoint of the caller's transaction, holding
the database's import lock. A problem anywhere, a tape leaving out too many loans without confirmation, or a
dry run rolls the savepoint back: nothing the import wrote remains. A clean file's loans and borrowers are
created or updated by contract number; the month's loan_month rows of the cooperatives in the file (never
others: a scoped admin's tape must not touch the rest of the union) are REPLACED, after being kept so the
import can be withdrawn (data.importer.batches); the pre-aggregates are rebuilt and exactly one audit row is
added.

Two guards against a tape that is valid row by row but wrong as a whole: a month after the current one is
refused, and a tape that would leave out more than a set share of the loans open in the month it replaces
(or, for a new month, the month before) is not written until the user confirms it (``allow_shrink``).

Formats (docs/import.md): headers in English or Spanish, any case (data.templates.tape); dates ISO
``YYYY-MM-DD`` or day-first ``DD/MM/YYYY``; amounts with ``,`` or ``.`` as thousands separator and the
other as decimal mark, at most two decimals (data.importer.cells).
"""
from __future__ import annotations

import datetime as dt
import itertools
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from data.audit import record
from data.errors import require_role
from data.importer import batches
from data.importer.cells import MonthCells
from data.importer.files import ImportFileError
from data.importer.locks import ImportBusyError, hold_import_lock
from data.importer.problems import Problems
from data.importer.rows import ColumnParsers, open_sheet
from data.importer.tape_check import MAX_NAME_CHANGES, Shrink, TapeCheck, shrink_of
from data.importer.tape_write import TapeWriter
from data.models import ImportBatch
from data.settings import get as get_settings
from data.templates.tape import TAPE
from domain.months import month_start
from domain.scope import Actor

__all__ = ["CHUNK_ROWS", "DECIMAL_MARKS", "ImportResult", "MAX_NAME_CHANGES", "ProgressFn", "Shrink", "import_tape",
           "system_actor"]

#: (fraction done 0..1, stage key such as "import.stage.validate") -> None; the UI draws a progress bar
ProgressFn = Callable[[float, str], None]
DECIMAL_MARKS = (None, ".", ",")
#: rows read, checked and written at a time: memory is bounded by a chunk, not by the file
CHUNK_ROWS = 20_000


@dataclass
class ImportResult:
    """What an import did: the problem report (empty when the file is clean) and the counts written.

    ``needs_confirmation``: the file is clean but would leave out more loans than the setting allows
    (``shrink``); nothing was written and the import must be run again with ``allow_shrink``.
    """

    month: dt.date | None
    rows: int
    errors: pd.DataFrame
    error_count: int = 0
    written: bool = False
    counts: dict[str, int] = field(default_factory=dict)
    ignored_columns: list[str] = field(default_factory=list)
    seconds: float = 0.0
    encoding: str | None = None
    name_changes: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(
        columns=["row", "contract_no", "before", "after"]))
    name_change_count: int = 0
    shrink: Shrink | None = None
    needs_confirmation: bool = False
    batch_id: int | None = None

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    @property
    def more_errors(self) -> int:
        """Problems counted but not listed in ``errors`` (the report keeps the first rows' problems)."""
        return self.error_count - len(self.errors)


def _rows_of(rows: Iterator[tuple[int, list]], positions: dict[int, str],
             month: dt.date) -> Iterator[tuple[int, list]]:
    """The rows of one month of a file holding several; a month cell that cannot be read stays (and is reported)."""
    index = next((i for i, name in positions.items() if name == "month"), None)
    if index is None:
        yield from rows
        return
    cells = MonthCells()
    for row_no, raw in rows:
        if cells.month(raw, index) in (None, month):
            yield row_no, raw


def _chunks(rows: Iterator[tuple[int, list]]) -> Iterator[list[tuple[int, list]]]:
    while chunk := list(itertools.islice(rows, CHUNK_ROWS)):
        yield chunk


def _month_problems(body: list[tuple[int, list]], rows: list[dict], month: dt.date, reason: str,
                    problems: Problems) -> None:
    """Rows of another month than the one imported."""
    for (row_no, _), values in zip(body, rows):
        if values.get("month") and values["month"] != month:
            problems.append((row_no, "month", values["month"].strftime("%Y-%m"), reason))


def _chunks_with_month(chunks: Iterator[list[tuple[int, list]]], parsers: ColumnParsers, problems: Problems,
                       month: dt.date | None, text_cells: bool) -> Iterator[tuple[dt.date, list[tuple[int, list]], list[dict]]]:
    """(month, raw rows, parsed rows) per chunk. Without a month chosen, the first month a row states is the
    file's (rows before it are held until it is known); ImportFileError month_required when none does."""
    reason = "error.import.month_mismatch" if month is not None else "error.import.month_not_single"
    held: list[tuple[list[tuple[int, list]], list[dict]]] = []
    for body in chunks:
        rows = parsers.parse_text(body, problems) if text_cells else parsers.parse(body, problems)
        if month is None:
            month = next((v["month"] for v in rows if v.get("month")), None)
            if month is None:
                held.append((body, rows))
                continue
        for held_body, held_rows in held:
            _month_problems(held_body, held_rows, month, reason, problems)
            yield month, held_body, held_rows
        held = []
        _month_problems(body, rows, month, reason, problems)
        yield month, body, rows
    if held:  # no month chosen and the month column is blank everywhere
        raise ImportFileError("error.import.month_required")


def _audit(session: Session, actor: Actor, check: TapeCheck, filename: str, encoding: str | None, batch_id: int,
           counts: dict[str, int], shrink: Shrink | None) -> None:
    record(session, actor=actor, action="import.loan_tape", entity="loan_month", entity_id=check.month.isoformat(),
           before={"month": check.month.isoformat(), "loan_month_rows": counts["month_rows_replaced"],
                   "cooperatives": sorted(check.cooperative_ids)},
           after={"file": filename[:200], "batch": batch_id, "encoding": encoding,
                  "loans_left_out": shrink.loans_missing if shrink else 0,
                  "borrower_names_changed": check.name_change_count, **counts})


def import_tape(session: Session, *, actor: Actor, data: bytes, filename: str, month: dt.date | None = None,
                decimal: str | None = None, encoding: str | None = None, dry_run: bool = False,
                allow_shrink: bool = False, progress: ProgressFn | None = None,
                today: dt.date | None = None, rows_of_month: bool = False) -> ImportResult:
    """Check a loan tape and, when it is clean and not a dry run, write it (never commits).

    ``rows_of_month``: the file holds several months and only ``month``'s rows are imported (the others are
    other months of the same history, data.importer.history). Returns the result with its problem report;
    raises ImportFileError for an unreadable file, ImportBusyError when another import holds the lock too long
    (or wrote the same contracts first) and PermissionError for a role without 'import_data'. With any problem
    nothing is written; a clean file that leaves out too many loans is written only with ``allow_shrink``.
    """
    require_role(actor, "import_data")
    if decimal not in DECIMAL_MARKS:
        raise ValueError("decimal must be None, '.' or ','")
    started = time.perf_counter()
    if not dry_run:
        hold_import_lock(session)
    settings = get_settings(session)
    sheet = open_sheet(data, filename=filename, template=TAPE, limit_mb=settings.max_upload_mb, encoding=encoding)
    month = month_start(month) if month else None
    positions, problems = sheet.positions, sheet.problems
    rows_in = _rows_of(sheet.rows, positions, month) if rows_of_month and month is not None else sheet.rows
    first = next(rows_in, None)
    if first is None:
        raise ImportFileError("error.import.empty")
    rows_in = itertools.chain([first], rows_in)
    if sheet.header_wrong:
        for _ in rows_in:  # read to the end: cells right of the header are problems too
            pass
        return ImportResult(month=month, rows=0, errors=problems.frame(), error_count=problems.total,
                            ignored_columns=sheet.ignored, encoding=sheet.encoding)
    if month is None and "month" not in positions.values():
        raise ImportFileError("error.import.month_required")

    expected = max(data.count(b"\n"), 1) if filename.lower().endswith((".csv", ".txt")) else None
    current = month_start(today or dt.date.today())
    index_of = {name: index for index, name in positions.items()}
    parsers = ColumnParsers(positions, decimal, TAPE)
    check: TapeCheck | None = None
    writer: TapeWriter | None = None
    savepoint = None
    total = 0
    try:
        for month, body, rows in _chunks_with_month(_chunks(rows_in), parsers, problems, month,
                                                     sheet.text_cells):
            if month > current:
                raise ImportFileError("error.import.future_month", month=month.strftime("%Y-%m"),
                                      current=current.strftime("%Y-%m"))
            if check is None:
                check = TapeCheck(session, actor, month, problems, settings.import_max_shrink_pct)
            chunk = check.check(body, rows, index_of)
            total += len(rows)
            if not problems and not dry_run:
                if writer is None:
                    savepoint = session.begin_nested()
                    batch_id = batches.start(session, actor=actor, kind="tape", month=month, filename=filename,
                                             rows=0, cooperative_ids=())
                    writer = TapeWriter(session, month=month, batch_id=batch_id)
                writer.write(chunk.rows, chunk.existing, chunk.refinanced)
            if progress:
                fraction = total / expected if expected else 1 - 1 / (1 + total / 100_000)
                progress(min(0.85 * fraction, 0.85), "import.stage.write" if writer else "import.stage.validate")
        if check is None:
            raise ImportFileError("error.import.empty")
        check.finish()
        result = ImportResult(month=check.month, rows=total, errors=problems.frame(), error_count=problems.total,
                              ignored_columns=sheet.ignored, encoding=sheet.encoding,
                              name_changes=pd.DataFrame(check.name_changes,
                                                        columns=["row", "contract_no", "before", "after"]),
                              name_change_count=check.name_change_count)
        if result.ok:
            if writer is None:
                result.shrink = shrink_of(session, check.month, check.cooperative_ids, check.file_loans,
                                          settings.import_max_shrink_pct)
            else:
                result.shrink = shrink_of(session, check.month, check.cooperative_ids, check.file_loans,
                                          settings.import_max_shrink_pct, reference=writer.reference_month,
                                          snapshot_batch=writer.batch_id)
        result.needs_confirmation = bool(result.ok and result.shrink and result.shrink.exceeds and not allow_shrink)
        if writer is not None and result.ok and not result.needs_confirmation:
            if progress:
                progress(0.9, "import.stage.write")
            counts = writer.finish()
            session.execute(update(ImportBatch).where(ImportBatch.id == writer.batch_id).values(rows=total))
            batches.add_cooperatives(session, writer.batch_id, check.cooperative_ids)
            _audit(session, actor, check, filename, sheet.encoding, writer.batch_id, counts, result.shrink)
            session.flush()
            savepoint.commit()
            result.written, result.counts, result.batch_id = True, counts, writer.batch_id
        elif savepoint is not None:
            savepoint.rollback()  # a problem after some chunks were written, or loans left out unconfirmed
    except IntegrityError:  # a writer outside the import lock (a form) created the same contract first
        if savepoint is not None and savepoint.is_active:
            savepoint.rollback()
        raise ImportBusyError("error.import.conflict") from None
    except BaseException:
        if savepoint is not None and savepoint.is_active:
            savepoint.rollback()
        raise
    if progress:
        progress(1.0, "import.stage.done")
    result.seconds = time.perf_counter() - started
    return result


def system_actor() -> Actor:
    """The actor of scheduled command-line imports: an admin over the whole union, with no user row."""
    from domain.roles import ADMIN
    from domain.scope import Scope

    return Actor(user_id=None, username="system", role=ADMIN, scope=Scope.union())  # type: ignore[arg-type]
