"""Foreclosed assets pending disposal: what is held, what is past its legal limit, what disposals realised."""
import datetime as dt

import streamlit as st

from components import asset_views as views
from components import context, empty_state, filters, frame, kpis, store, tables, today_views
from components.i18n import label, t
from data import assets
from domain.asset_ageing import BUCKETS, DisposalLimits
from domain.assets import ASSET_TYPES, DISPOSAL_METHODS
from domain.roles import can

viewer = frame.require("assets")
ctx = context.load(viewer)
chosen = filters.show(viewer, months=ctx.months, cooperatives=ctx.cooperatives, key="assets", period=False)
frame.header("assets", viewer, chosen.cooperative_name)
empty_state.require(chosen.scope, "assets")
scope, symbol, today, segment = chosen.scope, ctx.symbol, dt.date.today(), chosen.segment
limits = DisposalLimits.from_settings(ctx.settings)
if "due_within" in st.query_params:  # opened from Today: only the held assets at or near their legal limit
    days = today_views.requested_days(ctx.settings.today_asset_days, "due_within")
    today_views.filtered_note(t("today.filtered.assets_due", days=days), "assets")
    words = views.register_words()
    due = dict(scope=scope, today=today, due_within_days=days)
    shown = store.read(assets.register, limit=views.REGISTER_LIMIT, **due)
    if shown.empty:
        st.success(t("today.list.empty"))
    else:
        views.bounded_table(views.register_for_display(shown, words), total=store.read(assets.count_register, **due),
                            read_all=lambda: views.register_for_display(tables.read_now(assets.register, limit=None,
                                                                                        **due), words),
                            symbol=symbol, filename=f"assets-due-{today.isoformat()}", key="assets.due")
    st.stop()

holdings = store.read(assets.holdings, scope=scope, today=today, segment=segment)
this_year = store.read(assets.disposals_by_method, scope=scope, first_day=dt.date(today.year, 1, 1), last_day=today,
                       segment=segment)
kpis.show(views.kpi_row(holdings, this_year, store.read(assets.lease_income, scope=scope, segment=segment),
                        symbol=symbol, year=today.year))
st.caption(t("assets.as_of", today=today.isoformat(), real_estate=limits.real_estate_years,
             movable=limits.movable_years))

left, right = st.columns(2)
ageing = store.read(assets.ageing, scope=scope, today=today, segment=segment)
if ageing.empty:
    left.info(t("assets.chart.ageing_empty"))
else:
    left.plotly_chart(views.ageing_chart(
        ageing, type_names={a: label("asset_type", a) for a in ASSET_TYPES},
        bucket_names={b: label("asset_bucket", b) for b in BUCKETS},
        balance_sheet_names={bs: views.balance_sheet_label(bs) for bs in (True, False)}, symbol=symbol,
        title=t("assets.chart.ageing"), value_name=t("assets.chart.book_value"), count_name=t("assets.chart.assets")),
        key="chart.assets.ageing")
disposals = store.read(assets.disposals_by_method, scope=scope, segment=segment)
if disposals.empty:
    right.info(t("assets.chart.disposals_empty"))
else:
    right.plotly_chart(views.disposals_chart(
        disposals, method_names={m: label("disposal_method", m) for m in DISPOSAL_METHODS}, symbol=symbol,
        title=t("assets.chart.disposals"), labels=views.chart_labels()), key="chart.assets.disposals")

st.subheader(t("assets.register"))
chosen_filters = {**views.register_filters(), "segment": segment}
words = views.register_words()
shown = store.read(assets.register, scope=scope, today=today, limit=views.REGISTER_LIMIT, **chosen_filters)
if shown.empty:
    st.info(t("assets.register.empty"))
else:
    views.bounded_table(
        views.register_for_display(shown, words), total=store.read(assets.count_register, scope=scope, today=today,
                                                            **chosen_filters),
        read_all=lambda: views.register_for_display(tables.read_now(
            assets.register, scope=scope, today=today, limit=None, **chosen_filters), words),
        symbol=symbol, filename=f"foreclosed-assets-{today.isoformat()}", key="assets.register")
    st.caption(t("assets.register.help"))

st.subheader(t("assets.forms"))
if can(viewer.role, "update_asset"):
    views.change_forms(viewer, store.read(assets.held_choices, scope=scope), symbol=symbol, today=today,
                       limits=limits)
else:
    st.info(t("assets.forms.read_only"))
