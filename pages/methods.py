"""Which collection measures work, and at what cost: methods compared, where they work, legal cases, villages."""
import streamlit as st

from components import context, empty_state, filters, frame, kpis, store, tables
from components import method_views as views
from components.format import month
from components.i18n import t
from data import methods
from domain.methods import LEGAL_STAGES
from domain.months import month_end
from domain.roles import can

viewer = frame.require("methods")
ctx = context.load(viewer)
chosen = filters.show(viewer, months=ctx.months, cooperatives=ctx.cooperatives, key="methods")
frame.header("methods", viewer, chosen.cooperative_name)
empty_state.require(chosen.scope, "tape")
if empty_state.note(chosen.scope, "actions"):  # nothing recorded yet: only the form to record one means anything
    if can(viewer.role, "record_action"):
        st.subheader(t("methods.form.title"))
        views.action_form(viewer, ctx, key="methods.action")
    st.stop()
symbol = ctx.symbol
period = dict(scope=chosen.scope, first_day=chosen.first, last_day=month_end(chosen.last), segment=chosen.segment)

figures = store.read(methods.method_groups, **period)  # one read behind every method figure of the page
kpis.show(views.kpi_row(figures.totals, symbol))

sections = ["compare", "where", "legal", "village"] + (["record"] if can(viewer.role, "record_action") else [])
section = st.radio(t("methods.tab.compare"), sections, format_func=lambda s: t(f"methods.tab.{s}"), horizontal=True,
                   key="methods.section", label_visibility="collapsed")

if section == "compare":
    table = figures.table
    names = views.method_names()
    st.plotly_chart(views.comparison_chart(
        table, names=names, symbol=symbol, title=t("methods.chart.compare", first=month(chosen.first),
                                                    last=month(chosen.last)),
        recovered_name=t("methods.chart.recovered"), cost_name=t("methods.chart.cost"),
        rate_name=t("methods.chart.rate")), key="methods.chart.compare")
    monthly = store.read(methods.recoveries_by_month, **period)
    if not monthly.empty:
        st.plotly_chart(views.trend_chart(monthly, names=names, symbol=symbol, title=t("methods.chart.trend")),
                        key="methods.chart.trend")
    views.show_method_table(table, symbol=symbol, filename=f"methods-{month(chosen.first)}-{month(chosen.last)}")
    st.caption(t("methods.definitions"))
elif section == "where":
    views.show_breakdowns(figures.by_cooperative, figures.by_segment, symbol=symbol)
elif section == "legal":
    stage_names = views.show_legal(store.read(methods.legal_pipeline, **period), symbol=symbol)
    st.subheader(t("methods.legal.list"))
    stage = st.selectbox(t("methods.legal.stage_filter"), [None, *LEGAL_STAGES], key="methods.legal.stage",
                         format_func=lambda s: t("methods.legal.all_stages") if s is None else stage_names[s])
    count = store.read(methods.count_legal_cases, **period, stage=stage)
    if count == 0:
        st.info(t("methods.legal.none"))
    else:
        views.show_case_list(store.read(methods.list_legal_cases, **period, stage=stage, limit=views.CASE_ROWS_SHOWN),
                             tables.read_all(methods.list_legal_cases, **period, stage=stage, limit=None), count,
                             stage_names=stage_names, symbol=symbol)
elif section == "village":
    views.show_village(store.read(methods.village_recoveries, **period, by="village"),
                       store.read(methods.village_recoveries, **period, by="source"),
                       store.read(methods.villages_by_npl, scope=chosen.scope, month=chosen.last,
                                  segment=chosen.segment), symbol=symbol, npl_month=chosen.last)
else:
    st.subheader(t("methods.form.title"))
    views.action_form(viewer, ctx, key="methods.action")
