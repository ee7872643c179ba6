"""Table cells in the reader's language: Streamlit's grid shows a pandas Styler's display values (money and counts
with the language's separators) while the cells keep their numbers (a header click sorts by value), and an empty
cell shows a dash in every language (``placeholder``). Every table of the app goes through ``tables.grid``."""
from __future__ import annotations

import ast
import json

import pandas as pd
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
    ("es", [f"39.948.542,00{NB}¥", "—", f"-1.234,50{NB}¥"], ["12.345", "7", "0"], [f"9,0{NB}%", f"50,0{NB}%", "—"]),
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


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_where_the_grid_writes_numbers_the_languages_way_it_formats_them_itself(lang):
    """English and Chinese write 39,948,542.00 as the grid does: its own printf formats, no Styler (whose rendering
    of every cell costs tens of milliseconds a table at each rerun); the same cells as ``styled`` would write."""
    at = AppTest.from_function(_table_script, args=(lang,)).run(timeout=30)
    assert not at.exception, at.exception
    element = at.dataframe[0]
    assert not element.proto.arrow_data.styler.display_values
    formats = {header: column.get("type_config", {}).get("format")
               for header, column in json.loads(element.proto.columns).items() if header != "_index"}
    assert formats == {"Balance": "¥%,.2f", "Loans": "%,.0f", "Share": "%.1f%%"}   # Id stays as it is: 10001
    assert element.value["Balance"].dtype == "float64" and element.proto.placeholder == "—"


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


@pytest.mark.parametrize("lang", ["es", "zh"])
@pytest.mark.parametrize(("name", "username"), [("decisions", "director"), ("assets", "director"),
                                                ("officers", "director"), ("admin", "admin")])
def test_real_tables_show_dashes_and_the_languages_numbers(demo_db_url, name, username, lang):
    """The decisions, assets (register), officers and admin tables of the demo: no "None", "nan" or "NaT" in any
    shown cell, an empty one shows the dash, and the money is written the language's way."""
    from tests.apptest_support import page

    at = page(name, username=username, lang=lang)
    assert not at.exception and at.dataframe
    for element in at.dataframe:
        assert element.proto.placeholder == "—"
        arrow = element.proto.arrow_data
        shown = pa.ipc.open_stream(arrow.styler.display_values).read_all().to_pandas() if arrow.styler.display_values \
            else element.value
        cells = {str(v) for column in shown.columns for v in shown[column] if not pd.isna(v)}
        assert not cells & {"None", "nan", "NaN", "NaT", "<NA>"}, (name, sorted(cells & {"None", "nan", "NaT"}))
        if lang == "es":
            assert not any(c.startswith("¥") for c in cells), name                  # 39.948.542 ¥, never ¥39,948,542


def test_shown_tables_keep_ids_ungrouped():
    """tables.show writes counts with the language's grouping but an ``id`` / ``*_id`` column as it is."""
    def script() -> None:
        import pandas as pd
        import streamlit as st

        from components import tables

        st.session_state["lang"] = "es"
        frame = pd.DataFrame({"asset_id": [12_345], "age_days": [12_345], "book_cents": [1_234_567_89]})
        tables.show(frame, labels={"asset_id": "Activo", "age_days": "Días", "book_cents": "Valor"},
                    money=["book_cents"], symbol="¥", key="t", filename="t")

    at = AppTest.from_function(script).run(timeout=30)
    display = pa.ipc.open_stream(at.dataframe[0].proto.arrow_data.styler.display_values).read_all().to_pandas()
    assert list(display.iloc[0]) == ["12345", "12.345", f"1.234.567,89{NB}¥"]


def test_dashes_write_dates_among_gaps_as_text_so_arrow_takes_the_column():
    """A column of date objects with gaps (the assets register's 'Appraised on') became dates and dashes mixed,
    which Arrow refused before Streamlit retried it as text (a traceback in the log at each view)."""
    import datetime as dt

    from components.tables import dashes

    frame = pd.DataFrame({"Appraised on": [dt.date(2026, 3, 5), None], "Count": [1, 2]})
    out = dashes(frame)
    assert list(out["Appraised on"]) == ["2026-03-05", "—"]
    assert pa.Table.from_pandas(out).column("Appraised on").type == pa.string()
