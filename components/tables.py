"""Tables with money columns in the configured currency, and downloads (CSV, Excel) of the full result.

Pages show a bounded slice; the downloads may be given a callable that reads everything only when the
user clicks (Streamlit runs it outside the script run), so no page loads a whole list just to offer it.
Anything translated must be translated before the callable is built: it runs on another thread.
Every file is written by data.export, which makes formula-like text inert (docs/security.md).
"""
from __future__ import annotations

from collections.abc import Callable, Iterable

import pandas as pd
import streamlit as st
from pandas.io.formats.style import Styler

from components.format import DASH, amount, money_column, number, plotly_separators, share
from components import store
from components.i18n import t
from data import export

Source = pd.DataFrame | Callable[[], pd.DataFrame]


def money_columns(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Cents to currency units for display and export (the stored values stay integer cents)."""
    out = frame.copy()
    for column in columns:
        out[column] = out[column].astype("float64") / 100
    return out


def to_excel(frame: pd.DataFrame) -> bytes:
    """The Excel download of a frame (one sheet, formula-like text neutralised by data.export)."""
    return export.to_xlsx(frame)


def to_csv(frame: pd.DataFrame) -> bytes:
    """The CSV download of a frame (formula-like text neutralised by data.export)."""
    return export.to_csv(frame)


def read_all(function: Callable[..., pd.DataFrame], **arguments) -> Callable[[], pd.DataFrame]:
    """A full, uncached read for a download; the viewer's scope travels in ``arguments``."""
    def load() -> pd.DataFrame:
        with store.session() as session:
            return function(session, **arguments)
    return load


def read_now(function: Callable[..., pd.DataFrame], **arguments) -> pd.DataFrame:
    """The same full, uncached read, run at once (inside a download callable)."""
    return read_all(function, **arguments)()


def downloads(source: Source, *, filename: str, key: str) -> None:
    """CSV and Excel buttons; a callable source is read only when a button is pressed."""
    rows = source if callable(source) else (lambda: source)
    left, right = st.columns(2)
    left.download_button(t("download.csv"), lambda: to_csv(rows()), f"{filename}.csv", export.CSV_MIME,
                         key=f"{key}.csv", on_click="ignore")
    right.download_button(t("download.xlsx"), lambda: to_excel(rows()), f"{filename}.xlsx", export.XLSX_MIME,
                          key=f"{key}.xlsx", on_click="ignore")


def dashes(frame: pd.DataFrame) -> pd.DataFrame:
    """The gaps of text and date columns as "—", for a table shown by ``grid`` (whose ``placeholder`` dashes any
    remaining empty cell, numbers included: they stay numbers, so they sort and take the language's format).

    A date column with gaps becomes ISO text (``2026-03-05``, with the time when it has one; it still sorts), which
    Streamlit would otherwise show with a time of day. Downloads never go through here, so CSV and Excel keep empty
    cells and real numbers."""
    out = frame.copy()
    for column in out.columns:
        values = out[column]
        if not values.isna().any() or (pd.api.types.is_numeric_dtype(values)
                                        and not pd.api.types.is_bool_dtype(values)):
            continue
        if pd.api.types.is_datetime64_any_dtype(values):
            present = values.dropna()
            with_time = bool(((present - present.dt.normalize()) != pd.Timedelta(0)).any())
            text = values.dt.strftime("%Y-%m-%d %H:%M" if with_time else "%Y-%m-%d").astype(object)
        else:  # a date or number object among the gaps is written as text too: one type per column for Arrow
            text = values.map(lambda v: v if isinstance(v, str) else str(v), na_action="ignore").astype(object)
        out[column] = text.where(values.notna(), DASH).astype(object)
    return out


def money_config(frame: pd.DataFrame, headers: list[str], symbol: str, decimals: int = 2) -> dict:
    """Money formats for the headers whose column is still numeric after ``dashes`` (a column with gaps is text)."""
    return {header: st.column_config.NumberColumn(format=money_column(symbol, decimals)) for header in headers
            if header in frame and pd.api.types.is_numeric_dtype(frame[header])}


def _counts(values: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)


def number_kinds(frame: pd.DataFrame, *, money_headers: Iterable[str] = (), percent_headers: Iterable[str] = (),
                 plain: Iterable[str] = ()) -> dict[str, str]:
    """How each number column of a table is written: 'money', 'percent' (values 0..100), 'whole' (counts) or
    'decimal'; ``plain`` columns (ids, years) and columns that are not numbers are left out. One classification
    for both ways a table is shown (``styled`` and ``grid_formats``), so they write the same cells."""
    money_set, percent_set, plain_set = set(money_headers), set(percent_headers), set(plain)
    kinds = {}
    for column in frame.columns:
        values = frame[column]
        if column in plain_set or not _counts(values):
            continue
        if column in money_set:
            kinds[column] = "money"
        elif column in percent_set:
            kinds[column] = "percent"
        elif pd.api.types.is_integer_dtype(values) or bool((values.dropna() % 1 == 0).all()):
            kinds[column] = "whole"
        else:
            kinds[column] = "decimal"
    return kinds


def styled(data: pd.DataFrame | Styler, *, money_headers: Iterable[str] = (), symbol: str = "", decimals: int = 2,
           percent_headers: Iterable[str] = (), plain: Iterable[str] = (), lang: str | None = None) -> Styler:
    """A table's numbers as the reader's language writes them, for ``st.dataframe``: money with the symbol where
    the language puts it (es ``39.948.542,00 ¥``), percentages (values 0..100) and every other number column with
    the language's separators, except the ``plain`` ones (ids, years). Only the shown text changes: the cells keep
    their numbers, so a click on a header still sorts by value (Streamlit shows a Styler's display values and sorts
    on the data). Empty cells are left to the grid's ``placeholder`` (a dash)."""
    styler = data if isinstance(data, Styler) else data.style
    writers: dict[str, Callable[[object], str]] = {
        "money": lambda v: amount(v, symbol, decimals, lang=lang),
        "percent": lambda v: share(float(v) / 100, 1, lang=lang),
        "whole": lambda v: number(v, lang=lang),
        "decimal": lambda v: number(v, 2, lang=lang)}
    kinds = number_kinds(styler.data, money_headers=money_headers, percent_headers=percent_headers, plain=plain)
    formats = {column: writers[kind] for column, kind in kinds.items()}
    return styler.format(formats, na_rep=DASH) if formats else styler


def grid_formats(frame: pd.DataFrame, *, money_headers: Iterable[str] = (), symbol: str = "", decimals: int = 2,
                 percent_headers: Iterable[str] = (), plain: Iterable[str] = ()) -> dict[str, str]:
    """The grid's printf formats giving what ``styled`` writes, for a language whose separators are the grid's
    ('1,234.5'): money with the symbol where the language puts it, percentages (values 0..100) with one decimal,
    whole counts grouped, other numbers with two decimals; ``plain`` columns (ids, years) as they are."""
    printf = {"money": money_column(symbol, decimals), "percent": "%.1f%%", "whole": "%,.0f", "decimal": "%,.2f"}
    kinds = number_kinds(frame, money_headers=money_headers, percent_headers=percent_headers, plain=plain)
    return {column: printf[kind] for column, kind in kinds.items()}


def _with_formats(config: dict, formats: dict[str, str]) -> dict:
    """Column configs with these formats: a number column the page configured keeps its other settings; a column of
    another kind (a progress bar, a link) keeps its own display."""
    out = dict(config)
    for header, fmt in formats.items():
        column = out.get(header)
        if column is None:
            out[header] = st.column_config.NumberColumn(format=fmt)
            continue
        kind = column.get("type_config", {}) if isinstance(column, dict) else {}
        if kind.get("type") == "number":
            out[header] = {**column, "type_config": {**kind, "format": fmt}}
    return out


def _without_formats(config: dict, headers: set[str]) -> dict:
    """Column configs of the styled headers lose their ``format`` (Streamlit prefers a column config's format to
    the Styler's display value, and its format writes English separators)."""
    out = {}
    for header, column in config.items():
        kind = column.get("type_config", {}) if isinstance(column, dict) else {}
        if header in headers and kind.get("type") == "number" and kind.get("format"):
            column = {**column, "type_config": {k: v for k, v in column["type_config"].items() if k != "format"}}
        out[header] = column
    return out


def grid(data: pd.DataFrame | Styler, *, money_headers: Iterable[str] = (), symbol: str = "", decimals: int = 2,
         percent_headers: Iterable[str] = (), plain: Iterable[str] = (), column_config: dict | None = None,
         container=None, hide_index: bool = True, **options):
    """Every table of the app: ``st.dataframe`` with its numbers written the reader's way, a dash in every empty
    cell (``placeholder``), full width. Returns what ``st.dataframe`` returns (the selection when ``on_select``).

    Where the grid's own formats already write numbers the language's way (en, zh: '1,234.5') they are used, as a
    Styler's rendering of every cell costs 20-50 ms a table at each rerun; otherwise (es) a ``styled`` Styler,
    whose display values the column configs must not override. A frame beyond what a Styler may render keeps
    plain numbers."""
    frame = data.data if isinstance(data, Styler) else data
    config = column_config or {}
    shown: pd.DataFrame | Styler = frame
    if frame.size > int(pd.options.styler.render.max_elements):
        pass
    elif not isinstance(data, Styler) and plotly_separators() == ".,":
        config = _with_formats(config, grid_formats(frame, money_headers=money_headers, symbol=symbol,
                                                    decimals=decimals, percent_headers=percent_headers, plain=plain))
    else:
        shown = styled(data, money_headers=money_headers, symbol=symbol, decimals=decimals,
                       percent_headers=percent_headers, plain=plain)
        config = _without_formats(config, set(number_kinds(shown.data, plain=plain)))
    return (container or st).dataframe(shown, hide_index=hide_index, width=options.pop("width", "stretch"),
                                       column_config=config, placeholder=DASH, **options)


def show_display(display: pd.DataFrame, *, money_headers: list[str], symbol: str, total: int | None = None,
                 plain: Iterable[str] = ()) -> None:
    """A display-ready table (translated headers, money in currency units) with 'showing N of M'."""
    grid(dashes(display), money_headers=money_headers, symbol=symbol, plain=plain)
    if total is not None and total > len(display):
        st.caption(t("table.showing", shown=number(len(display)), total=number(total)))


def show(frame: pd.DataFrame, *, labels: dict[str, str], money: list[str], symbol: str, key: str,
         filename: str, total_rows: int | None = None, full: Source | None = None) -> None:
    """Show a table with translated headers and money formatting; downloads carry ``full`` when given."""
    def display(rows: pd.DataFrame) -> pd.DataFrame:
        return money_columns(rows, money).rename(columns=labels)

    ids = [labels.get(c, c) for c in frame.columns if c == "id" or str(c).endswith("_id")]  # no grouping: 1234
    show_display(display(frame), money_headers=[labels.get(c, c) for c in money], symbol=symbol, total=total_rows,
                 plain=ids)
    if full is None:
        downloads(display(frame), filename=filename, key=key)
    elif callable(full):
        downloads(lambda: display(full()), filename=filename, key=key)
    else:
        downloads(display(full), filename=filename, key=key)
