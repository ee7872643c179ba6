"""Import of the monthly loan tape (CSV or Excel): parse, validate every row, then write in one go.

Why it is shaped like this: the core banking system hands over one file a month, and a half-imported
month would make every figure of the dashboard wrong without anyone noticing. So the whole file is
parsed and checked first; the result is a report (row, field, value as written, reason-key) and a file
with ANY error writes nothing. A clean file is written inside the caller's transaction, holding the
database's import lock: borrowers and loans are created or updated by contract number; the month's
loan_month rows of the cooperatives in the file (never others: a scoped admin's tape must not touch the
rest of the union) are REPLACED, after being kept so the import can be withdrawn (data.importer.batches);
the pre-aggregates are rebuilt and exactly one audit row is added.

Two guards against a tape that is valid row by row but wrong as a whole: a month after the current one is
refused, and a tape that would leave out more than a set share of the loans open in the month it replaces
(or, for a new month, the month before) is not written until the user confirms it (``allow_shrink``).

Formats (docs/import.md): headers in English or Spanish, any case (data.templates.tape); dates ISO
``YYYY-MM-DD`` or day-first ``DD/MM/YYYY``; amounts with ``,`` or ``.`` as thousands separator and the
other as decimal mark, at most two decimals (data.importer.cells).
"""
from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from data.audit import record
from data.errors import require_role
from data.templates.tape import TAPE
from data.importer import batches, tape_write
from data.importer.tape_write import Known, lookup_known
from data.importer.cells import MonthCells
from data.importer.files import ImportFileError
from data.importer.locks import ImportBusyError, hold_import_lock
from data.importer.problems import Problems, shown
from data.importer.rows import AS_WRITTEN, parse_columns, read_sheet, report
from data.models import Cooperative, LoanMonth, Officer, Village
from data.settings import get as get_settings
from domain.classes import NPL_CLASSES
from domain.months import month_end, month_start
from domain.scope import Actor

#: (fraction done 0..1, stage key such as "import.stage.validate") -> None; the UI draws a progress bar
ProgressFn = Callable[[float, str], None]
DECIMAL_MARKS = (None, ".", ",")
BATCH = 5_000
#: borrower name changes listed in the report; more are counted
MAX_NAME_CHANGES = 1_000


@dataclass(frozen=True)
class Shrink:
    """Loans open in the reference month that the file leaves out: they would count as closed.

    The reference month is the imported month when it already holds rows of the file's cooperatives (a
    re-import), otherwise the latest month before it that does.
    """

    reference_month: dt.date
    loans_before: int
    loans_missing: int
    balance_missing_cents: int
    npl_missing_cents: int
    limit_pct: float

    @property
    def share_pct(self) -> float:
        return 100.0 * self.loans_missing / self.loans_before if self.loans_before else 0.0

    @property
    def exceeds(self) -> bool:
        return self.share_pct > self.limit_pct


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


# ----------------------------------------------------------------------------------------------
# Validation
# ----------------------------------------------------------------------------------------------
@dataclass
class _Checked:
    rows: list[dict]
    row_numbers: list[int]
    problems: Problems
    month: dt.date | None
    ignored: list[str]
    existing: dict[str, Known]  # contract_no -> the loan as recorded
    cooperatives: dict[str, int]
    encoding: str | None = None
    cooperative_ids: set[int] = field(default_factory=set)
    name_changes: list[tuple[int, str, str, str]] = field(default_factory=list)
    name_change_count: int = 0
    shrink: Shrink | None = None
    refinanced: dict[str, int] = field(default_factory=dict)  # contract -> loan id of loans refinanced, not in file


def _row_rules(values: dict, row_no: int, month: dt.date | None, problems: Problems) -> None:
    """Checks of one row against itself: signs, arrears consistent with amounts and dates."""
    def bad(name: str, reason: str) -> None:
        problems.append((row_no, name, AS_WRITTEN, f"error.import.{reason}"))

    for name in ("outstanding", "overdue", "days_past_due"):
        if name in values and values[name] < 0:
            bad(name, "negative")
    if "principal" in values and values["principal"] <= 0:
        bad("principal", "principal_not_positive")
    outstanding, overdue, dpd = values.get("outstanding"), values.get("overdue"), values.get("days_past_due")
    if None not in (outstanding, overdue, dpd) and min(outstanding, overdue, dpd) >= 0:
        if overdue > outstanding:
            bad("overdue", "overdue_above_balance")
        elif dpd > 0 and overdue == 0:
            bad("days_past_due", "dpd_without_overdue")
        elif dpd == 0 and overdue > 0:
            bad("days_past_due", "overdue_without_dpd")
    issued, maturity = values.get("issue_date"), values.get("maturity_date")
    if issued and maturity and maturity < issued:
        bad("maturity_date", "maturity_before_issue")
    if issued and month:
        if issued > month_end(month):
            bad("issue_date", "issued_after_month")
        elif dpd is not None and dpd > (month_end(month) - issued).days:
            bad("days_past_due", "dpd_before_issue")


def _rows_of(body: list[tuple[int, list]], positions: dict[int, str], month: dt.date) -> list[tuple[int, list]]:
    """The rows of one month of a file holding several; a month cell that cannot be read stays (and is reported)."""
    index = next((i for i, name in positions.items() if name == "month"), None)
    if index is None:
        return body
    cells = MonthCells()
    kept = []
    for row_no, raw in body:
        if cells.month(raw, index) in (None, month):
            kept.append((row_no, raw))
    return kept


def _optional_columns(values: dict, row_no: int, coop_id: int | None, actor: Actor, villages: dict,
                      existing: dict[str, Known], file_contracts: set[str], month: dt.date,
                      problems: Problems) -> None:
    """The columns a union's own system may add: village, refinanced contract, restructuring, write-off, provision."""
    def bad(name: str, reason: str) -> None:
        problems.append((row_no, name, AS_WRITTEN, f"error.import.{reason}"))

    code = values.get("village_code")
    if code:
        village = villages.get(code)
        if village is None or not actor.scope.allows(village[1]):
            bad("village_code", "unknown_village")
        elif coop_id is not None and village[1] != coop_id:
            bad("village_code", "village_other_cooperative")
        else:
            values["village_id"] = village[0]
    refinanced = values.get("refinances_contract")
    if refinanced:
        known = existing.get(refinanced)
        if refinanced == values.get("contract_no"):
            bad("refinances_contract", "refinances_itself")
        elif known is None and refinanced not in file_contracts:
            bad("refinances_contract", "unknown_refinanced_contract")
        elif known is not None and coop_id is not None and known.cooperative_id != coop_id:
            bad("refinances_contract", "unknown_refinanced_contract")  # nothing said of other cooperatives
    restructured = values.get("restructured_on")
    if restructured and (restructured > month_end(month) or
                         (values.get("issue_date") and restructured < values["issue_date"])):
        bad("restructured_on", "restructured_outside_loan")
    if values.get("written_off", 0) < 0:
        bad("written_off", "negative")
    if (values.get("provision") or 0) < 0:
        bad("provision", "negative")


def _shrink(session: Session, month: dt.date, cooperative_ids: set[int], file_loans: set[int],
            limit_pct: float) -> Shrink | None:
    """How many loans open in the reference month the file leaves out, and their balances."""
    coops = sorted(cooperative_ids)
    in_coops = LoanMonth.cooperative_id.in_(coops)
    reference = session.scalar(select(func.max(LoanMonth.month)).where(LoanMonth.month <= month, in_coops))
    if reference is None:
        return None
    open_rows = (select(LoanMonth.loan_id, LoanMonth.outstanding_cents, LoanMonth.loan_class)
                 .where(LoanMonth.month == reference, in_coops, LoanMonth.outstanding_cents > 0)
                 .execution_options(yield_per=50_000))
    before = missing = balance = npl = 0
    for loan_id, outstanding, loan_class in session.execute(open_rows):
        before += 1
        if loan_id not in file_loans:
            missing += 1
            balance += outstanding
            if loan_class in NPL_CLASSES:
                npl += outstanding
    return Shrink(reference, before, missing, balance, npl, limit_pct)


def _month_of_file(rows: list[dict], numbers: list[int], month: dt.date | None, problems: Problems) -> dt.date:
    """The month asked for, or the single month the file states; rows of another month are problems."""
    if month is None:
        month = next((v["month"] for v in rows if v.get("month")), None)
        reason = "error.import.month_not_single"
    else:
        reason = "error.import.month_mismatch"
    for row_no, values in zip(numbers, rows):
        if values.get("month") and values["month"] != month:
            problems.append((row_no, "month", values["month"].strftime("%Y-%m"), reason))
    if month is None:  # no month chosen and the month column is blank everywhere
        raise ImportFileError("error.import.month_required")
    return month


def check(session: Session, *, actor: Actor, data: bytes, filename: str, month: dt.date | None = None,
          decimal: str | None = None, encoding: str | None = None, progress: ProgressFn | None = None,
          today: dt.date | None = None, rows_of_month: bool = False) -> tuple[_Checked, pd.DataFrame]:
    """Parse and validate the whole file; raises ImportFileError for a file that cannot be read at all.

    ``rows_of_month``: the file holds several months and only ``month``'s rows are imported (the others are
    other months of the same history, data.importer.history). Returns what was checked and the problem report
    (values as written in the file, row numbers of the file).
    """
    if decimal not in DECIMAL_MARKS:
        raise ValueError("decimal must be None, '.' or ','")
    settings = get_settings(session)
    sheet = read_sheet(data, filename=filename, template=TAPE, limit_mb=settings.max_upload_mb, encoding=encoding)
    positions, ignored, body, problems = sheet.positions, sheet.ignored, sheet.body, sheet.problems
    month = month_start(month) if month else None
    if rows_of_month and month is not None:
        body = _rows_of(body, positions, month)
        if not body:
            raise ImportFileError("error.import.empty")
    if sheet.header_wrong:
        return _Checked([], [], problems, month, ignored, {}, {}, sheet.encoding), report(problems, [], positions)
    if month is None and "month" not in positions.values():
        raise ImportFileError("error.import.month_required")

    if progress:
        progress(0.05, "import.stage.validate")
    rows = parse_columns(body, positions, decimal, problems, TAPE)
    numbers = [row_no for row_no, _ in body]
    total = len(body)
    if progress:
        progress(0.3, "import.stage.validate")
    month = _month_of_file(rows, numbers, month, problems)
    current = month_start(today or dt.date.today())
    if month > current:
        raise ImportFileError("error.import.future_month", month=month.strftime("%Y-%m"),
                              current=current.strftime("%Y-%m"))

    cooperatives = dict(session.execute(select(Cooperative.code, Cooperative.id)).all())
    villages = {code: (vid, coop) for code, vid, coop in session.execute(
        select(Village.code, Village.id, Village.cooperative_id))}
    officers = {no: (oid, coop) for no, oid, coop in session.execute(
        select(Officer.employee_no, Officer.id, Officer.cooperative_id))}
    contracts = sorted({v["contract_no"] for v in rows if "contract_no" in v})
    existing = lookup_known(session, contracts)
    in_file = set(contracts)
    # loans the file's rows refinance that are on record but not in this file (an earlier month's loans)
    refinanced = lookup_known(session, sorted({v["refinances_contract"] for v in rows
                                               if v.get("refinances_contract")} - in_file))
    checked = _Checked(rows, numbers, problems, month, ignored, existing, cooperatives, sheet.encoding)
    checked.refinanced = {contract: known.loan_id for contract, known in refinanced.items()}
    first_row: dict[str, int] = {}
    for done, (row_no, values) in enumerate(zip(numbers, rows)):
        _row_rules(values, row_no, month, problems)
        contract = values.get("contract_no")
        if contract is not None:
            if contract in first_row:
                problems.append((row_no, "contract_no", shown(contract), "error.import.duplicate_contract"))
            else:
                first_row[contract] = row_no
        coop_code = values.get("cooperative_code")
        coop_id = cooperatives.get(coop_code) if coop_code is not None else None
        if coop_code is not None and (coop_id is None or not actor.scope.allows(coop_id)):
            # a scoped admin is told the same for a code that does not exist and one of another cooperative
            reason = "unknown_cooperative" if actor.scope.cooperative_ids is None else "cooperative_out_of_scope"
            problems.append((row_no, "cooperative_code", shown(coop_code), f"error.import.{reason}"))
            coop_id = None
        employee = values.get("officer_employee_no")
        if employee is not None:
            officer = officers.get(employee)
            if officer is None or not actor.scope.allows(officer[1]):  # nothing said of other cooperatives' staff
                problems.append((row_no, "officer_employee_no", shown(employee), "error.import.unknown_officer"))
            elif coop_id is not None and officer[1] != coop_id:
                problems.append((row_no, "officer_employee_no", shown(employee),
                                 "error.import.officer_other_cooperative"))
            else:
                values["officer_id"] = officer[0]
        _optional_columns(values, row_no, coop_id, actor, villages, {**refinanced, **existing}, in_file, month,
                          problems)
        known = existing.get(contract)
        if coop_id is not None:
            values["cooperative_id"] = coop_id
            checked.cooperative_ids.add(coop_id)
            if known is not None and known.cooperative_id != coop_id:
                problems.append((row_no, "cooperative_code", shown(coop_code), "error.import.cooperative_changed"))
        if known is not None and "borrower_name" in values and values["borrower_name"] != known.name:
            checked.name_change_count += 1
            if len(checked.name_changes) < MAX_NAME_CHANGES:
                checked.name_changes.append((row_no, contract, known.name, values["borrower_name"]))
        if progress and done % BATCH == 0:
            progress(0.3 + 0.1 * done / total, "import.stage.validate")
    if not problems:
        file_loans = {known.loan_id for known in existing.values()}
        checked.shrink = _shrink(session, month, checked.cooperative_ids, file_loans,
                                 settings.import_max_shrink_pct)
    return checked, report(problems, body, positions)


# ----------------------------------------------------------------------------------------------
# Writing (data.importer.tape_write)
# ----------------------------------------------------------------------------------------------
def _audit(session: Session, actor: Actor, checked: _Checked, filename: str, batch_id: int,
           counts: dict[str, int]) -> None:
    shrink = checked.shrink
    record(session, actor=actor, action="import.loan_tape", entity="loan_month", entity_id=checked.month.isoformat(),
           before={"month": checked.month.isoformat(), "loan_month_rows": counts["month_rows_replaced"],
                   "cooperatives": sorted(checked.cooperative_ids)},
           after={"file": filename[:200], "batch": batch_id, "encoding": checked.encoding,
                  "loans_left_out": shrink.loans_missing if shrink else 0,
                  "borrower_names_changed": checked.name_change_count, **counts})


def _name_changes(checked: _Checked) -> pd.DataFrame:
    return pd.DataFrame(checked.name_changes, columns=["row", "contract_no", "before", "after"])


def import_tape(session: Session, *, actor: Actor, data: bytes, filename: str, month: dt.date | None = None,
                decimal: str | None = None, encoding: str | None = None, dry_run: bool = False,
                allow_shrink: bool = False, progress: ProgressFn | None = None,
                today: dt.date | None = None, rows_of_month: bool = False) -> ImportResult:
    """Validate a loan tape and, when it is clean and not a dry run, write it (never commits).

    Returns the result with its problem report; raises ImportFileError for an unreadable file,
    ImportBusyError when another import holds the lock too long (or wrote the same contracts first) and
    PermissionError for a role without 'import_data'. With any problem nothing is written; a clean file
    that leaves out too many loans is written only with ``allow_shrink``.
    """
    require_role(actor, "import_data")
    started = time.perf_counter()
    if not dry_run:
        hold_import_lock(session)
    checked, report = check(session, actor=actor, data=data, filename=filename, month=month, decimal=decimal,
                            encoding=encoding, progress=progress, today=today, rows_of_month=rows_of_month)
    result = ImportResult(month=checked.month, rows=len(checked.rows), errors=report,
                          error_count=checked.problems.total, ignored_columns=checked.ignored,
                          encoding=checked.encoding, name_changes=_name_changes(checked),
                          name_change_count=checked.name_change_count, shrink=checked.shrink)
    result.needs_confirmation = bool(result.ok and checked.shrink and checked.shrink.exceeds and not allow_shrink)
    if result.ok and not dry_run and not result.needs_confirmation:
        try:
            batch_id = batches.start(session, actor=actor, kind="tape", month=checked.month, filename=filename,
                                     rows=len(checked.rows), cooperative_ids=checked.cooperative_ids)
            counts = tape_write.write(session, rows=checked.rows, existing=checked.existing,
                                      refinanced=checked.refinanced, month=checked.month,
                                      cooperative_ids=checked.cooperative_ids, batch_id=batch_id,
                                      step=lambda f: progress and progress(min(f, 0.9), "import.stage.write"))
            _audit(session, actor, checked, filename, batch_id, counts)
            session.flush()
        except IntegrityError:  # a writer outside the import lock (a form) created the same contract first
            raise ImportBusyError("error.import.conflict") from None
        result.written, result.counts, result.batch_id = True, counts, batch_id
    if progress:
        progress(1.0, "import.stage.done")
    result.seconds = time.perf_counter() - started
    return result


def system_actor() -> Actor:
    """The actor of scheduled command-line imports: an admin over the whole union, with no user row."""
    from domain.roles import ADMIN
    from domain.scope import Scope

    return Actor(user_id=None, username="system", role=ADMIN, scope=Scope.union())  # type: ignore[arg-type]
