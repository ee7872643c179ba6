"""Tables with money columns in the configured currency, and full downloads as CSV and Excel."""
from __future__ import annotations

import io

import pandas as pd
import streamlit as st

from components.i18n import t


def money_columns(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Cents to currency units for display and export (the stored values stay integer cents)."""
    out = frame.copy()
    for column in columns:
        out[column] = out[column].astype("float64") / 100
    return out


def to_excel(frame: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        frame.to_excel(writer, index=False, sheet_name="data")
    return buffer.getvalue()


def downloads(frame: pd.DataFrame, *, filename: str, key: str) -> None:
    left, right = st.columns(2)
    left.download_button(t("download.csv"), frame.to_csv(index=False).encode("utf-8"), f"{filename}.csv",
                         "text/csv", key=f"{key}.csv")
    right.download_button(t("download.xlsx"), to_excel(frame), f"{filename}.xlsx",
                          "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key=f"{key}.xlsx")


def show(frame: pd.DataFrame, *, labels: dict[str, str], money: list[str], symbol: str, key: str,
         filename: str, total_rows: int | None = None, full: pd.DataFrame | None = None) -> None:
    """Show a table with translated headers and money formatting; downloads carry ``full`` when given."""
    shown = money_columns(frame, money).rename(columns=labels)
    config = {labels.get(c, c): st.column_config.NumberColumn(format=f"{symbol}%,.2f") for c in money}
    st.dataframe(shown, hide_index=True, width="stretch", column_config=config)
    if total_rows is not None and total_rows > len(frame):
        st.caption(t("table.showing", shown=f"{len(frame):,}", total=f"{total_rows:,}"))
    export = money_columns(full if full is not None else frame, money).rename(columns=labels)
    downloads(export, filename=filename, key=key)
