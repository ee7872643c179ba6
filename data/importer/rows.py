"""What every import does to a file's rows, whatever the kind of record: find the template's columns in the
header, drop blank rows, parse each column's cells, and make the problem report with values as written.

Kept apart from the kinds (data.importer.tape, data.importer.records) so a file of officers and a loan tape
are read, parsed and reported the same way.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from operator import itemgetter

import pandas as pd

from data.importer.cells import CellError, _cell_parser, _is_blank
from data.importer.files import ImportFileError, read_table
from data.importer.problems import Problems, shown
from data.templates import Template


#: a row rule's problem whose value is filled in from the file's cell (as written) when the report is made
AS_WRITTEN = None


def map_header(header: list[object], problems: Problems, template: Template) -> tuple[dict[int, str], list[str]]:
    positions: dict[int, str] = {}
    seen: dict[str, int] = {}
    ignored = []
    for index, cell in enumerate(header):
        if _is_blank(cell):
            continue
        name = template.canonical(cell)
        if name is None:
            ignored.append(shown(str(cell).strip()))
        elif name in seen:
            problems.append((1, name, shown(str(cell).strip()), "error.import.duplicate_column"))
        else:
            seen[name] = index
            positions[index] = name
    for name in template.required:
        if name not in seen:
            problems.append((1, name, "", "error.import.missing_column"))
    return positions, ignored


class ColumnParsers:
    """The parsers of a file's template columns, each distinct cell value parsed once (tapes repeat dates, codes
    and classes a lot).

    Kept across the chunks of a streamed file; a column's cache is emptied when it passes ``CACHE_LIMIT`` values
    (contract numbers never repeat, and a million of them would cost memory for nothing).
    """

    CACHE_LIMIT = 50_000

    def __init__(self, positions: dict[int, str], decimal: str | None, template: Template) -> None:
        self.columns = []
        for index, name in positions.items():
            column = template.by_name[name]
            self.columns.append((index, name, _cell_parser(column, decimal), column.required, {}))

    def parse(self, body: list[tuple[int, list]], problems: Problems) -> list[dict]:
        """The rows' parsed values by template name; a cell that cannot be parsed is a problem, not a value."""
        rows: list[dict] = [{} for _ in body]
        for index, name, parse, required, cache in self.columns:
            if len(cache) > self.CACHE_LIMIT:
                cache.clear()
            for values, (row_no, raw) in zip(rows, body):
                cell = raw[index] if index < len(raw) else None
                key = cell if type(cell) is str else (type(cell), cell)
                outcome = cache.get(key)
                if outcome is None:
                    if _is_blank(cell):
                        outcome = (False, "required" if required else None)
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
                    problems.append((row_no, name, shown(cell), f"error.import.{value}"))
        return rows


    def parse_text(self, body: list[tuple[int, list]], problems: Problems) -> list[dict]:
        """``parse`` for a CSV's rows (every cell text): each row holds every column of the header, None where
        the cell is blank or could not be parsed (the problem is reported). A column's cells are looked up in
        its cache with C-level map() rather than one Python step per cell: a million-row tape has 23 million."""
        width = max(index for index, *_ in self.columns) + 1 if self.columns else 0
        raws = [raw if len(raw) >= width else raw + [None] * (width - len(raw)) for _, raw in body]
        columns, names = [], []
        for index, name, parse, required, cache in self.columns:
            if len(cache) > self.CACHE_LIMIT:
                cache.clear()
            cells = list(map(itemgetter(index), raws))
            for cell in set(cells).difference(cache):
                if cell is None or not cell.strip():
                    cache[cell] = _Failed("required") if required else None
                else:
                    try:
                        cache[cell] = parse(cell)
                    except CellError as error:
                        cache[cell] = _Failed(error.reason)
            values = list(map(cache.__getitem__, cells))
            if _Failed in set(map(type, values)):
                for i, value in enumerate(values):
                    if type(value) is _Failed:
                        problems.append((body[i][0], name, shown(cells[i]), f"error.import.{value.reason}"))
                        values[i] = None
            columns.append(values)
            names.append(name)
        return [dict(zip(names, row)) for row in zip(*columns)]


class _Failed:
    """A cell that could not be parsed, as kept in a column's cache (its reason key's suffix)."""

    __slots__ = ("reason",)

    def __init__(self, reason: str) -> None:
        self.reason = reason


def parse_columns(body: list[tuple[int, list]], positions: dict[int, str], decimal: str | None,
                  problems: Problems, template: Template) -> list[dict]:
    """Parse a whole file's rows column by column (ColumnParsers over one chunk)."""
    return ColumnParsers(positions, decimal, template).parse(body, problems)


def iter_data_rows(rows: Iterable[list[object]], width: int, problems: Problems) -> Iterator[tuple[int, list]]:
    """The non-blank data rows with their spreadsheet row numbers, cut to the header's width, one at a time.

    Blank rows are dropped as they are read, so a sheet declaring a million empty rows costs time, not memory;
    a non-blank cell right of the header is a problem of its row.
    """
    for row_no, raw in enumerate(rows, start=2):
        first = raw[0] if raw else None
        if not (type(first) is str and first and not first[0].isspace()) and all(_is_blank(c) for c in raw):
            continue
        if len(raw) > width:
            if any(not _is_blank(c) for c in raw[width:]):
                problems.append((row_no, "", "", "error.import.extra_cells"))
            raw = raw[:width]
        yield row_no, raw


def data_rows(rows: Iterable[list[object]], width: int, problems: Problems) -> list[tuple[int, list]]:
    """Every non-blank data row (iter_data_rows as a list: the record kinds are small files)."""
    return list(iter_data_rows(rows, width, problems))


def report(checked_problems: Problems, body: list[tuple[int, list]], positions: dict[int, str]) -> pd.DataFrame:
    """The kept problems, with row rules' values taken from the file as written ('-37.333,32', not -37333.32)."""
    frame = checked_problems.frame()
    missing = frame["value"].isna()
    if missing.any():
        index_of = {name: index for index, name in positions.items()}
        wanted = set(frame.loc[missing, "row"])
        raw_rows = {row_no: raw for row_no, raw in body if row_no in wanted}
        frame.loc[missing, "value"] = [
            shown(raw_rows[row][index_of[name]]) if index_of.get(name, 10**9) < len(raw_rows.get(row, ())) else ""
            for row, name in zip(frame.loc[missing, "row"], frame.loc[missing, "field"])]
    return frame


@dataclass
class SheetStream:
    """A file opened against a template: where its columns are, and its non-blank rows as they are read."""

    positions: dict[int, str]
    ignored: list[str]
    rows: Iterator[tuple[int, list]]
    problems: Problems
    encoding: str | None
    text_cells: bool = False  # a CSV: every cell is text (ColumnParsers.parse_text)

    @property
    def header_wrong(self) -> bool:
        """A required column is missing or named twice: the rows cannot be read."""
        return any(p[0] == 1 for p in self.problems.kept)


@dataclass
class Sheet:
    """A file read against a template: where its columns are, its non-blank rows, and the problems so far."""

    positions: dict[int, str]
    ignored: list[str]
    body: list[tuple[int, list]]
    problems: Problems
    encoding: str | None

    @property
    def header_wrong(self) -> bool:
        """A required column is missing or named twice: the rows cannot be read."""
        return any(p[0] == 1 for p in self.problems.kept)


def open_sheet(data: bytes, *, filename: str, template: Template, limit_mb: int,
               encoding: str | None = None) -> SheetStream:
    """The file's header matched to ``template`` and an iterator over its non-blank rows (read as they are
    consumed); ImportFileError for a file that is too large, empty or cannot be read at all. A file with a header
    and no data row yields nothing: the caller refuses it as empty."""
    if len(data) > limit_mb * 1024 * 1024:
        raise ImportFileError("error.import.too_large", limit_mb=limit_mb)
    if not data.strip():
        raise ImportFileError("error.import.empty")
    table = read_table(data, filename=filename, encoding=encoding)
    problems = Problems()
    width = max((i + 1 for i, c in enumerate(table.header) if not _is_blank(c)), default=0)
    if not width:
        raise ImportFileError("error.import.empty")
    positions, ignored = map_header(table.header[:width], problems, template)
    return SheetStream(positions, ignored, iter_data_rows(table.rows, width, problems), problems, table.encoding,
                       text_cells=table.encoding is not None)


def read_sheet(data: bytes, *, filename: str, template: Template, limit_mb: int,
               encoding: str | None = None) -> Sheet:
    """The file's header matched to ``template`` and all its non-blank rows (open_sheet read to the end)."""
    stream = open_sheet(data, filename=filename, template=template, limit_mb=limit_mb, encoding=encoding)
    body = list(stream.rows)
    if not body:
        raise ImportFileError("error.import.empty")
    return Sheet(stream.positions, stream.ignored, body, stream.problems, stream.encoding)
