"""Import of every kind of record besides the loan tape: read, check every row, then write all or nothing.

The same rules as the tape (data.importer.tape): EN/ES headers and their aliases, CSV or Excel read with
bounded memory, every row checked before anything is written, a report of row/field/value/reason, one
transaction holding the import lock, one audit row per import, and only rows inside the importer's scope.
A row whose ``id`` (or code, for reference data) was imported before updates that record: importing the same
file twice changes nothing the second time.
"""
from __future__ import annotations

import datetime as dt
import time

from sqlalchemy.orm import Session

from data.audit import record
from data.errors import require_role
from data.importer import batches
from data.importer.locks import hold_import_lock
from data.importer.record_kinds import KINDS, context
from data.importer.rows import parse_columns, read_sheet, report
from data.importer.tape import DECIMAL_MARKS, ImportResult, ProgressFn
from data.settings import get as get_settings
from data.templates.records import RECORD_TEMPLATES
from domain.scope import Actor


def import_records(session: Session, *, actor: Actor, kind: str, data: bytes, filename: str,
                   decimal: str | None = None, encoding: str | None = None, dry_run: bool = False,
                   progress: ProgressFn | None = None, today: dt.date | None = None) -> ImportResult:
    """Validate a file of ``kind`` records and, when it is clean and not a dry run, write it (never commits).

    Raises ImportFileError for a file that cannot be read at all, ImportBusyError when another import holds
    the lock too long, PermissionError for a role without 'import_data', ValueError for an unknown kind.
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}")
    if decimal not in DECIMAL_MARKS:
        raise ValueError("decimal must be None, '.' or ','")
    require_role(actor, "import_data")
    started = time.perf_counter()
    if not dry_run:
        hold_import_lock(session)
    sheet = read_sheet(data, filename=filename, template=RECORD_TEMPLATES[kind],
                       limit_mb=get_settings(session).max_upload_mb, encoding=encoding)
    positions, body, problems = sheet.positions, sheet.body, sheet.problems
    result = ImportResult(month=None, rows=len(body), errors=report(problems, [], positions),
                          ignored_columns=sheet.ignored, encoding=sheet.encoding)
    if sheet.header_wrong:
        result.error_count = problems.total
        return result
    if progress:
        progress(0.1, "import.stage.validate")
    rows = parse_columns(body, positions, decimal, problems, RECORD_TEMPLATES[kind])
    numbers = [row_no for row_no, _ in body]
    ctx = context(session, actor, today or dt.date.today(), problems, rows)
    KINDS[kind].check(ctx, rows, numbers)
    result.errors, result.error_count = report(problems, body, positions), problems.total
    if result.ok and not dry_run:
        if progress:
            progress(0.5, "import.stage.write")
        cooperatives = {v["cooperative_id"] for v in rows if v.get("cooperative_id") is not None}
        if kind == "cooperatives":
            cooperatives = set()
        batch_id = batches.start(session, actor=actor, kind=kind, month=None, filename=filename, rows=len(rows),
                                 cooperative_ids=cooperatives)
        counts = KINDS[kind].write(ctx, rows)
        record(session, actor=actor, action=f"import.{kind}", entity=kind, entity_id=batch_id,
               after={"file": filename[:200], "batch": batch_id, "rows": len(rows), "encoding": sheet.encoding,
                      **counts})
        result.written, result.counts, result.batch_id = True, {"rows": len(rows), **counts}, batch_id
    if progress:
        progress(1.0, "import.stage.done")
    result.seconds = time.perf_counter() - started
    return result
