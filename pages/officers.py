"""Officer accountability: who holds which NPLs, who is behind their deadline, what is still undecided."""
import datetime as dt

import streamlit as st

from components import bulk_assign as unowned
from components import context, empty_state, filters, frame, kpis, store, tables, today_views
from components import officer_views as views
from components.i18n import t
from data import deadlines, officers
from domain import accountability
from domain.roles import can

viewer = frame.require("officers")
ctx = context.load(viewer)
chosen = filters.show(viewer, months=ctx.months, cooperatives=ctx.cooperatives, key="officers", period=False)
frame.header("officers", viewer, chosen.cooperative_name)
empty_state.require(chosen.scope, "tape", "officers")
today, month, symbol = dt.date.today(), ctx.months[-1], ctx.symbol
manage = can(viewer.role, "assign")

shown_only = today_views.requested("show", ("gaps", "unowned", deadlines.DUE, deadlines.LATE))
if shown_only == "gaps":
    today_views.filtered_note(t("today.filtered.gaps"), "officers")
    gap_total = store.read(officers.count_accountability_gaps, scope=chosen.scope, today=today)
    views.gap_list(store.read(officers.list_accountability_gaps, scope=chosen.scope, today=today,
                              limit=views.TABLE_ROWS), total=gap_total, symbol=symbol, today=today,
                   read_all=tables.read_all(officers.list_accountability_gaps, scope=chosen.scope, today=today,
                                            limit=None))
    st.stop()
if shown_only == "unowned":
    today_views.filtered_note(t("today.filtered.unowned"), "officers")
    unowned.summary(chosen.scope, month, unowned.totals(chosen.scope, month), symbol=symbol, key="officers.unowned")
    st.stop()
if shown_only is not None:  # open assignments due within the days asked for, or past their deadline
    days = today_views.requested_days(ctx.settings.today_due_soon_days)
    today_views.filtered_note(t(f"today.filtered.{shown_only}", days=days), "officers")
    today_views.assignment_list(chosen.scope, kind=shown_only, days=days, today=today, symbol=symbol,
                                key=f"officers.{shown_only}")
    st.stop()

requested = views.requested_officer()
if requested is None:
    empty_state.note(chosen.scope, "assignments")
else:
    views.back_button()
    views.detail(viewer, requested, ctx=ctx, today=today, manage=manage)
    st.stop()

facts = store.read(officers.list_officer_facts, scope=chosen.scope, month=month)
by_status = store.read(officers.assignments_by_status, scope=chosen.scope, today=today, month=month,
                       segment=chosen.segment)
table = accountability.officer_table(facts, by_status)
if table.empty:
    st.info(t("officers.none"))
    st.stop()
gap_counts = store.read(officers.gap_counts, scope=chosen.scope, today=today, segment=chosen.segment)
no_one = unowned.totals(chosen.scope, month, chosen.segment)
kpis.show([*views.kpi_row(accountability.totals(table), views.gap_kpi(gap_counts, no_one[0]), symbol),
           unowned.kpi(no_one, symbol, month)])

union_view = chosen.cooperative_id is None and table.cooperative_id.nunique() > 1
rates = accountability.on_time_by_month(store.read(officers.on_time_by_deadline_month, scope=chosen.scope,
                                                   today=today, segment=chosen.segment))
clicked = views.charts_section(table, symbol=symbol, rates=rates, per_cooperative=union_view)

st.subheader(t("officers.table"), anchor=False)
picked = views.officer_picker(table)
selected = views.officer_table(table, symbol=symbol, show_cooperative=union_view)
for officer_id in (clicked, picked, selected):
    if officer_id is not None:
        views.open_officer(officer_id)

st.subheader(t("officers.gap.title"), anchor=False)
st.caption(t("defects.gap.help"))
gaps = store.read(officers.list_accountability_gaps, scope=chosen.scope, today=today, segment=chosen.segment,
                  limit=views.TABLE_ROWS)
views.gap_list(gaps, total=sum(gap_counts.values()), symbol=symbol, today=today,
               read_all=tables.read_all(officers.list_accountability_gaps, scope=chosen.scope, today=today,
                                        segment=chosen.segment, limit=None))

st.subheader(t("unowned.title"), anchor=False)
st.caption(t("unowned.help"))
unowned.flash()
unowned.summary(chosen.scope, month, no_one, symbol=symbol, key="officers.unowned", segment=chosen.segment)
if manage and no_one[0]:
    with st.expander(t("unowned.bulk.title"), icon=":material/playlist_add_check:"):
        unowned.bulk_assign(viewer, scope=chosen.scope, month=month, settings=ctx.settings, today=today,
                            figures=no_one if chosen.segment is None else unowned.totals(chosen.scope, month))

if manage:
    st.subheader(t("officers.form.assign_title"), anchor=False)
    npls = store.read(officers.list_assignable_npls, scope=chosen.scope, month=month, limit=unowned.PREVIEW_ROWS)
    candidates = store.read(officers.list_officers, scope=chosen.scope, active_only=True)
    views.assign_form(viewer, npls=npls, officer_list=candidates, symbol=symbol, today=today,
                      days=ctx.settings.default_assignment_days)
st.caption(t("officers.definitions", today=today.isoformat(), month=month.strftime("%Y-%m")))
