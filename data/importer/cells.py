"""Cell parsers of the import files: each turns one raw cell (text from a CSV, a typed Excel cell) into a
Python value or raises CellError with the suffix of its ``error.import.*`` reason key.

Why refuse rather than guess: a wrongly read amount or date changes every figure of the dashboard without
anyone noticing, so an ambiguous cell ('1,234' with no stated decimal mark, '10/31/2026') is a reported
problem, never a silent choice.
"""
from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable
from decimal import Decimal

from data.templates import AMOUNT, BOOL, CODE, DATE, INTEGER, MONTH, RATE, VOCABULARIES, Column, normalize_header
from domain.inputs import MAX_AMOUNT_CENTS, has_nul
from domain.months import month_start

#: no real amount cell is longer ('1,000,000,000.00 EUR' has 20); int() of 4,300+ digits raises ValueError
MAX_AMOUNT_CHARS = 40

class CellError(ValueError):
    """One cell could not be parsed; ``reason`` is the suffix of its error.import.* key."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason




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


class MonthCells:
    """The month of each month cell of a file, each distinct cell parsed once (a tape repeats one month a lot)."""

    def __init__(self) -> None:
        self._months: dict[object, dt.date | None] = {}

    def month(self, row: list[object], index: int) -> dt.date | None:
        """The month of ``row[index]``, or None when the cell is not a month (missing, blank or unreadable)."""
        cell = row[index] if index < len(row) else None
        key = cell if type(cell) is str else (type(cell), cell)
        if key not in self._months:
            try:
                self._months[key] = parse_month(cell)
            except CellError:
                self._months[key] = None
        return self._months[key]


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


#: the reason key of a coded value not in its vocabulary (the tape's two keep their first names)
UNKNOWN_CODE = {"loan_class": "unknown_class", "borrower_kind": "unknown_kind", "yes_no": "bad_yes_no"}


def _cell_parser(column: Column, decimal: str | None) -> Callable[[object], object]:
    """The parser of one template column's cells."""
    kind = column.kind
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
    if kind in (CODE, BOOL):
        table = VOCABULARIES[column.vocabulary]
        reason = UNKNOWN_CODE.get(column.vocabulary, f"unknown_{column.vocabulary}")

        def vocabulary(cell: object) -> str | bool:
            value = table.get(normalize_header(cell))
            if value is None:
                raise CellError(reason)
            return value == "yes" if kind == BOOL else value
        return vocabulary
    limit = column.limit

    def text(cell: object) -> str:
        value = parse_text(cell)
        if len(value) > limit:
            raise CellError("too_long")
        return value
    return text
