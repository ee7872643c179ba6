"""The board report button for the overview page: prepare the month's PDF, then download it.

The figures come from data.board_report.gather through the read cache (the same reads as the pages);
the PDF is rendered in the viewer's language and kept in the session until the month or scope changes.
"""
from __future__ import annotations

import datetime as dt

import streamlit as st

from components import store
from components.auth import Viewer
from components.context import PageContext
from components.format import month as month_text
from components.i18n import current_language, label, t
from data import board_report
from domain.scope import Scope


def scope_name(scope: Scope, ctx: PageContext) -> str:
    """'Union' or the names of the cooperatives the scope covers."""
    if scope.cooperative_ids is None:
        return t("frame.union")
    names = ctx.cooperatives.set_index("id").name.to_dict()
    return ", ".join(str(names.get(i, i)) for i in sorted(scope.cooperative_ids)) or "-"


def report_pdf(scope: Scope, ctx: PageContext, month: dt.date) -> bytes:
    """The board report PDF of a month for a scope, in the session's language."""
    figures = store.read(board_report.gather, scope=scope, month=month, today=dt.date.today())
    return board_report.render_pdf(figures, text=t, label=label, symbol=ctx.symbol, scope_name=scope_name(scope, ctx),
                                   lang=current_language())


def report_button(viewer: Viewer, ctx: PageContext, month: dt.date, key: str = "report", *,
                  scope: Scope | None = None) -> None:
    """A 'prepare' button, then the download of the PDF; ``scope`` defaults to the viewer's (pass the filter's)."""
    scope = scope or viewer.scope
    wanted = (month, scope, current_language())
    state_key = f"{key}.pdf"
    if st.button(t("report.prepare", month=month_text(month)), key=f"{key}.prepare", icon=":material/picture_as_pdf:"):
        try:
            st.session_state[state_key] = (wanted, report_pdf(scope, ctx, month))
        except board_report.FontMissing:
            st.error(t("report.font_missing"))
    ready = st.session_state.get(state_key)
    if ready and ready[0] == wanted:
        st.download_button(t("report.download", month=month_text(month)), ready[1],
                           f"board-report-{month_text(month)}.pdf", "application/pdf", key=f"{key}.download",
                           on_click="ignore")
