"""The director's overview: is the absolute NPL balance falling, where, and how loans migrate."""
import streamlit as st

from components import bulk_assign as unowned
from components import charts, context, empty_state, filters, flow_views, frame, kpis, store, tables
from components.format import money, month, share
from components.i18n import label, t
from components.overview import cooperative_selection, kpi_row, largest_table, migration_months
from components.report_views import report_button
from data import portfolio
from domain import figures
from domain.classes import CLASSES, CLOSED_LOAN, NEW_LOAN, NPL_CLASSES
from domain.roles import can

viewer = frame.require("overview")
ctx = context.load(viewer)
chosen = filters.show(viewer, months=ctx.months, cooperatives=ctx.cooperatives, key="overview")
frame.header("overview", viewer, chosen.cooperative_name)
empty_state.require(chosen.scope, "tape")
symbol = ctx.symbol

balances = store.read(portfolio.balances_by_month, scope=chosen.scope, first=ctx.months[0], last=chosen.last)
latest = ctx.months[-1]  # who answers for an NPL is a fact of today: the latest month, whatever the period
no_one = unowned.totals(chosen.scope, latest, chosen.segment)
kpis.show([*kpi_row(balances, chosen, ctx), unowned.kpi(no_one, symbol, latest), flow_views.coverage_kpi(chosen, ctx)])
report_button(viewer, ctx, chosen.last, key="overview.report", scope=chosen.scope)

class_names = {c: label("class", c) for c in (*CLASSES, NEW_LOAN, CLOSED_LOAN)}
in_period = balances[balances.month >= chosen.first]
segment_rows = in_period if chosen.segment is None else in_period[in_period.segment == chosen.segment]
# a tab's charts are built only while it is open (switching reruns): hidden charts cost the browser as much
# as shown ones, and the overview is what every sign-in waits for
npl_tab, segment_tab, all_tab = st.tabs([t("overview.tab.npl"), t("overview.tab.segment"), t("overview.tab.all")],
                                        key="overview.tab", on_change="rerun")
flow_rows = flow_views.read_rows(chosen, ctx)
if npl_tab.open is not False:
    npl_pivot = figures.class_pivot(segment_rows, classes=NPL_CLASSES)
    target, start = None, None
    if ctx.settings.npl_reduction_target_pct > 0 and not npl_pivot.empty:
        start = (npl_pivot.index[0], int(npl_pivot.iloc[0].sum()))
        target = figures.target_path(*start, list(npl_pivot.index), ctx.settings.npl_reduction_target_pct)
    forecast, future = flow_views.forecast_parts(flow_rows, chosen, ctx)
    target = flow_views.target_with_future(target, future, start=start, pct=ctx.settings.npl_reduction_target_pct)
    npl_chart = charts.stacked_balances(
        npl_pivot, names=class_names, colors=charts.class_colors(), symbol=symbol, title=t("overview.chart.npl"),
        total_name=t("overview.total_npl"), target=target,
        target_name=t("overview.target", pct=ctx.settings.npl_reduction_target_pct))
    flow_views.add_forecast(npl_chart, forecast, figures.npl_balance(segment_rows, chosen.last), chosen, symbol)
    npl_tab.plotly_chart(npl_chart, key="chart.npl")
    with npl_tab:
        flow_views.forecast_verdict(flow_rows, forecast, target, ctx)
if segment_tab.open is not False:
    segment_tab.plotly_chart(charts.stacked_balances(
        figures.npl_by_segment(in_period), names={s: label("segment", s) for s in ("old", "new")},
        colors=charts.segment_colors(), symbol=symbol, title=t("overview.chart.segment"),
        total_name=t("overview.total_npl")), key="chart.segment")
if all_tab.open is not False:
    all_tab.plotly_chart(charts.stacked_balances(
        figures.class_pivot(segment_rows), names=class_names, colors=charts.class_colors(), symbol=symbol,
        title=t("overview.chart.all")), key="chart.all")

if chosen.cooperative_id is None and len(ctx.cooperatives) > 1:
    st.subheader(t("overview.by_cooperative"))
    by_coop = store.read(portfolio.npl_by_cooperative, scope=chosen.scope, months=[chosen.first, chosen.last],
                         segment=chosen.segment)
    cooperative_selection(by_coop, chosen, symbol)

flow_views.movement_section(flow_rows, chosen, ctx)
flow_views.roll_section(flow_rows, chosen, ctx)

st.subheader(t("overview.migration"))
from_month, to_month = migration_months(ctx.months, chosen)
if from_month < to_month:
    moves = store.read(portfolio.migration, scope=chosen.scope, from_month=from_month, to_month=to_month,
                       segment=chosen.segment)
    left, right = st.columns(2)
    left.metric(t("overview.cured"), share(figures.cure_share(moves)), help=t("overview.cured_help"), border=True)
    right.metric(t("overview.downgraded"), share(figures.normal_downgrade_share(moves)),
                 help=t("overview.downgraded_help"), border=True)
    balance_tab, count_tab = st.tabs([t("common.balance"), t("common.count")], key="overview.migration_tab",
                                     on_change="rerun")
    for tab, value, money_symbol in ((balance_tab, "balance_cents", symbol), (count_tab, "loan_count", None)):
        if tab.open is False:
            continue
        matrix = figures.migration_matrix(moves, value)
        tab.plotly_chart(charts.heatmap(matrix, row_names=class_names, col_names=class_names,
                                        title=t("overview.migration_title", first=month(from_month),
                                                second=month(to_month)),
                                        x_title=month(to_month), y_title=month(from_month), symbol=money_symbol),
                         key=f"chart.migration.{value}")
        table = matrix.rename(index=class_names, columns=class_names).rename_axis(index=t("overview.from_to"))
        tables.grid(table / 100 if money_symbol else table, money_headers=table.columns if money_symbol else (),
                    symbol=symbol, decimals=0, container=tab, hide_index=False)

st.subheader(t("unowned.title"), anchor=False)
st.caption(t("unowned.help"))
unowned.summary(chosen.scope, latest, no_one, symbol=symbol, key="overview.unowned", segment=chosen.segment)
if no_one[0] and can(viewer.role, "assign"):
    unowned.link_to_officers(chosen.cooperative_id)

st.subheader(t("overview.largest", month=month(chosen.last)))
largest_table(chosen, symbol)
st.caption(t("overview.definitions", symbol=symbol, total=money(figures.npl_balance(balances, chosen.last), symbol)))
