"""Import of the monthly loan tape (CSV or Excel): parse, validate every row, then write in one go.

Why it is shaped like this: the core banking system hands over one file a month, and a half-imported
month would make every figure of the dashboard wrong without anyone noticing. So the whole file is
parsed and checked first; the result is a report (row, field, value, reason-key) and a file with ANY
error writes nothing. A clean file is written inside the caller's transaction: borrowers and loans are
created or updated by contract number, the month's loan_month rows are REPLACED (re-importing the same
month gives the same database), the pre-aggregates are rebuilt and exactly one audit row is added.

Formats (docs/import.md): headers in English or Spanish, any case (data.import_template); dates ISO
``YYYY-MM-DD`` or day-first ``DD/MM/YYYY`` (month-first US dates are not supported and, when the day is
above 12, are refused); amounts with ``,`` or ``.`` as thousands separator and the other as decimal
mark, at most two decimals. A single separator followed by exactly three digits ("1,234") is ambiguous
and refused unless the caller states the decimal mark.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
import time
import zipfile
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

import pandas as pd
from sqlalchemy import bindparam, delete, func, select, text
from sqlalchemy.orm import Session

from data.aggregates import rebuild_months
from data.bulk import insert_rows
from data.audit import record
from data.errors import ValidationError, require_role
from data.import_template import (AMOUNT, BY_NAME, CLASS, CLASS_ALIASES, DATE, INTEGER, KIND, KIND_ALIASES,
                                  MONTH, RATE, REQUIRED, canonical, normalize_header)
from data.models import Borrower, Cooperative, Loan, LoanMonth, Officer
from data.settings import get as get_settings
from domain.inputs import MAX_AMOUNT_CENTS, has_nul
from domain.months import month_end, month_start
from domain.scope import Actor

#: (fraction done 0..1, stage key such as "import.stage.validate") -> None; the UI draws a progress bar
ProgressFn = Callable[[float, str], None]
REPORT_COLUMNS = ["row", "field", "value", "reason"]
DECIMAL_MARKS = (None, ".", ",")
BATCH = 5_000
LOOKUP_CHUNK = 900  # below every backend's limit of bound parameters per statement
TEXT_LIMITS = {"contract_no": 40, "cooperative_code": 40, "officer_employee_no": 40, "borrower_name": 120,
               "purpose": 40, "guarantee_type": 20}
DEFAULTS = {"borrower_kind": "household", "annual_rate_pct": 0, "purpose": "other", "guarantee_type": "credit"}
EXCEL_EXTENSIONS = (".xlsx", ".xlsm")
CSV_EXTENSIONS = (".csv", ".txt")
#: no real amount cell is longer ('1,000,000,000.00 EUR' has 20); int() of 4,300+ digits raises ValueError
MAX_AMOUNT_CHARS = 40


class ImportFileError(ValidationError):
    """The file as a whole cannot be read (too large, corrupt, wrong type, empty): nothing to report per row."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__("file", key, **params)


class CellError(ValueError):
    """One cell could not be parsed; ``reason`` is the suffix of its error.import.* key."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class ImportResult:
    """What an import did: the error report (empty when the file is clean) and the counts written."""

    month: dt.date | None
    rows: int
    errors: pd.DataFrame
    written: bool = False
    counts: dict[str, int] = field(default_factory=dict)
    ignored_columns: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.errors.empty


# ----------------------------------------------------------------------------------------------
# Cell parsers: each returns a Python value or raises CellError(reason)
# ----------------------------------------------------------------------------------------------
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00(?:\.0+)?)?)?$")
_DMY_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_AMOUNT_CHARS = re.compile(r"^\d[\d.,]*$")
_EDGE_SYMBOLS = re.compile(r"^(?:[A-Z]{3}|[¥$€£元])\s*|\s*(?:[A-Z]{3}|[¥$€£元])$")  # '¥1,234', '1.234,00 EUR'


def parse_date(value: object) -> dt.date:
    """ISO YYYY-MM-DD, day-first DD/MM/YYYY, or a native Excel date; anything else is refused."""
    if isinstance(value, dt.datetime):
        if value.time() != dt.time(0):
            raise CellError("bad_date")
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        raise CellError("bad_date")
    text = value.strip()
    match = _ISO_DATE.match(text)
    if match:
        year, month, day = match.groups()
    else:
        match = _DMY_DATE.match(text)
        if not match:
            raise CellError("bad_date")
        day, month, year = match.groups()
    try:
        return dt.date(int(year), int(month), int(day))
    except ValueError:
        raise CellError("bad_date") from None


def parse_month(value: object) -> dt.date:
    """YYYY-MM, or any accepted date (its month)."""
    if isinstance(value, str) and (match := _MONTH.match(value.strip())):
        year, month = (int(part) for part in match.groups())
        if 1 <= month <= 12:
            return dt.date(year, month, 1)
        raise CellError("bad_month")
    try:
        return month_start(parse_date(value))
    except CellError:
        raise CellError("bad_month") from None


def _grouped(integer: str, separator: str) -> str:
    """'1.234.567' -> '1234567' when the groups are valid thousands groups; else refuse."""
    groups = integer.split(separator)
    if not 1 <= len(groups[0]) <= 3 or any(len(g) != 3 for g in groups[1:]):
        raise CellError("bad_amount")
    return "".join(groups)


def _split_decimal(text: str, decimal: str | None) -> tuple[str, str]:
    """(integer digits, fraction digits) of an unsigned amount written with separators."""
    commas, dots = text.count(","), text.count(".")
    if commas and dots:
        mark = "," if text.rfind(",") > text.rfind(".") else "."
        if decimal is not None and mark != decimal:
            raise CellError("bad_amount")
    elif commas or dots:
        sep = "," if commas else "."
        if decimal is not None:
            mark = decimal if sep == decimal else None
        elif text.count(sep) > 1:
            mark = None
        elif len(text) - text.index(sep) - 1 == 3:
            raise CellError("amount_ambiguous")
        else:
            mark = sep
    else:
        mark = None
    if mark is None:
        thousands = "," if commas else "."
        return _grouped(text, thousands) if (commas or dots) else text, ""
    if text.count(mark) != 1:
        raise CellError("bad_amount")
    integer, fraction = text.split(mark)
    thousands = "." if mark == "," else ","
    if thousands in fraction or not integer:
        raise CellError("bad_amount")
    return (_grouped(integer, thousands) if thousands in integer else integer), fraction


def parse_amount(value: object, decimal: str | None = None) -> int:
    """An amount in minor units (cents): 1234.5, '1,234.50', '1.234,50', '1 234,5', '¥1,234', '(12.00)'.

    More than two decimals, broken thousands groups and (in auto mode) '1,234' / '1.234' are refused.
    """
    if isinstance(value, bool):
        raise CellError("bad_amount")
    if isinstance(value, int):
        return value * 100
    if isinstance(value, float):
        cents = value * 100
        if not math.isfinite(cents):  # NaN, infinity, or so large that its cents overflow to infinity
            raise CellError("bad_amount")
        if abs(cents - round(cents)) > 1e-6 * max(1.0, abs(cents)):  # tolerate binary noise of Excel formulas
            raise CellError("amount_precision")
        return int(round(cents))
    if isinstance(value, Decimal):
        if not value.is_finite() or value.adjusted() > 20:  # NaN, sNaN, infinity, or past any exact cents
            raise CellError("bad_amount")
        cents = value * 100
        if cents != cents.to_integral_value():
            raise CellError("amount_precision")
        return int(cents)
    if not isinstance(value, str):
        raise CellError("bad_amount")
    text = value.strip().replace("\u00a0", " ").replace("\u202f", " ")
    negative = False
    if text.startswith("(") and text.endswith(")"):
        negative, text = True, text[1:-1].strip()
    text = _EDGE_SYMBOLS.sub("", text).strip()  # currency symbols or codes before/after the number
    if text.startswith("-"):
        negative, text = not negative, _EDGE_SYMBOLS.sub("", text[1:]).strip()
    text = text.replace(" ", "").replace("'", "")
    if len(text) > MAX_AMOUNT_CHARS or not _AMOUNT_CHARS.match(text) or text[-1] in ",.":
        raise CellError("bad_amount")
    integer, fraction = _split_decimal(text, decimal)
    if len(fraction) > 2:
        raise CellError("amount_precision")
    if not integer.isdigit() or (fraction and not fraction.isdigit()):
        raise CellError("bad_amount")
    cents = int(integer) * 100 + int(fraction.ljust(2, "0") or 0)
    return -cents if negative else cents


def parse_integer(value: object) -> int:
    """A whole number such as days past due (sign allowed, so a negative can be reported as such)."""
    if isinstance(value, bool):
        raise CellError("bad_integer")
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if not value.is_integer():
            raise CellError("bad_integer")
        return int(value)
    text = str(value).strip()
    if not re.fullmatch(r"[-+]?\d{1,7}", text):
        raise CellError("bad_integer")
    return int(text)


def parse_rate(value: object, decimal: str | None = None) -> int:
    """An annual rate in percent ('6.5', '6,5 %') as basis points (650), 0 to 100 %."""
    text = value.strip().rstrip("%").strip() if isinstance(value, str) else value
    try:
        bp = parse_amount(text, decimal)  # hundredths of a percent are basis points
    except CellError:
        raise CellError("bad_rate") from None
    if not 0 <= bp <= 10_000:
        raise CellError("bad_rate")
    return bp


def parse_text(value: object) -> str:
    """A code or name; Excel numbers that are really codes (1001.0) come back as '1001'."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dt.date, dt.datetime)):
        raise CellError("bad_text")
    text = str(value).strip()
    if has_nul(text):  # PostgreSQL cannot store NUL in text (a CSV is only checked for it in its first 64 KiB)
        raise CellError("bad_text")
    return text


def _is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or (
        isinstance(value, float) and math.isnan(value))


# ----------------------------------------------------------------------------------------------
# Reading the file into a header and raw rows
# ----------------------------------------------------------------------------------------------
def _read_excel(data: bytes) -> list[list[object]]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            sheet = workbook.worksheets[0]
            return [list(row) for row in sheet.iter_rows(values_only=True)]
        finally:
            workbook.close()
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError, IndexError, TypeError,
            zlib.error, EOFError, NotImplementedError, SyntaxError):  # damaged deflate data or XML, odd zip
        raise ImportFileError("error.import.corrupt") from None


def _read_csv(data: bytes) -> list[list[object]]:
    if b"\x00" in data[:65_536]:
        raise ImportFileError("error.import.corrupt")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="strict") if _plausible_cp1252(data) else None
        if text is None:
            raise ImportFileError("error.import.encoding") from None
    first_line = text.split("\n", 1)[0]
    delimiter = max(";,\t", key=first_line.count) if any(c in first_line for c in ";,\t") else ","
    try:
        return [list(row) for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    except csv.Error:
        raise ImportFileError("error.import.corrupt") from None


def _plausible_cp1252(data: bytes) -> bool:
    try:
        data.decode("cp1252")
    except UnicodeDecodeError:
        return False
    return True


def read_table(data: bytes, *, filename: str) -> list[list[object]]:
    """The file's cells as rows of raw values (strings for CSV, typed cells for Excel)."""
    name = filename.lower()
    if name.endswith(EXCEL_EXTENSIONS):
        return _read_excel(data)
    if name.endswith(CSV_EXTENSIONS):
        if data[:2] == b"PK":
            raise ImportFileError("error.import.corrupt")
        return _read_csv(data)
    raise ImportFileError("error.import.file_type")


# ----------------------------------------------------------------------------------------------
# Validation
# ----------------------------------------------------------------------------------------------
@dataclass
class _Checked:
    rows: list[dict]
    row_numbers: list[int]
    errors: list[tuple[int, str, str, str]]
    month: dt.date | None
    ignored: list[str]
    existing: dict[str, tuple]  # contract_no -> (loan id, borrower id, cooperative id, loan fields..., name, kind)
    cooperatives: dict[str, int]


def _report(errors: Iterable[tuple[int, str, str, str]]) -> pd.DataFrame:
    frame = pd.DataFrame(list(errors), columns=REPORT_COLUMNS)
    return frame.astype({"row": "int64"}).sort_values(["row", "field"], kind="stable").reset_index(drop=True)


def _map_header(header: list[object]) -> tuple[dict[int, str], list[tuple[int, str, str, str]], list[str]]:
    positions: dict[int, str] = {}
    seen: dict[str, int] = {}
    errors, ignored = [], []
    for index, cell in enumerate(header):
        if _is_blank(cell):
            continue
        name = canonical(cell)
        if name is None:
            ignored.append(str(cell).strip())
        elif name in seen:
            errors.append((1, name, str(cell).strip(), "error.import.duplicate_column"))
        else:
            seen[name] = index
            positions[index] = name
    for name in REQUIRED:
        if name not in seen:
            errors.append((1, name, "", "error.import.missing_column"))
    return positions, errors, ignored


_FAST_POINT = re.compile(r"(\d{1,3}(?:,\d{3})+\.|\d+\.?)(\d{0,2})")
_FAST_COMMA = re.compile(r"(\d{1,3}(?:\.\d{3})+,|\d+,)(\d{1,2})")


def _fast_amount(text: str, decimal: str | None) -> int | None:
    """The common shapes ('1234', '1234.5', '1,234.56', '1.234,56') without the general parser; else None."""
    if decimal != ",":
        match = _FAST_POINT.fullmatch(text)
        if match and (match.group(1)[-1] == "." or "," not in match.group(1)):
            integer, fraction = match.groups()
            if integer[-1] != "." or fraction:
                return int(integer.rstrip(".").replace(",", "")) * 100 + int(fraction.ljust(2, "0"))
    if decimal != ".":
        match = _FAST_COMMA.fullmatch(text)
        if match:
            integer, fraction = match.groups()
            return int(integer[:-1].replace(".", "")) * 100 + int(fraction.ljust(2, "0"))
    return None


def _cell_parser(kind: str, name: str, decimal: str | None) -> Callable[[object], object]:
    if kind == DATE:
        return parse_date
    if kind == AMOUNT:
        def amount(cell: object) -> int:
            if type(cell) is str and len(cell) <= MAX_AMOUNT_CHARS and (
                    fast := _fast_amount(cell, decimal)) is not None:
                cents = fast
            else:
                cents = parse_amount(cell, decimal)
            if abs(cents) > MAX_AMOUNT_CENTS:  # the forms' limit; far larger values would overflow BIGINT
                raise CellError("amount_too_large")
            return cents
        return amount
    if kind == INTEGER:
        return parse_integer
    if kind == RATE:
        return lambda cell: parse_rate(cell, decimal)
    if kind == MONTH:
        return parse_month
    if kind in (CLASS, KIND):
        table, reason = (CLASS_ALIASES, "unknown_class") if kind == CLASS else (KIND_ALIASES, "unknown_kind")

        def vocabulary(cell: object) -> str:
            value = table.get(normalize_header(cell))
            if value is None:
                raise CellError(reason)
            return value
        return vocabulary
    limit = TEXT_LIMITS.get(name, 120)

    def text(cell: object) -> str:
        value = parse_text(cell)
        if len(value) > limit:
            raise CellError("too_long")
        return value
    return text


def _parse_columns(body: list[tuple[int, list]], positions: dict[int, str], decimal: str | None,
                   errors: list) -> list[dict]:
    """Parse column by column, each distinct cell value once (tapes repeat dates, codes and classes a lot)."""
    rows: list[dict] = [{} for _ in body]
    for index, name in positions.items():
        column = BY_NAME[name]
        parse = _cell_parser(column.kind, name, decimal)
        cache: dict = {}
        for values, (row_no, raw) in zip(rows, body):
            cell = raw[index] if index < len(raw) else None
            key = cell if type(cell) is str else (type(cell), cell)
            outcome = cache.get(key)
            if outcome is None:
                if _is_blank(cell):
                    outcome = (False, "required" if column.required else None)
                else:
                    try:
                        outcome = (True, parse(cell))
                    except CellError as error:
                        outcome = (False, error.reason)
                cache[key] = outcome
            ok, value = outcome
            if ok:
                values[name] = value
            elif value is not None:
                errors.append((row_no, name, _shown(cell), f"error.import.{value}"))
    return rows


def _shown(value: object) -> str:
    return "" if value is None else str(value)[:60]


def _display(name: str, value: object) -> str:
    """A parsed value as the report shows it: amounts in currency units, dates ISO."""
    if BY_NAME[name].kind == AMOUNT and isinstance(value, int):
        return f"{value / 100:.2f}"
    if isinstance(value, dt.date):
        return value.isoformat()
    return _shown(value)


def _row_rules(values: dict, row_no: int, month: dt.date | None, errors: list) -> None:
    """Checks of one row against itself: signs, arrears consistent with amounts and dates."""
    def bad(name: str, reason: str) -> None:
        errors.append((row_no, name, _display(name, values.get(name)), f"error.import.{reason}"))

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


def _lookup_existing(session: Session, contracts: list[str]) -> dict[str, tuple]:
    found: dict[str, tuple] = {}
    for start in range(0, len(contracts), LOOKUP_CHUNK):
        chunk = contracts[start:start + LOOKUP_CHUNK]
        for row in session.execute(
                select(Loan.contract_no, Loan.id, Loan.borrower_id, Loan.cooperative_id, Loan.officer_id,
                       Loan.issue_date, Loan.maturity_date, Loan.principal_cents, Loan.rate_bp, Loan.purpose,
                       Loan.guarantee_type, Borrower.name, Borrower.kind)
                .join(Borrower, Borrower.id == Loan.borrower_id).where(Loan.contract_no.in_(chunk))):
            found[row[0]] = tuple(row[1:])
    return found


def check(session: Session, *, actor: Actor, data: bytes, filename: str, month: dt.date | None = None,
          decimal: str | None = None, progress: ProgressFn | None = None) -> _Checked:
    """Parse and validate the whole file; raises ImportFileError for a file that cannot be read at all."""
    if decimal not in DECIMAL_MARKS:
        raise ValueError("decimal must be None, '.' or ','")
    limit_mb = get_settings(session).max_upload_mb
    if len(data) > limit_mb * 1024 * 1024:
        raise ImportFileError("error.import.too_large", limit_mb=limit_mb)
    if not data.strip():
        raise ImportFileError("error.import.empty")
    table = read_table(data, filename=filename)
    while table and all(_is_blank(c) for c in table[-1]):
        table.pop()
    if not table:
        raise ImportFileError("error.import.empty")
    positions, errors, ignored = _map_header(table[0])
    body = [(number, raw) for number, raw in enumerate(table[1:], start=2) if not all(_is_blank(c) for c in raw)]
    if not body:
        raise ImportFileError("error.import.empty")
    month = month_start(month) if month else None
    if errors:
        return _Checked([], [], errors, month, ignored, {}, {})
    if month is None and "month" not in positions.values():
        raise ImportFileError("error.import.month_required")

    if progress:
        progress(0.05, "import.stage.validate")
    width = len(table[0])
    for row_no, raw in body:
        if len(raw) > width and any(not _is_blank(c) for c in raw[width:]):
            errors.append((row_no, "", "", "error.import.extra_cells"))
    rows = _parse_columns(body, positions, decimal, errors)
    numbers = [row_no for row_no, _ in body]
    total = len(body)
    if progress:
        progress(0.3, "import.stage.validate")

    # the month: the one asked for, or the single month the file states
    file_months = [v.get("month") for v in rows]
    if month is None:
        stated = next((m for m in file_months if m), None)
        month = stated
        for row_no, values in zip(numbers, rows):
            if values.get("month") and values["month"] != stated:
                errors.append((row_no, "month", values["month"].strftime("%Y-%m"), "error.import.month_not_single"))
    else:
        for row_no, values in zip(numbers, rows):
            if values.get("month") and values["month"] != month:
                errors.append((row_no, "month", values["month"].strftime("%Y-%m"), "error.import.month_mismatch"))
    if month is None:  # no month chosen and the month column is blank everywhere
        raise ImportFileError("error.import.month_required")

    cooperatives = dict(session.execute(select(Cooperative.code, Cooperative.id)).all())
    officers = {no: (oid, coop) for no, oid, coop in session.execute(
        select(Officer.employee_no, Officer.id, Officer.cooperative_id))}
    contracts = sorted({v["contract_no"] for v in rows if "contract_no" in v})
    existing = _lookup_existing(session, contracts)
    first_row: dict[str, int] = {}
    for done, (row_no, values) in enumerate(zip(numbers, rows)):
        _row_rules(values, row_no, month, errors)
        contract = values.get("contract_no")
        if contract is not None:
            if contract in first_row:
                errors.append((row_no, "contract_no", contract, "error.import.duplicate_contract"))
            else:
                first_row[contract] = row_no
        coop_code = values.get("cooperative_code")
        coop_id = cooperatives.get(coop_code) if coop_code is not None else None
        if coop_code is not None and coop_id is None:
            errors.append((row_no, "cooperative_code", coop_code, "error.import.unknown_cooperative"))
        elif coop_id is not None and not actor.scope.allows(coop_id):
            errors.append((row_no, "cooperative_code", coop_code, "error.import.cooperative_out_of_scope"))
        employee = values.get("officer_employee_no")
        if employee is not None:
            officer = officers.get(employee)
            if officer is None:
                errors.append((row_no, "officer_employee_no", employee, "error.import.unknown_officer"))
            elif coop_id is not None and officer[1] != coop_id:
                errors.append((row_no, "officer_employee_no", employee, "error.import.officer_other_cooperative"))
            else:
                values["officer_id"] = officer[0]
        if coop_id is not None:
            values["cooperative_id"] = coop_id
            known = existing.get(contract)
            if known is not None and known[2] != coop_id:
                errors.append((row_no, "cooperative_code", coop_code, "error.import.cooperative_changed"))
        if progress and done % BATCH == 0:
            progress(0.3 + 0.1 * done / total, "import.stage.validate")
    return _Checked(rows, numbers, errors, month, ignored, existing, cooperatives)


# ----------------------------------------------------------------------------------------------
# Writing
# ----------------------------------------------------------------------------------------------
def _loan_fields(values: dict, known: tuple | None = None) -> dict:
    """The loan's columns from a row; optional columns left blank keep an existing loan's value."""
    def optional(name: str, position: int) -> object:
        if values.get(name) not in (None, ""):
            return values[name]
        return known[position] if known is not None else DEFAULTS[name]

    return {"officer_id": values["officer_id"], "issue_date": values["issue_date"],
            "maturity_date": values["maturity_date"], "principal_cents": values["principal"],
            "rate_bp": optional("annual_rate_pct", 7), "purpose": optional("purpose", 8),
            "guarantee_type": optional("guarantee_type", 9)}


def _batches(items: list, size: int = BATCH) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _reserve_ids(session: Session, table, count: int) -> list[int]:
    """Primary keys for ``count`` new rows, taken before inserting so no RETURNING round trips are needed.

    PostgreSQL draws them from the column's sequence (safe with concurrent writers). SQLite has one
    writer at a time and the caller already holds the write lock (the month's rows were deleted first),
    so max(id) + 1... is safe there.
    """
    if not count:
        return []
    if session.get_bind().dialect.name == "postgresql":
        return list(session.scalars(
            text("SELECT nextval(pg_get_serial_sequence(:table, 'id')) FROM generate_series(1, :n)"),
            {"table": table.name, "n": count}))
    start = (session.scalar(select(func.max(table.c.id))) or 0) + 1
    return list(range(start, start + count))


def _write(session: Session, checked: _Checked, progress: ProgressFn | None) -> dict[str, int]:
    month, existing = checked.month, checked.existing
    rows_total = max(len(checked.rows), 1)

    def step(fraction: float) -> None:
        if progress:
            progress(min(fraction, 0.9), "import.stage.write")

    # the month's rows go first: this takes the write lock, and they are replaced exactly below
    replaced = session.scalar(select(func.count()).select_from(LoanMonth).where(LoanMonth.month == month)) or 0
    session.execute(delete(LoanMonth).where(LoanMonth.month == month))

    new_rows = [v for v in checked.rows if v["contract_no"] not in existing]
    old_rows = [v for v in checked.rows if v["contract_no"] in existing]
    loan_ids: dict[str, int] = {c: known[0] for c, known in existing.items()}

    # new borrowers and loans, plain executemany with ids reserved up front
    borrower_table, loan_table = Borrower.__table__, Loan.__table__
    borrower_ids = _reserve_ids(session, borrower_table, len(new_rows))
    new_loan_ids = _reserve_ids(session, loan_table, len(new_rows))
    for start in range(0, len(new_rows), BATCH):
        batch = new_rows[start:start + BATCH]
        insert_rows(session, borrower_table, [
            {"id": borrower_ids[start + i], "cooperative_id": v["cooperative_id"], "village_id": None,
             "name": v["borrower_name"], "kind": v.get("borrower_kind") or DEFAULTS["borrower_kind"],
             "poor_household": False, "able_but_unwilling": False} for i, v in enumerate(batch)])
        insert_rows(session, loan_table, [
            {"id": new_loan_ids[start + i], "contract_no": v["contract_no"], "borrower_id": borrower_ids[start + i],
             "cooperative_id": v["cooperative_id"], "refinances_loan_id": None, "restructured_on": None,
             **_loan_fields(v)} for i, v in enumerate(batch)])
        step(0.4 + 0.25 * (start + len(batch)) / rows_total)
    loan_ids.update(zip((v["contract_no"] for v in new_rows), new_loan_ids))

    # existing loans and their borrowers: only what changed
    loan_updates, borrower_updates = [], []
    for v in old_rows:
        known = existing[v["contract_no"]]
        fields = _loan_fields(v, known)
        if tuple(fields.values()) != known[3:10]:
            loan_updates.append({"key": known[0], **fields})
        kind = v.get("borrower_kind") or known[11]
        if (v["borrower_name"], kind) != (known[10], known[11]):
            borrower_updates.append({"key": known[1], "name": v["borrower_name"], "kind": kind})
    for table, changes in ((loan_table, loan_updates), (borrower_table, borrower_updates)):
        for batch in _batches(changes):
            # bind names must differ from column names in an executemany UPDATE
            values = {name: bindparam(f"new_{name}") for name in batch[0] if name != "key"}
            params = [{("key" if k == "key" else f"new_{k}"): v for k, v in change.items()} for change in batch]
            session.execute(table.update().where(table.c.id == bindparam("key")).values(values), params)
    step(0.7)

    month_table = LoanMonth.__table__
    month_rows = [{"loan_id": loan_ids[v["contract_no"]], "month": month, "cooperative_id": v["cooperative_id"],
                   "outstanding_cents": v["outstanding"], "overdue_cents": v["overdue"],
                   "days_past_due": v["days_past_due"], "loan_class": v["loan_class"]} for v in checked.rows]
    for start in range(0, len(month_rows), BATCH):
        insert_rows(session, month_table, month_rows[start:start + BATCH])
        step(0.7 + 0.2 * (start + BATCH) / rows_total)
    if progress:
        progress(0.9, "import.stage.aggregates")
    rebuilt = rebuild_months(session, [month])
    return {"rows": len(month_rows), "loans_created": len(new_rows), "loans_updated": len(loan_updates),
            "borrowers_created": len(new_rows), "borrowers_updated": len(borrower_updates),
            "month_rows_replaced": int(replaced), "months_rebuilt": rebuilt}


def import_tape(session: Session, *, actor: Actor, data: bytes, filename: str, month: dt.date | None = None,
                decimal: str | None = None, dry_run: bool = False,
                progress: ProgressFn | None = None) -> ImportResult:
    """Validate a loan tape and, when it is clean and not a dry run, write it (never commits).

    Returns the result with its error report; raises ImportFileError for an unreadable file and
    PermissionError for a role without 'import_data'. With any error nothing is written.
    """
    require_role(actor, "import_data")
    started = time.perf_counter()
    checked = check(session, actor=actor, data=data, filename=filename, month=month, decimal=decimal,
                    progress=progress)
    result = ImportResult(month=checked.month, rows=len(checked.rows), errors=_report(checked.errors),
                          ignored_columns=checked.ignored)
    if result.ok and not dry_run:
        counts = _write(session, checked, progress)
        record(session, actor=actor, action="import.loan_tape", entity="loan_month",
               entity_id=checked.month.isoformat(),
               before={"month": checked.month.isoformat(), "loan_month_rows": counts["month_rows_replaced"]},
               after={"file": filename[:200], **counts})
        result.written, result.counts = True, counts
    if progress:
        progress(1.0, "import.stage.done")
    result.seconds = time.perf_counter() - started
    return result


def system_actor() -> Actor:
    """The actor of scheduled command-line imports: an admin over the whole union, with no user row."""
    from domain.roles import ADMIN
    from domain.scope import Scope

    return Actor(user_id=None, username="system", role=ADMIN, scope=Scope.union())  # type: ignore[arg-type]
