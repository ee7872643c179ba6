"""Text encodings: decoded only when certain, refused rather than guessed, name changes shown.

Found by the outside test: a GBK tape turned 李伟 into 'ÀîÎ°' (the Windows-1252 fallback accepts almost any
bytes) and overwrote the borrowers' names on record.
"""
from __future__ import annotations

import codecs

import pytest

from data.importer import ImportFileError, decode
from tests.security.import_book import OCT, build, names, row, run, tape

CHINESE = ["李伟", "王秀英", "张静", "刘洋", "陈磊"]
SPANISH = ["José Pérez", "Muñoz Ibáñez", "Ángela Núñez", "Raúl Peña", "Inés Gómez"]


def _body(ids: dict, people: list[str], code: str = "C1") -> list[list[str]]:
    return [row(ids, code, n, name=people[n - 1], loan_class="substandard" if n == 5 else "normal",
                dpd="120" if n == 5 else "0", overdue="500.00" if n == 5 else "0") for n in range(1, 6)]


@pytest.mark.parametrize("encoding", ["gbk", "gb18030"])
def test_a_chinese_tape_keeps_its_names_exactly(engine, encoding):
    ids = build(engine)
    result = run(engine, tape(_body(ids, CHINESE), encoding=encoding))
    assert result.written and result.encoding == "gb18030"
    stored = names(engine)
    assert [stored[f"C1-{n}"] for n in range(1, 6)] == CHINESE
    # every name on record changed, and the report says so, old and new side by side
    assert result.name_change_count == 5
    assert list(result.name_changes.after) == CHINESE
    assert list(result.name_changes.before) == [f"Borrower C1-{n}" for n in range(1, 6)]


@pytest.mark.parametrize("encoding, expected", [("utf-8", "utf-8"), ("utf-8-sig", "utf-8"), ("cp1252", "cp1252"),
                                                ("utf-16", "utf-16")])
def test_utf8_with_and_without_bom_windows_1252_and_utf16_are_read_exactly(engine, encoding, expected):
    ids = build(engine)
    people = SPANISH if encoding == "cp1252" else [*CHINESE[:2], *SPANISH[:3]]
    result = run(engine, tape(_body(ids, people), encoding=encoding, sep="\t" if encoding == "utf-16" else ","))
    assert result.written and result.encoding == expected
    assert [names(engine)[f"C1-{n}"] for n in range(1, 6)] == people


def test_a_stated_encoding_that_does_not_fit_is_refused_and_writes_nothing(engine):
    ids = build(engine)
    before = names(engine)
    data = tape(_body(ids, CHINESE), encoding="gbk")
    with pytest.raises(ImportFileError) as refused:
        run(engine, data, encoding="utf-8")
    assert refused.value.key == "error.import.encoding_failed" and refused.value.params == {"encoding": "utf-8"}
    assert names(engine) == before


def test_a_stated_encoding_is_used_as_stated(engine):
    ids = build(engine)
    result = run(engine, tape(_body(ids, CHINESE), encoding="gbk"), encoding="GBK")
    assert result.written and result.encoding == "gb18030"
    assert names(engine)["C1-1"] == "李伟"


def test_undecodable_bytes_are_refused_rather_than_guessed(engine):
    ids = build(engine)
    before = names(engine)
    # 0x81 followed by a space is invalid in GB18030, 0x81 is undefined in Windows-1252, and it is not UTF-8
    data = tape(_body(ids, SPANISH)).replace("José".encode(), b"Jos\x81 ")
    with pytest.raises(ImportFileError) as refused:
        run(engine, data)
    assert refused.value.key == "error.import.encoding"
    assert names(engine) == before


def test_decoding_rules_on_their_own():
    assert decode("李伟,王秀英".encode("gbk")) == ("李伟,王秀英", "gb18030")
    assert decode("José Pérez,Muñoz".encode("cp1252")) == ("José Pérez,Muñoz", "cp1252")
    # 'Pérez' is also a valid GBK byte sequence (E9 72 = a rare ideograph): still read as Windows-1252
    assert decode("Pérez".encode("cp1252")) == ("Pérez", "cp1252")
    assert decode(codecs.BOM_UTF8 + "张静".encode()) == ("张静", "utf-8")
    with pytest.raises(ImportFileError) as damaged_bom:
        decode(codecs.BOM_UTF8 + "张静".encode("gbk"))
    assert damaged_bom.value.key == "error.import.encoding_failed"
    with pytest.raises(ValueError):
        decode(b"abc", "klingon")
