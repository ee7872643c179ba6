"""Table cells in the reader's language: Streamlit's grid shows a pandas Styler's display values (money and counts
with the language's separators) while the cells keep their numbers (a header click sorts by value), and an empty
cell shows a dash in every language (``placeholder``). Every table of the app goes through ``tables.grid``."""
from __future__ import annotations

import ast

import pyarrow as pa
import pytest
from streamlit.testing.v1 import AppTest

from tests.apptest_support import ROOT

NB = "\xa0"


def _table_script(lang: str) -> None:
    import pandas as pd
    import streamlit as st

    from components import tables

    st.session_state["lang"] = lang
    frame = pd.DataFrame({"Balance": [39_948_542.0, None, -1_234.5], "Loans": [12_345, 7, 0],
                          "Share": [8.98, 50.0, None], "Id": [10_001, 10_002, 10_003], "Name": ["a", None, "c"],
                          "Due": pd.to_datetime(["2026-03-05", None, "2026-04-01"])})
    tables.grid(frame, money_headers=["Balance"], percent_headers=["Share"], plain=["Id"], symbol="¥",
                column_config={"Balance": st.column_config.NumberColumn(format="%,.2f")})


def _shown(lang: str):
    at = AppTest.from_function(_table_script, args=(lang,)).run(timeout=30)
    assert not at.exception, at.exception
    element = at.dataframe[0]
    display = pa.ipc.open_stream(element.proto.arrow_data.styler.display_values).read_all().to_pandas()
    return element, display


@pytest.mark.parametrize(("lang", "balance", "loans", "share"), [
    ("en", ["¥39,948,542.00", "—", "-¥1,234.50"], ["12,345", "7", "0"], ["9.0%", "50.0%", "—"]),
    ("es", [f"39.948.542,00{NB}¥", "—", f"-1.234,50{NB}¥"], ["12.345", "7", "0"], [f"9,0{NB}%", f"50,0{NB}%", "—"]),
    ("zh", ["¥39,948,542.00", "—", "-¥1,234.50"], ["12,345", "7", "0"], ["9.0%", "50.0%", "—"]),
])
def test_table_cells_show_the_languages_numbers_and_keep_their_values(lang, balance, loans, share):
    element, display = _shown(lang)
    assert list(display["Balance"]) == balance and list(display["Loans"]) == loans
    assert list(display["Share"]) == share
    assert list(display["Id"]) == ["10001", "10002", "10003"]                  # ids are not counts
    data = element.value
    assert data["Balance"].dtype == "float64" and data["Loans"].dtype == "int64"    # still numbers: they sort
    assert element.proto.placeholder == "—"                                   # empty cells: a dash, not "None"
    # the column config's English format would win over the Styler: the table drops it for a styled column
    assert "format" not in str(element.proto.columns)


def test_every_table_goes_through_the_shared_grid():
    """``st.dataframe`` called anywhere else would show English separators and "None" in empty cells."""
    offenders = []
    for path in [*(ROOT / "pages").glob("*.py"), *(ROOT / "components").glob("*.py"), ROOT / "app.py"]:
        if path.name == "tables.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "dataframe":
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []
