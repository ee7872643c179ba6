"""Hostile and broken import files, built on the fly (none is stored in the repository)."""
from __future__ import annotations

import io
import zipfile

from openpyxl import Workbook

from tests.security.import_book import HEADER

GOOD_ROW = ["C1-1", "C1", "E1", "Li Wei", "2024-01-10", "2026-01-10", "10000.00", "1000.00", "0", "0", "normal"]


def _workbook(rows: list[list[object]]) -> Workbook:
    workbook = Workbook()
    sheet = workbook.active
    for values in rows:
        sheet.append(values)
    return workbook


def _save(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def declared_whole_sheet() -> bytes:
    """A 5 KB workbook declaring A1:XFD1048576: one cell in the last row and last column."""
    workbook = _workbook([HEADER, GOOD_ROW])
    workbook.active.cell(row=1_048_576, column=16_384, value="x")
    return _save(workbook)


def _replace_member(data: bytes, name: str, content: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            if item.filename != name:
                target.writestr(item, source.read(item.filename))
        target.writestr(name, content)
    return out.getvalue()


def huge_cell(megabytes: int = 300) -> bytes:
    """A ~300 KB workbook whose one inline-string cell expands to ``megabytes`` MB."""
    data = _save(_workbook([HEADER, ["C1-1", "C1", "E1", "placeholder"]]))
    sheet = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()
    bomb = sheet.replace("placeholder", "A" * (megabytes * 1024 * 1024)).encode()
    return _replace_member(data, "xl/worksheets/sheet1.xml", bomb)


def zip_bomb(megabytes: int = 256) -> bytes:
    """A workbook whose sheet member is 256 MB of zeros (about 250 KB compressed)."""
    data = _save(_workbook([HEADER, GOOD_ROW]))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        source = zipfile.ZipFile(io.BytesIO(data))
        for item in source.infolist():
            if item.filename != "xl/worksheets/sheet1.xml":
                target.writestr(item, source.read(item.filename))
        with target.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            block = b"\0" * (1024 * 1024)
            for _ in range(megabytes):
                member.write(block)
    return out.getvalue()


def one_character_lines(megabytes: int = 1) -> bytes:
    """A valid header and then a megabyte of one-character lines: millions of problems."""
    return (",".join(HEADER) + "\n").encode() + b"x\n" * (megabytes * 1024 * 1024 // 2)


def one_long_line(megabytes: int = 20) -> bytes:
    """A header and one line of millions of empty cells."""
    return (",".join(HEADER) + "\n").encode() + b"," * (megabytes * 1024 * 1024) + b"\n"


def renamed_png() -> bytes:
    return b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 64


def truncated_workbook() -> bytes:
    data = _save(_workbook([HEADER, GOOD_ROW]))
    return data[: len(data) // 2]
