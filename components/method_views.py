"""Collection methods, legal cases and village coordination: figure builders and page pieces.

The ``*_chart`` functions are pure (DataFrame in, go.Figure out, no Streamlit) so they can be tested alone;
the ``show_*`` pieces and ``action_form`` render Streamlit. Labels arrive translated where a builder is
pure; money arrives in cents and is shown in currency units with the configured symbol.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from components.format import money, money_hover, money_ticks, number, share, to_cents
from components.format import month as fmt_month
from components.charts import localized
from components import charts, forms, kpis, tables
from components.auth import Viewer
from components.context import PageContext
from components.i18n import label, t
from components.theme import CLASS_COLORS, METHOD_COLORS
from data import actions
from domain import method_figures as mf
from domain.methods import ACTION_OUTCOMES, LEGAL, LEGAL_STAGES, METHODS, VILLAGE, VILLAGE_SOURCES
from domain.roles import OFFICER
from domain.segments import SEGMENTS

LAYOUT = dict(margin=dict(l=10, r=10, t=40, b=10), legend=dict(orientation="h", y=-0.18), height=400)
CASE_ROWS_SHOWN = 100
#: shades for the village-money sources and the legal money bars, all from the theme's method colours
SOURCE_OPACITY = {"village_funds": 1.0, "subsidy": 0.7, "collective_property": 0.45}


# --- pure figure builders ---------------------------------------------------------------------------
def comparison_chart(table: pd.DataFrame, *, names: dict[str, str], symbol: str, title: str, recovered_name: str,
                     cost_name: str, rate_name: str) -> go.Figure:
    """Per method: recovered and cost bars (method colours), recovery rate on the balance worked as markers."""
    x = [names.get(m, m) for m in table.method]
    colors = [METHOD_COLORS.get(m, "#7f7f7f") for m in table.method]
    fig = go.Figure()
    fig.add_bar(x=x, y=table.recovered_cents / 100, name=recovered_name, marker_color=colors,
                hovertemplate=f"%{{x}}<br>{recovered_name}: {money_hover(symbol, 'y')}<extra></extra>")
    fig.add_bar(x=x, y=table.cost_cents / 100, name=cost_name, marker_color=colors, marker_opacity=0.35,
                marker_pattern_shape="/",
                hovertemplate=f"%{{x}}<br>{cost_name}: {money_hover(symbol, 'y')}<extra></extra>")
    rates = [None if r is None or pd.isna(r) else float(r) * 100 for r in table.recovery_rate]
    fig.add_scatter(x=x, y=rates, name=rate_name, mode="markers", yaxis="y2",
                    marker=dict(size=12, color="#212121", symbol="diamond"),
                    hovertemplate=f"%{{x}}<br>{rate_name}: %{{y:.1f}} %<extra></extra>")
    fig.update_layout(barmode="group", title=title, **LAYOUT,
                      yaxis=dict(**money_ticks(symbol), tickformat="~s", rangemode="tozero"),
                      yaxis2=dict(overlaying="y", side="right", ticksuffix=" %", rangemode="tozero", showgrid=False))
    return localized(fig)


def trend_chart(monthly: pd.DataFrame, *, names: dict[str, str], symbol: str, title: str) -> go.Figure:
    """Stacked monthly recoveries, one colour per method, in the directive's method order."""
    pivot = monthly.pivot_table(index="month", columns="method", values="recovered_cents", aggfunc="sum",
                                fill_value=0)
    pivot = pivot.reindex(columns=[m for m in METHODS if m in pivot.columns]).sort_index()
    x = [fmt_month(m) for m in pivot.index]
    fig = go.Figure()
    for method in pivot.columns:
        fig.add_bar(x=x, y=pivot[method] / 100, name=names.get(method, method), marker_color=METHOD_COLORS.get(method),
                    hovertemplate=f"{money_hover(symbol, 'y')}")
    fig.update_layout(barmode="stack", title=title, hovermode="x unified", **LAYOUT)
    fig.update_yaxes(**money_ticks(symbol), tickformat="~s", rangemode="tozero")
    return localized(fig)


def cross_heatmap(pivot: pd.DataFrame, *, row_names: dict[str, str], col_names: dict[str, str], title: str,
                  kind: str, symbol: str = "") -> go.Figure:
    """Method (rows) x cooperative or segment (columns): money, share or count per cell; blank = no action."""
    values = pivot.astype("float64")
    scale, cell = {"money": (0.01, lambda v: money(v, symbol)),
                   "share": (100, lambda v: share(v))}.get(kind, (1, lambda v: number(v)))
    shown = values * scale
    text = [[cell(v) if pd.notna(v) else "" for v in row] for row in values.values]
    fig = go.Figure(go.Heatmap(z=shown.values, x=[col_names.get(c, str(c)) for c in pivot.columns],
                               y=[row_names.get(r, r) for r in pivot.index], text=text, texttemplate="%{text}",
                               colorscale="Greens", showscale=False, hoverongaps=False,
                               hovertemplate="%{y} · %{x}: %{text}<extra></extra>"))
    fig.update_layout(title=title, margin=dict(l=10, r=10, t=50, b=10), height=max(300, 44 * len(pivot.index) + 140))
    fig.update_xaxes(side="bottom", tickangle=-25, automargin=True)
    fig.update_yaxes(autorange="reversed", automargin=True)
    return localized(fig)


def legal_money_chart(pipeline: pd.DataFrame, *, stage_names: dict[str, str], symbol: str, title: str,
                      claimed_name: str, recovered_name: str, cost_name: str) -> go.Figure:
    """Per stage: claimed vs recovered vs legal cost (cents in, currency out)."""
    x = [stage_names.get(s, s) for s in pipeline.stage]
    legal = METHOD_COLORS[LEGAL]
    fig = go.Figure()
    for column, name, opacity, color in (("claim_cents", claimed_name, 0.4, legal),
                                         ("recovered_cents", recovered_name, 1.0, legal),
                                         ("costs_cents", cost_name, 1.0, METHOD_COLORS["other"])):
        fig.add_bar(x=x, y=pipeline[column] / 100, name=name, marker_color=color, marker_opacity=opacity,
                    hovertemplate=f"%{{x}}<br>{name}: {money_hover(symbol, 'y')}<extra></extra>")
    fig.update_layout(barmode="group", title=title, **LAYOUT)
    fig.update_yaxes(**money_ticks(symbol), tickformat="~s", rangemode="tozero")
    return localized(fig)


def stage_days_chart(pipeline: pd.DataFrame, *, stage_names: dict[str, str], title: str, days_name: str,
                     count_name: str) -> go.Figure:
    """Average days cases spent in each stage (closed is an end state and has none)."""
    rows = pipeline[pipeline.stage != "closed"]
    fig = go.Figure(go.Bar(x=rows.avg_days.fillna(0), y=[stage_names.get(s, s) for s in rows.stage], orientation="h",
                           marker_color=METHOD_COLORS[LEGAL], customdata=rows.reached,
                           hovertemplate=f"%{{y}}<br>{days_name}: %{{x:,.0f}}<br>{count_name}: %{{customdata:,d}}"
                                         "<extra></extra>"))
    fig.update_layout(title=title, margin=LAYOUT["margin"], height=280)
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(ticksuffix=" d", rangemode="tozero")
    return localized(fig)


def source_chart(by_source: pd.DataFrame, *, source_names: dict[str, str], symbol: str, title: str) -> go.Figure:
    """Village-coordinated recoveries by where the money came from."""
    fig = go.Figure(go.Bar(x=[source_names.get(s, s) for s in by_source.village_source],
                           y=by_source.recovered_cents / 100, marker_color=METHOD_COLORS[VILLAGE],
                           marker_opacity=[SOURCE_OPACITY.get(s, 0.6) for s in by_source.village_source],
                           hovertemplate=f"%{{x}}: {money_hover(symbol, 'y')}<extra></extra>"))
    fig.update_layout(title=title, margin=LAYOUT["margin"], height=340)
    fig.update_yaxes(**money_ticks(symbol), tickformat="~s", rangemode="tozero")
    return localized(fig)


# --- tables ---------------------------------------------------------------------------------------------
def _show_table(frame: pd.DataFrame, *, labels: dict[str, str], money_cols: list[str], percent_cols: list[str],
                symbol: str, key: str, filename: str, total_rows: int | None = None,
                full: pd.DataFrame | Callable[[], pd.DataFrame] | None = None) -> None:
    """Like tables.show, plus share columns shown as percentages (values 0..1 become 0..100)."""
    def prepare(data: pd.DataFrame) -> pd.DataFrame:
        out = tables.money_columns(data, money_cols)
        for column in percent_cols:
            out[column] = pd.to_numeric(out[column], errors="coerce") * 100
        return out.rename(columns=labels)

    tables.grid(tables.dashes(prepare(frame)), money_headers=[labels.get(c, c) for c in money_cols],
                percent_headers=[labels.get(c, c) for c in percent_cols], symbol=symbol)
    if total_rows is not None and total_rows > len(frame):
        st.caption(t("table.showing", shown=number(len(frame)), total=number(total_rows)))
    if callable(full):
        tables.downloads(lambda: prepare(full()), filename=filename, key=key)
    else:
        tables.downloads(prepare(full if full is not None else frame), filename=filename, key=key)


def method_names() -> dict[str, str]:
    return {m: label("method", m) for m in METHODS}


def kpi_row(total: mf.MethodTotals, symbol: str) -> list[kpis.Kpi]:
    """All methods together, each loan counted once."""
    days = "—" if total.median_days is None else number(total.median_days)
    return [
        kpis.Kpi(t("methods.kpi.actions"), number(total.actions), help=t("methods.kpi.actions_help")),
        kpis.Kpi(t("methods.kpi.loans"), number(total.loans_worked)),
        kpis.Kpi(t("methods.kpi.recovered"), money(total.recovered_cents, symbol, compact=True)),
        kpis.Kpi(t("methods.kpi.cost"), money(total.cost_cents, symbol, compact=True)),
        kpis.Kpi(t("methods.kpi.net"), money(total.net_cents, symbol, compact=True), help=t("methods.kpi.net_help")),
        kpis.Kpi(t("methods.kpi.rate"), share(total.recovery_rate), help=t("methods.kpi.rate_help")),
        kpis.Kpi(t("methods.kpi.share"), share(total.recovery_share), help=t("methods.kpi.share_help")),
        kpis.Kpi(t("methods.kpi.days"), days, help=t("methods.kpi.days_help")),
    ]


def show_method_table(table: pd.DataFrame, *, symbol: str, filename: str) -> None:
    shown = table.copy()
    shown["method"] = shown.method.map(lambda m: label("method", m))
    labels = {"method": t("methods.col.method"), "actions": t("methods.col.actions"),
              "loans_worked": t("methods.col.loans_worked"), "loans_recovered": t("methods.col.loans_recovered"),
              "recovered_cents": t("methods.col.recovered"), "cost_cents": t("methods.col.cost"),
              "net_cents": t("methods.col.net"), "balance_worked_cents": t("methods.col.balance_worked"),
              "recovery_rate": t("methods.col.rate"), "recovery_share": t("methods.col.share"),
              "median_days": t("methods.col.days")}
    _show_table(shown[list(labels)], labels=labels, symbol=symbol, key="methods.table", filename=filename,
                money_cols=["recovered_cents", "cost_cents", "net_cents", "balance_worked_cents"],
                percent_cols=["recovery_rate", "recovery_share"])


# --- page sections --------------------------------------------------------------------------------------
def show_breakdowns(by_coop: pd.DataFrame, by_segment: pd.DataFrame, *, symbol: str) -> None:
    """Method x cooperative and method x segment heatmaps of one chosen figure."""
    figures = {"recovery_rate": "share", "recovered_cents": "money", "net_cents": "money",
               "recovery_share": "share", "actions": "count"}
    chosen = st.radio(t("methods.where.figure"), list(figures), horizontal=True, key="methods.where.figure",
                      format_func=lambda f: t(f"methods.figure.{f}"))
    names = method_names()
    coop_area, (segment_area, _) = st.container(), st.columns([2, 3])
    for column, frame, row, col_names, title in (
            (coop_area, by_coop, "cooperative", None, t("methods.where.by_cooperative")),
            (segment_area, by_segment, "segment", {s: label("segment", s) for s in SEGMENTS},
             t("methods.where.by_segment"))):
        if frame.empty:
            column.info(t("methods.no_actions"))
            continue
        pivot = mf.cross_table(frame, row=row, value=chosen)
        if row == "segment":
            pivot = pivot.reindex(columns=[s for s in SEGMENTS if s in pivot.columns])
        column.plotly_chart(cross_heatmap(pivot, row_names=names, col_names=col_names or {}, kind=figures[chosen],
                                          symbol=symbol, title=title), key=f"methods.chart.where.{row}")
    st.caption(t("methods.where.hint"))
    for frame, row, title in ((by_coop, "cooperative", t("methods.where.by_cooperative")),
                              (by_segment, "segment", t("methods.where.by_segment"))):
        if frame.empty:
            continue
        with st.expander(t("methods.where.table", title=title), expanded=row == "cooperative"):
            shown = mf.with_rates(frame, keys=["method", row])
            shown = shown.assign(order=shown.method.map({m: i for i, m in enumerate(METHODS)}))
            shown = shown.sort_values(["order", row]).drop(columns="order")
            shown["method"] = shown.method.map(lambda m: label("method", m))
            if row == "segment":
                shown["segment"] = shown.segment.map(lambda s: label("segment", s))
            labels = {"method": t("methods.col.method"),
                      row: t("common.cooperative") if row == "cooperative" else t("common.segment"),
                      "actions": t("methods.col.actions"), "loans_worked": t("methods.col.loans_worked"),
                      "recovered_cents": t("methods.col.recovered"), "cost_cents": t("methods.col.cost"),
                      "net_cents": t("methods.col.net"), "balance_worked_cents": t("methods.col.balance_worked"),
                      "recovery_rate": t("methods.col.rate"), "recovery_share": t("methods.col.share")}
            _show_table(shown[list(labels)], labels=labels, symbol=symbol, key=f"methods.where.{row}",
                        filename=f"methods-by-{row}",
                        money_cols=["recovered_cents", "cost_cents", "net_cents", "balance_worked_cents"],
                        percent_cols=["recovery_rate", "recovery_share"])


def show_legal(pipeline: pd.DataFrame, *, symbol: str) -> dict[str, str]:
    """The pipeline charts and stage table; returns the stage names for the case list."""
    stage_names = {s: label("legal_stage", s) for s in LEGAL_STAGES}
    left, right = st.columns([3, 2])
    left.plotly_chart(legal_money_chart(pipeline, stage_names=stage_names, symbol=symbol,
                                        title=t("methods.legal.money_title"), claimed_name=t("methods.legal.claimed"),
                                        recovered_name=t("methods.legal.recovered"),
                                        cost_name=t("methods.legal.costs")), key="methods.chart.legal.money")
    right.plotly_chart(stage_days_chart(pipeline, stage_names=stage_names, title=t("methods.legal.days_title"),
                                        days_name=t("methods.legal.avg_days"), count_name=t("methods.legal.reached")),
                       key="methods.chart.legal.days")
    shown = pipeline.assign(stage=pipeline.stage.map(stage_names), avg_days=pipeline.avg_days.round(0))
    labels = {"stage": t("methods.legal.stage"), "cases": t("methods.legal.cases"),
              "claim_cents": t("methods.legal.claimed"), "costs_cents": t("methods.legal.costs"),
              "recovered_cents": t("methods.legal.recovered"), "reached": t("methods.legal.reached"),
              "avg_days": t("methods.legal.avg_days")}
    _show_table(shown[list(labels)], labels=labels, money_cols=["claim_cents", "costs_cents", "recovered_cents"],
                percent_cols=[], symbol=symbol, key="methods.legal.pipeline", filename="legal-pipeline")
    st.caption(t("methods.legal.definition"))
    return stage_names


def show_case_list(cases: pd.DataFrame, full: Callable[[], pd.DataFrame], total: int, *, stage_names: dict[str, str],
                   symbol: str) -> None:
    labels = {"contract_no": t("common.contract"), "borrower": t("common.borrower"),
              "cooperative": t("common.cooperative"), "court": t("methods.legal.court"),
              "filed_on": t("methods.legal.filed_on"), "stage": t("methods.legal.stage"),
              "judgment_on": t("methods.legal.judgment_on"), "enforcement_on": t("methods.legal.enforcement_on"),
              "closed_on": t("methods.legal.closed_on"), "claim_cents": t("methods.legal.claimed"),
              "costs_cents": t("methods.legal.costs"), "recovered_cents": t("methods.legal.recovered")}

    def prepare(frame: pd.DataFrame) -> pd.DataFrame:
        return frame.assign(stage=frame.stage.map(lambda s: stage_names.get(s, s)))[list(labels)]

    _show_table(prepare(cases), labels=labels, money_cols=["claim_cents", "costs_cents", "recovered_cents"],
                percent_cols=[], symbol=symbol, key="methods.legal.cases", filename="legal-cases", total_rows=total,
                full=lambda: prepare(full()))


def show_village(by_village: pd.DataFrame, by_source: pd.DataFrame, top_npl: pd.DataFrame, *, symbol: str,
                 npl_month: dt.date) -> None:
    if by_village.empty:
        st.info(t("methods.village.none"))
    else:
        left, right = st.columns([3, 2])
        ranked = by_village.head(15).assign(village=by_village.village.fillna(t("methods.village.unknown")))
        ranked = ranked.assign(village=ranked.village + " · " + ranked.cooperative)
        left.plotly_chart(charts.ranked_bars(ranked, category="village", value="recovered_cents", change=None,
                                             symbol=symbol, title=t("methods.village.by_village"),
                                             value_name=t("methods.col.recovered"), color=METHOD_COLORS[VILLAGE]),
                          key="methods.chart.village")
        source_names = {s: label("village_source", s) for s in VILLAGE_SOURCES}
        right.plotly_chart(source_chart(by_source, source_names=source_names, symbol=symbol,
                                        title=t("methods.village.by_source")),
                           key="methods.chart.source")
        labels = {"village": t("methods.village.village"), "cooperative": t("common.cooperative"),
                  "actions": t("methods.col.actions"), "loans": t("methods.col.loans_worked"),
                  "recovered_cents": t("methods.col.recovered"), "cost_cents": t("methods.col.cost")}
        table = by_village.assign(village=by_village.village.fillna(t("methods.village.unknown")))
        with st.expander(t("methods.village.table")):
            _show_table(table[list(labels)], labels=labels, money_cols=["recovered_cents", "cost_cents"],
                        percent_cols=[], symbol=symbol, key="methods.village.recoveries", filename="village-recoveries")
    st.subheader(t("methods.village.npl_title", month=fmt_month(npl_month)))
    if top_npl.empty:
        st.info(t("methods.village.no_npl"))
        return
    ranked = top_npl.assign(village=top_npl.village + " · " + top_npl.cooperative)
    st.plotly_chart(charts.ranked_bars(ranked, category="village", value="npl_cents", change=None, symbol=symbol,
                                       title=t("methods.village.npl_chart"), value_name=t("methods.village.npl"),
                                       color=CLASS_COLORS["doubtful"]), key="methods.chart.village_npl")
    labels = {"village": t("methods.village.village"), "cooperative": t("common.cooperative"),
              "npl_cents": t("methods.village.npl"), "npl_count": t("methods.village.npl_count")}
    _show_table(top_npl[list(labels)], labels=labels, money_cols=["npl_cents"], percent_cols=[], symbol=symbol,
                key="methods.village.npl", filename=f"villages-npl-{fmt_month(npl_month)}")


# --- the action form ------------------------------------------------------------------------------------
def action_form(viewer: Viewer, ctx: PageContext, *, key: str = "action_form") -> None:
    """The form to record a collection action (supervisors; officers for the loans they answer for).

    Reusable on any page: the command checks role, scope and ownership again, and store.write clears
    the read cache so every figure shows the new action at once.
    """
    if viewer.role == OFFICER:
        st.caption(t("methods.form.officer_hint"))
    with st.form(key, clear_on_submit=False):
        left, right = st.columns(2)
        contract = left.text_input(t("methods.form.contract"), key=f"{key}.contract", max_chars=40,
                                   help=t("methods.form.contract_help"))
        action_date = right.date_input(t("methods.form.date"), value=dt.date.today(), key=f"{key}.date",
                                       format="YYYY-MM-DD")
        method = left.selectbox(t("methods.form.method"), list(METHODS), key=f"{key}.method",
                                format_func=lambda m: label("method", m))
        source = right.selectbox(t("methods.form.source"), [None, *VILLAGE_SOURCES], key=f"{key}.source",
                                 format_func=lambda s: t("methods.form.no_source") if s is None else
                                 label("village_source", s), help=t("methods.form.source_help"))
        amount = left.number_input(t("methods.form.amount", symbol=ctx.symbol), min_value=0.0, value=0.0, step=100.0,
                                   format="%.2f", key=f"{key}.amount", help=t("methods.form.amount_help"))
        cost = right.number_input(t("methods.form.cost", symbol=ctx.symbol), min_value=0.0, value=0.0, step=10.0,
                                  format="%.2f", key=f"{key}.cost")
        outcome = left.selectbox(t("methods.form.outcome"), list(ACTION_OUTCOMES), key=f"{key}.outcome",
                                 format_func=lambda o: label("action_outcome", o))
        note = st.text_area(t("methods.form.note"), key=f"{key}.note", max_chars=actions.NOTE_MAX_CHARS)
        submitted = st.form_submit_button(t("methods.form.submit"), type="primary", key=f"{key}.submit")
    if submitted:
        saved = forms.submit(actions.record_action, success=t("methods.form.saved"), actor=viewer.actor,
                             contract_no=contract, method=method, action_date=action_date,
                             recovered_cents=to_cents(amount), cost_cents=to_cents(cost), outcome=outcome,
                             village_source=source, note=note)
        if saved is not None:
            st.caption(t("methods.form.saved_detail", contract=contract.strip(), method=label("method", method),
                         amount=money(saved.recovered_cents, ctx.symbol)))

