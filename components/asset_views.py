"""Pieces of the foreclosed assets page: the KPI row, the two chart builders, the register and the forms.

Chart builders are pure (DataFrame in, go.Figure out, labels already translated). The forms submit
through components.forms.submit, keep what was typed, and never render typed text as HTML.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from components.format import money, money_hover, money_ticks, number, share, to_cents
from components.format import date as fmt_date
from components.charts import localized
from components import forms, tables
from components.auth import Viewer
from components.i18n import label, t
from components.kpis import Kpi
from components.theme import CLASS_COLORS, METHOD_COLORS
from data import asset_commands
from domain import asset_ageing
from domain.asset_ageing import BUCKETS, DUE_SOON, LONG_OVERDUE, ON_TIME, OVERDUE, DisposalLimits
from domain.assets import ASSET_TYPES, DISPOSAL_METHODS, IN_DISPOSAL, PENDING, STATUSES

#: urgency reads like loan quality: green on time ... dark red long overdue
BUCKET_COLORS = {ON_TIME: CLASS_COLORS["normal"], DUE_SOON: CLASS_COLORS["special_mention"],
                 OVERDUE: CLASS_COLORS["doubtful"], LONG_OVERDUE: CLASS_COLORS["loss"]}
#: disposal methods, drawn from the collection-method palette (restructuring keeps its own colour)
DISPOSAL_COLORS = {"sale": METHOD_COLORS["asset_disposal"], "auction": METHOD_COLORS["legal"],
                   "restructuring": METHOD_COLORS["restructuring"], "leasing": METHOD_COLORS["support"]}
REGISTER_LIMIT = 200
ANY = "any"
MONEY_COLUMNS = ["book_value_cents", "appraisal_cents", "proceeds_cents", "lease_income_cents"]


def balance_sheet_label(on_balance_sheet: bool) -> str:
    return t("balance_sheet.on") if on_balance_sheet else t("balance_sheet.off")


# ----------------------------------------------------------------------------------------------- KPIs
def kpi_row(holdings: pd.DataFrame, disposed: pd.DataFrame, lease_income_cents: int, *, symbol: str,
            year: int) -> list[Kpi]:
    """Held assets (count, book, appraisal, on/off balance sheet, overdue), this year's disposals, lease income."""
    held_count, held_book = int(holdings.asset_count.sum()), int(holdings.book_value_cents.sum())
    by_status = holdings.groupby("status").asset_count.sum()
    on = holdings[holdings.on_balance_sheet]
    off = holdings[~holdings.on_balance_sheet]
    proceeds, disposed_book = int(disposed.proceeds_cents.sum()), int(disposed.book_value_cents.sum())
    result = asset_ageing.gain_loss(proceeds, disposed_book)
    return [
        Kpi(t("assets.kpi.pending"), number(held_count), help=t("assets.kpi.pending_help",
                                                                pending=int(by_status.get(PENDING, 0)),
                                                                in_disposal=int(by_status.get(IN_DISPOSAL, 0)))),
        Kpi(t("assets.kpi.book"), money(held_book, symbol, compact=True), help=t("assets.kpi.book_help")),
        Kpi(t("assets.kpi.appraisal"), money(int(holdings.appraisal_cents.sum()), symbol, compact=True),
            help=t("assets.kpi.appraisal_help", appraised=int(holdings.appraised_count.sum()), held=held_count,
                   book=money(held_book, symbol))),
        Kpi(t("assets.kpi.balance_sheet"), f"{number(int(on.asset_count.sum()))} / {number(int(off.asset_count.sum()))}",
            help=t("assets.kpi.balance_sheet_help", on_count=int(on.asset_count.sum()),
                   on_book=money(int(on.book_value_cents.sum()), symbol), off_count=int(off.asset_count.sum()),
                   off_book=money(int(off.book_value_cents.sum()), symbol))),
        Kpi(t("assets.kpi.overdue"), number(int(holdings.overdue_count.sum())),
            help=t("assets.kpi.overdue_help", book=money(int(holdings.overdue_book_cents.sum()), symbol))),
        Kpi(t("assets.kpi.disposed", year=year, count=int(disposed.asset_count.sum())),
            money(proceeds, symbol, compact=True),
            delta=("+" if result > 0 else "") + money(result, symbol, compact=True) if len(disposed) else None,
            delta_color="normal", help=t("assets.kpi.disposed_help", year=year, book=money(disposed_book, symbol))),
        Kpi(t("assets.kpi.lease"), money(lease_income_cents, symbol, compact=True), help=t("assets.kpi.lease_help")),
    ]


# --------------------------------------------------------------------------------------------- charts
def ageing_chart(ageing: pd.DataFrame, *, type_names: dict[str, str], bucket_names: dict[str, str],
                 balance_sheet_names: dict[bool, str], symbol: str, title: str, value_name: str,
                 count_name: str) -> go.Figure:
    """Stacked horizontal bars of held book value by ageing bucket, one bar per balance-sheet state x type.

    Horizontal, so long type names (in any language) stay readable; on-balance-sheet rows come first.
    """
    order = [(bs, typ) for bs in (True, False) for typ in ASSET_TYPES
             if ((ageing.on_balance_sheet == bs) & (ageing.asset_type == typ)).any()]
    y = [[balance_sheet_names[bs] for bs, _ in order], [type_names.get(typ, typ) for _, typ in order]]
    fig = go.Figure()
    for bucket in BUCKETS:
        rows = ageing[ageing.bucket == bucket].set_index(["on_balance_sheet", "asset_type"])
        values = [int(rows.book_value_cents.get(key, 0)) / 100 for key in order]
        counts = [int(rows.asset_count.get(key, 0)) for key in order]
        fig.add_bar(y=y, x=values, orientation="h", name=bucket_names.get(bucket, bucket),
                    marker_color=BUCKET_COLORS[bucket], customdata=counts,
                    hovertemplate=f"%{{y}}<br>{value_name}: {money_hover(symbol, 'x')}<br>{count_name}: %{{customdata:,d}}"
                                  "<extra>%{fullData.name}</extra>")
    fig.update_layout(barmode="stack", title=title, margin=dict(l=10, r=10, t=40, b=10),
                      height=max(420, 200 + 36 * len(order)),
                      legend=dict(orientation="h", y=-0.12, yanchor="top", x=0, traceorder="normal"))
    fig.update_xaxes(**money_ticks(symbol), tickformat="~s", rangemode="tozero")
    fig.update_yaxes(autorange="reversed")
    return localized(fig)


def disposals_chart(disposals: pd.DataFrame, *, method_names: dict[str, str], symbol: str, title: str,
                    labels: dict[str, str]) -> go.Figure:
    """Realised value (proceeds / book value) per disposal method, against a 100 % book-value line."""
    frame = disposals.copy()
    frame["share"] = [asset_ageing.realised_share(p, b) for p, b in zip(frame.proceeds_cents, frame.book_value_cents)]
    frame["gain_loss"] = [asset_ageing.gain_loss(p, b) for p, b in zip(frame.proceeds_cents, frame.book_value_cents)]
    names = [method_names.get(m, m) for m in frame.method]
    custom = list(zip(frame.asset_count, frame.book_value_cents / 100, frame.proceeds_cents / 100,
                      frame.gain_loss / 100))
    fig = go.Figure(go.Bar(
        x=names, y=[None if s is None else s * 100 for s in frame.share],
        marker_color=[DISPOSAL_COLORS.get(m, "#7f7f7f") for m in frame.method],
        text=[share(s, 0) for s in frame.share], textposition="outside", customdata=custom,
        hovertemplate=(f"%{{x}}<br>{labels['realised']}: %{{y:.1f}} %<br>{labels['assets']}: %{{customdata[0]:,d}}"
                       f"<br>{labels['book']}: {money_hover(symbol, 'customdata[1]')}"
                       f"<br>{labels['proceeds']}: {money_hover(symbol, 'customdata[2]')}"
                       f"<br>{labels['gain_loss']}: {money_hover(symbol, 'customdata[3]', signed=True)}<extra></extra>"),
        name=labels["realised"], width=[0.5 if len(frame) < 3 else 0.8] * len(frame)))
    fig.add_hline(y=100, line_dash="dash", line_color="#212121", annotation_text=labels["book_line"],
                  annotation_position="top left")
    top = max([100.0, *[s * 100 for s in frame.share if s is not None]])
    fig.update_layout(title=title, margin=dict(l=10, r=10, t=40, b=10), height=420, showlegend=False)
    fig.update_yaxes(ticksuffix=" %", range=[0, top * 1.15])
    return localized(fig)


def chart_labels() -> dict[str, str]:
    return {"realised": t("assets.chart.realised"), "assets": t("assets.chart.assets"),
            "book": t("assets.chart.book_value"), "proceeds": t("assets.chart.proceeds"),
            "gain_loss": t("assets.chart.gain_loss"), "book_line": t("assets.chart.book_line")}


# ------------------------------------------------------------------------------------------- register
def register_filters() -> dict:
    """Type, status, balance sheet and overdue-only filters above the register."""
    cols = st.columns([2, 2, 2, 1])
    asset_type = cols[0].selectbox(t("assets.filter.type"), [ANY, *ASSET_TYPES], key="assets.filter.type",
                                   format_func=lambda v: t("assets.filter.any") if v == ANY else label("asset_type", v))
    status = cols[1].selectbox(t("assets.filter.status"), [ANY, *STATUSES], key="assets.filter.status",
                               format_func=lambda v: t("assets.filter.any") if v == ANY else label("asset_status", v))
    sheet = cols[2].selectbox(t("assets.filter.balance_sheet"), [ANY, "on", "off"], key="assets.filter.sheet",
                              format_func=lambda v: t("assets.filter.any") if v == ANY else t(f"balance_sheet.{v}"))
    overdue_only = cols[3].checkbox(t("assets.filter.overdue_only"), key="assets.filter.overdue")
    return {"asset_type": None if asset_type == ANY else asset_type, "status": None if status == ANY else status,
            "on_balance_sheet": None if sheet == ANY else sheet == "on", "overdue_only": overdue_only}


#: urgency first (type, age, days to the limit, status, money), then who and where, then the disposal
REGISTER_COLUMNS = ("asset_id", "contract_no", "asset_type", "on_balance_sheet", "acquired_on", "age_days",
                    "days_to_limit", "overdue", "status", "book_value_cents", "appraisal_cents", "appraised_on",
                    "borrower", "cooperative", "disposal_method", "disposed_on", "proceeds_cents",
                    "lease_income_cents")


def register_labels() -> dict[str, str]:
    return {"asset_id": t("assets.col.id"), "contract_no": t("common.contract"), "borrower": t("common.borrower"),
            "cooperative": t("common.cooperative"), "asset_type": t("assets.col.type"),
            "on_balance_sheet": t("assets.col.balance_sheet"), "acquired_on": t("assets.col.acquired"),
            "age_days": t("assets.col.age"), "days_to_limit": t("assets.col.days_to_limit"),
            "overdue": t("assets.col.overdue"), "book_value_cents": t("assets.col.book"),
            "appraisal_cents": t("assets.col.appraisal"), "appraised_on": t("assets.col.appraised_on"),
            "status": t("assets.col.status"), "disposal_method": t("assets.col.method"),
            "disposed_on": t("assets.col.disposed_on"), "proceeds_cents": t("assets.col.proceeds"),
            "lease_income_cents": t("assets.col.lease")}


def register_words() -> dict[str, dict]:
    """The display words of the register's codes, looked up during the script run (a download callable
    runs later on another thread, where the session's language is not at hand)."""
    return {"asset_type": {a: label("asset_type", a) for a in ASSET_TYPES},
            "status": {s: label("asset_status", s) for s in STATUSES},
            "disposal_method": {m: label("disposal_method", m) for m in DISPOSAL_METHODS},
            "on_balance_sheet": {bs: balance_sheet_label(bs) for bs in (True, False)}}


def register_for_display(frame: pd.DataFrame, words: dict[str, dict]) -> pd.DataFrame:
    """Codes to words, columns in reading order; dates stay ISO dates."""
    out = frame.copy()
    for column, names in words.items():
        out[column] = out[column].map(lambda v, names=names: names.get(v, "") if v is not None else "")
    return out[list(REGISTER_COLUMNS)]


def bounded_table(shown: pd.DataFrame, *, total: int, read_all: Callable[[], pd.DataFrame], symbol: str,
                  filename: str, key: str) -> None:
    """The first rows on screen, the count of all, and CSV/Excel of *all* rows built only when clicked."""
    labels = register_labels()  # translated now: read_all runs later, on another thread
    tables.show(shown, labels=labels, money=list(MONEY_COLUMNS), symbol=symbol, key=key, filename=filename,
                total_rows=total, full=read_all)


# ---------------------------------------------------------------------------------------------- forms
def choose_asset(choices: pd.DataFrame, *, symbol: str, limits: DisposalLimits) -> int:
    """Pick a held asset (outside the forms, so its details follow the choice) and show its facts."""
    rows = {int(r.asset_id): r for r in choices.itertuples()}
    chosen = st.selectbox(t("assets.forms.choose"), list(rows), key="assets.form.asset", format_func=lambda i: t(
        "assets.forms.option", id=i, contract=rows[i].contract_no, type=label("asset_type", rows[i].asset_type),
        status=label("asset_status", rows[i].status), book=money(int(rows[i].book_value_cents), symbol)))
    row = rows[chosen]
    appraisal = None if pd.isna(row.appraisal_cents) else int(row.appraisal_cents)
    st.caption(t("assets.forms.details", acquired=fmt_date(row.acquired_on),
                 deadline=fmt_date(limits.deadline(row.asset_type, row.acquired_on)),
                 book=money(int(row.book_value_cents), symbol), appraisal=money(appraisal, symbol),
                 appraised_on=fmt_date(row.appraised_on if pd.notna(row.appraised_on) else None)))
    return chosen


def change_forms(viewer: Viewer, choices: pd.DataFrame, *, symbol: str, today: dt.date,
                 limits: DisposalLimits) -> None:
    """Appraisal, status and disposal forms for the supervisor; the commands check role and scope again."""
    if choices.empty:
        st.info(t("assets.forms.none_held"))
        return
    asset_id = choose_asset(choices, symbol=symbol, limits=limits)
    appraisal_tab, status_tab, disposal_tab = st.tabs([t("assets.tab.appraisal"), t("assets.tab.status"),
                                                       t("assets.tab.disposal")])
    with appraisal_tab, st.form("assets.appraisal", clear_on_submit=False):
        amount = st.number_input(t("assets.field.appraisal", symbol=symbol), value=None, step=100.0, format="%.2f",
                                 key="assets.appraisal.amount")
        day = st.date_input(t("assets.field.appraised_on"), value=today, key="assets.appraisal.day",
                            format="YYYY-MM-DD")
        if st.form_submit_button(t("assets.submit.appraisal"), type="primary", key="assets.appraisal.submit"):
            forms.submit(asset_commands.record_appraisal, success=t("assets.done.appraisal"), actor=viewer.actor,
                         asset_id=asset_id, amount_cents=to_cents(amount), appraised_on=day, today=today)
    with status_tab, st.form("assets.status", clear_on_submit=False):
        status = st.radio(t("assets.field.status"), asset_commands.MANUAL_STATUSES, horizontal=True,
                          format_func=lambda s: label("asset_status", s), key="assets.status.value")
        if st.form_submit_button(t("assets.submit.status"), type="primary", key="assets.status.submit"):
            forms.submit(asset_commands.change_status, success=t("assets.done.status"), actor=viewer.actor,
                         asset_id=asset_id, status=status)
    with disposal_tab, st.form("assets.disposal", clear_on_submit=False):
        method = st.selectbox(t("assets.field.method"), DISPOSAL_METHODS, key="assets.disposal.method",
                              format_func=lambda m: label("disposal_method", m))
        day = st.date_input(t("assets.field.disposed_on"), value=today, key="assets.disposal.day",
                            format="YYYY-MM-DD")
        proceeds = st.number_input(t("assets.field.proceeds", symbol=symbol), value=None, step=100.0, format="%.2f",
                                   key="assets.disposal.proceeds", help=t("defects.disposal.proceeds_help"))
        cost = st.number_input(t("defects.disposal.cost", symbol=symbol), value=0.0, step=100.0, format="%.2f",
                               key="assets.disposal.cost", help=t("defects.disposal.cost_help"))
        if st.form_submit_button(t("assets.submit.disposal"), type="primary", key="assets.disposal.submit"):
            forms.submit(asset_commands.record_disposal, success=t("defects.disposal.done"), actor=viewer.actor,
                         asset_id=asset_id, method=method, disposed_on=day, proceeds_cents=to_cents(proceeds),
                         cost_cents=to_cents(cost), today=today)

