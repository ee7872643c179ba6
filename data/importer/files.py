"""Reading an import file (CSV or Excel) into a header and rows, with bounded memory whatever it holds.

Why so defensive: the file comes from outside. An outside test sent a 1,743-byte workbook declaring
A1:XFD1048576 (openpyxl pads every row to 16,384 columns), a 300 KB workbook expanding to a 300 MB cell,
and GBK text that the old Windows-1252 fallback silently turned into mojibake over existing borrowers'
names. So: spreadsheets are read in streaming mode and only as wide as the template; a zip member that
expands far beyond any real workbook is refused before it is opened; a CSV line longer than any real row
is refused; and text is decoded only when the encoding is certain (stated by the user, or UTF-8, or the
one of GB18030 / Windows-1252 whose decoded text looks like that script), never guessed.
"""
from __future__ import annotations

import codecs
import csv
import io
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

from data.errors import ValidationError

EXCEL_EXTENSIONS = (".xlsx", ".xlsm")
CSV_EXTENSIONS = (".csv", ".txt")
#: columns read from a spreadsheet or CSV row; the widest template has 20, the rest is never looked at
MAX_COLUMNS = 64
#: no real tape row is longer; a longer CSV line is refused before the csv module splits it into cells
MAX_LINE_CHARS = 100_000
#: a workbook member expanding more than this many times its compressed size (and past 16 MB) is a zip bomb;
#: real workbooks expand 5-20 times (their XML repeats itself, but not a thousandfold)
MAX_EXPANSION = 100
BOMB_FLOOR_BYTES = 16 * 1024 * 1024
#: encodings a user may state; keys are what the page and --encoding accept
ENCODINGS = {"utf-8": "utf-8-sig", "gb18030": "gb18030", "cp1252": "cp1252"}
ENCODING_ALIASES = {"utf8": "utf-8", "utf-8-sig": "utf-8", "gbk": "gb18030", "gb2312": "gb18030",
                    "windows-1252": "cp1252", "latin-1": "cp1252", "latin1": "cp1252"}


class ImportFileError(ValidationError):
    """The file as a whole cannot be read (too large, corrupt, wrong type, empty): nothing to report per row."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__("file", key, **params)


@dataclass
class Table:
    """A file's first row and an iterator over the rest; ``encoding`` is what a CSV was decoded with."""

    header: list[object]
    rows: Iterator[list[object]]
    encoding: str | None = None


def encoding_name(value: str | None) -> str | None:
    """The canonical name of an encoding a user typed ('GBK' -> 'gb18030'); ValueError when not offered."""
    if value is None or value == "auto":
        return None
    name = value.strip().lower()
    name = ENCODING_ALIASES.get(name, name)
    if name not in ENCODINGS:
        raise ValueError(f"encoding must be one of {', '.join(ENCODINGS)}")
    return name


# ----------------------------------------------------------------------------------------------
# Text encodings
# ----------------------------------------------------------------------------------------------
def _in_gb2312(char: str) -> bool:
    try:
        char.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


def _looks_chinese(text: str) -> bool:
    """GB text decodes to the common characters of GB2312; Latin text read as GBK gives rare ones.

    'Pérez' in Windows-1252 is a valid GBK byte pair (E9 72) but an uncommon ideograph outside GB2312, while
    real Chinese names are almost all in it. Nine in ten is the bar (names may hold a rarer character).
    """
    high = [c for c in text if ord(c) > 127]
    return bool(high) and sum(map(_in_gb2312, high)) >= 0.9 * len(high)


def _looks_latin(text: str) -> bool:
    """Latin text has accented letters between plain ones; GBK read as Windows-1252 gives runs ('ÀîÎ°')."""
    high = [i for i, c in enumerate(text) if ord(c) > 127]
    if not high:
        return False
    marks = set(high)
    in_runs = sum(1 for i in high if i - 1 in marks or i + 1 in marks)
    return in_runs <= 0.5 * len(high)


def _strict(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except UnicodeDecodeError:
        return None


def decode(data: bytes, encoding: str | None = None) -> tuple[str, str]:
    """(text, encoding used) of a CSV's bytes; ImportFileError rather than a guess.

    A stated encoding must decode cleanly. Otherwise: a UTF-8 (or UTF-16) byte-order mark, or valid UTF-8;
    failing that, GB18030 or Windows-1252, whichever decodes cleanly *and* reads as its script. When both or
    neither do, the file is refused and the user is asked to state the encoding.
    """
    name = encoding_name(encoding)
    if name is not None:
        text = _strict(data, ENCODINGS[name])
        if text is None:
            raise ImportFileError("error.import.encoding_failed", encoding=name)
        return text, name
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = _strict(data, "utf-16")
        if text is None:
            raise ImportFileError("error.import.encoding")
        return text, "utf-16"
    text = _strict(data, "utf-8-sig")
    if text is not None:
        return text, "utf-8"
    if data.startswith(codecs.BOM_UTF8):  # says UTF-8 but is not: damaged, never re-read as something else
        raise ImportFileError("error.import.encoding_failed", encoding="utf-8")
    chinese, latin = _strict(data, "gb18030"), _strict(data, "cp1252")
    readings = [(text, name) for text, name, plausible in
                ((chinese, "gb18030", _looks_chinese), (latin, "cp1252", _looks_latin))
                if text is not None and plausible(text)]
    if len(readings) == 1:
        return readings[0]
    raise ImportFileError("error.import.encoding_ambiguous" if readings else "error.import.encoding")


# ----------------------------------------------------------------------------------------------
# CSV
# ----------------------------------------------------------------------------------------------
def _lines(text: str) -> Iterator[str]:
    """The text's lines with their endings, as io.StringIO(text, newline="") gives them.

    Why not StringIO itself: it holds its text as four bytes a character, so a 170 MB tape took 680 MB more
    just to be split into lines. Text without a carriage return (nearly every file) is cut at each newline
    by slicing; the rest goes through StringIO (lines may end in \\r, \\n or \\r\\n).
    """
    if "\r" in text and text.count("\r") != text.count("\r\n"):  # a carriage return alone ends a line too
        yield from io.StringIO(text, newline="")
        return
    start, end = 0, len(text)
    while start < end:
        stop = text.find("\n", start)
        stop = end if stop < 0 else stop + 1
        yield text[start:stop]
        start = stop


def _bounded_lines(text: str) -> Iterator[str]:
    for line in _lines(text):
        if len(line) > MAX_LINE_CHARS:
            raise ImportFileError("error.import.line_too_long", limit=f"{MAX_LINE_CHARS:,}")
        yield line


def _csv_rows(text: str, delimiter: str) -> Iterator[list[object]]:
    try:
        for row in csv.reader(_bounded_lines(text), delimiter=delimiter):
            yield row[:MAX_COLUMNS + 1] if len(row) > MAX_COLUMNS + 1 else row
    except csv.Error:
        raise ImportFileError("error.import.corrupt") from None


def read_csv(data: bytes, encoding: str | None = None) -> Table:
    if b"\x00" in data[:65_536] and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise ImportFileError("error.import.corrupt")
    text, used = decode(data, encoding)
    first_line = text[:MAX_LINE_CHARS].split("\n", 1)[0]
    delimiter = max(";,\t", key=first_line.count) if any(c in first_line for c in ";,\t") else ","
    rows = _csv_rows(text, delimiter)
    header = next(rows, None)
    if header is None:
        raise ImportFileError("error.import.empty")
    return Table(header, rows, used)


# ----------------------------------------------------------------------------------------------
# Excel
# ----------------------------------------------------------------------------------------------
def _refuse_bombs(data: bytes) -> None:
    """Refuse a workbook whose members claim to expand far beyond any real one (checked before reading).

    zipfile stops reading a member at its declared size, so the declared sizes bound what is inflated.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise ImportFileError("error.import.corrupt") from None
    for member in members:
        if member.file_size > BOMB_FLOOR_BYTES and member.file_size > MAX_EXPANSION * max(member.compress_size, 1):
            raise ImportFileError("error.import.expands", member=member.filename[:60])


_WORKBOOK_ERRORS = (zipfile.BadZipFile, KeyError, ValueError, OSError, IndexError, TypeError, zlib.error, EOFError,
                    NotImplementedError, SyntaxError, AttributeError)


def _excel_rows(workbook, sheet) -> Iterator[list[object]]:
    try:
        for row in sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS + 1):
            yield list(row)
    except _WORKBOOK_ERRORS:  # damaged deflate data or XML found while streaming
        raise ImportFileError("error.import.corrupt") from None
    finally:
        workbook.close()


def read_excel(data: bytes) -> Table:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    _refuse_bombs(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
    except (InvalidFileException, *_WORKBOOK_ERRORS):
        raise ImportFileError("error.import.corrupt") from None
    rows = _excel_rows(workbook, sheet)
    header = next(rows, None)
    if header is None:
        raise ImportFileError("error.import.empty")
    return Table(header, rows)


def read_table(data: bytes, *, filename: str, encoding: str | None = None) -> Table:
    """The file's header and rows (raw values: strings for CSV, typed cells for Excel), read lazily."""
    name = filename.lower()
    if name.endswith(EXCEL_EXTENSIONS):
        return read_excel(data)
    if name.endswith(CSV_EXTENSIONS):
        if data[:2] == b"PK":
            raise ImportFileError("error.import.corrupt")
        return read_csv(data, encoding)
    raise ImportFileError("error.import.file_type")
