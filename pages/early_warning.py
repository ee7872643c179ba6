"""Early warning: stop new NPLs before they appear -- Special Mention, Normal loans at risk, hidden NPLs,
evergreening and the new-NPL flow by officer and vintage."""
import streamlit as st

from components import context, empty_state, filters, frame, kpis, store, today_views
from components import warning_views as views
from components.format import money, month
from components.i18n import t
from components.theme import CLASS_COLORS, SEGMENT_COLORS
from data import portfolio, warnings
from data import today as today_items
from domain import warning_rules as rules
from domain.classes import SPECIAL_MENTION

viewer = frame.require("early_warning")
ctx = context.load(viewer)
chosen = filters.show(viewer, months=ctx.months, cooperatives=ctx.cooperatives, key="early_warning")
frame.header("early_warning", viewer, chosen.cooperative_name)
empty_state.require(chosen.scope, "tape")
symbol, last = ctx.symbol, chosen.last
where = dict(scope=chosen.scope, month=last, segment=chosen.segment)
period = dict(scope=chosen.scope, first=chosen.first, month=last, segment=chosen.segment)
if today_views.requested("hidden", ("new",)):  # opened from Today: the hidden NPLs that appeared in ``last``
    before = [m for m in ctx.months if m < last]
    appeared = dict(scope=chosen.scope, month=last, previous=before[-1] if before else None)
    today_views.filtered_note(t("today.filtered.hidden_new", month=month(last)), "early_warning")
    views.watch_list(today_items.hidden_appeared, appeared, total=len(store.read(today_items.hidden_appeared,
                                                                                 **appeared)),
                     spec=views.hidden_spec(), symbol=symbol, key="warnings.hidden_new",
                     filename=f"hidden-npls-new-{month(last)}")
    st.stop()

balances = store.read(portfolio.balances_by_month, scope=chosen.scope, first=ctx.months[0], last=last)
data = views.WarningFigures(
    special_mention=rules.class_trend(balances, SPECIAL_MENTION, views.months_in(ctx, chosen), chosen.segment),
    worsened=store.read(warnings.get_special_mention_worsened, **where),
    at_risk=store.read(warnings.get_normal_at_risk_total, **where),
    hidden=store.read(warnings.list_hidden_npl_by_officer, **where),
    evergreen=store.read(warnings.list_evergreening_by_officer, **period), balances=balances)
kpis.show(views.kpi_row(data, chosen, ctx))

trend_col, hidden_col = st.columns(2)
trend_col.plotly_chart(views.special_mention_chart(
    data.special_mention, symbol=symbol, title=t("warnings.chart.sm"), balance_name=t("common.balance"),
    count_name=t("common.count")), key="chart.sm")
with hidden_col:
    if data.hidden.empty:
        st.info(t("warnings.hidden_none", month=month(last)))
    else:
        by_officer, by_coop = st.tabs([t("warnings.tab.by_officer"), t("warnings.tab.by_cooperative")])
        by_officer.plotly_chart(views.hidden_by_officer_chart(
            data.hidden, class_names=views.class_names(), symbol=symbol, count_name=t("warnings.loans"),
            title=t("warnings.chart.hidden_officer", month=month(last))), key="chart.hidden.officer")
        by_coop.plotly_chart(views.ranked_chart(
            rules.hidden_by_cooperative(data.hidden), category="cooperative", value="balance_cents", symbol=symbol,
            title=t("warnings.chart.hidden_cooperative", month=month(last)), value_name=t("warnings.kpi.hidden"),
            color=CLASS_COLORS["substandard"]), key="chart.hidden.cooperative")

st.subheader(t("warnings.new_flow"))
st.caption(t("warnings.new_flow_help", cutoff=ctx.settings.segment_cutoff.isoformat()))
vintage_rows = store.read(warnings.list_vintage_rows, scope=chosen.scope, month=last)
new_by_officer = views.with_shares(store.read(warnings.list_new_npl_by_officer, scope=chosen.scope, month=last),
                                   "npl_cents", "gross_cents", "npl_ratio")
vintage_col, officer_col = st.columns(2)
vintage_col.plotly_chart(views.vintage_chart(
    rules.vintage_curves(vintage_rows, last), title=t("warnings.chart.vintage"), x_title=t("warnings.months_on_book"),
    y_title=t("warnings.npl_share")), key="chart.vintage")
officer_col.plotly_chart(views.ranked_chart(
    new_by_officer.assign(who=new_by_officer.officer + " · " + new_by_officer.cooperative), category="who",
    value="npl_cents", symbol=symbol, title=t("warnings.chart.new_officer", month=month(last)),
    value_name=t("warnings.kpi.new_npl"), color=SEGMENT_COLORS["new"]), key="chart.new.officer")
officer_col.caption(t("warnings.chart.top_note", top=views.CHART_TOP))

sm_tab, risk_tab, hidden_tab, under_tab, evergreen_tab, new_tab = st.tabs(
    [t("warnings.tab.sm"), t("warnings.tab.at_risk"), t("warnings.tab.hidden"), t("defects.under.tab"),
     t("warnings.tab.evergreen"), t("warnings.tab.new")])
name = month(last)
with sm_tab:
    views.watch_list(warnings.list_special_mention, where, spec=views.special_mention_spec(), symbol=symbol,
                     total=int(data.special_mention.set_index("month").loan_count.get(last, 0)),
                     key="warnings.sm", filename=f"special-mention-{name}")
with risk_tab:
    st.caption(t("warnings.at_risk_help", days=rules.MATURITY_WINDOW_DAYS))
    views.watch_list(warnings.list_normal_at_risk, where, total=data.at_risk.loan_count, spec=views.at_risk_spec(),
                     symbol=symbol, key="warnings.at_risk", filename=f"normal-at-risk-{name}")
with hidden_tab:
    st.caption(t("warnings.hidden_help", substandard=ctx.settings.substandard_days,
                 doubtful=ctx.settings.doubtful_days, loss=ctx.settings.loss_days))
    views.watch_list(warnings.list_hidden_npls, where, total=int(data.hidden.loan_count.sum()),
                     spec=views.hidden_spec(), symbol=symbol, key="warnings.hidden", filename=f"hidden-npls-{name}")
with under_tab:
    under, understated = store.read(warnings.get_under_classified_total, **where)
    st.caption(t("defects.under.help", rates=views.provision_rates_text(ctx.settings.provision_rates())))
    st.markdown(t("defects.under.total", count=f"{under.loan_count:,}", balance=money(under.balance_cents, symbol),
                  understated=money(understated, symbol), month=name))
    views.watch_list(warnings.list_under_classified, where, total=under.loan_count, spec=views.under_classified_spec(),
                     symbol=symbol, key="warnings.under", filename=f"under-classified-{name}")
with evergreen_tab:
    st.caption(t("warnings.evergreen_help", days=ctx.settings.evergreen_window_days, first=month(chosen.first)))
    st.markdown(f"**{t('warnings.tab.by_officer')}**")
    views.bounded_table(data.evergreen, total=len(data.evergreen), spec=views.evergreen_by_officer_spec(),
                        symbol=symbol, key="warnings.evergreen.officers", filename=f"evergreening-officers-{name}")
    st.markdown(f"**{t('warnings.list.loans')}**")
    views.watch_list(warnings.list_evergreening, period, total=int(data.evergreen.loan_count.sum()),
                     spec=views.evergreen_spec(), symbol=symbol, key="warnings.evergreen",
                     filename=f"evergreening-{name}")
with new_tab:
    st.markdown(f"**{t('warnings.tab.by_officer')}**")
    views.bounded_table(new_by_officer, total=len(new_by_officer), spec=views.new_npl_by_officer_spec(), symbol=symbol,
                        key="warnings.new.officers", filename=f"new-npls-by-officer-{name}")
    st.markdown(f"**{t('warnings.list.by_quarter')}**")
    by_quarter = views.with_shares(rules.vintage_by_quarter(vintage_rows), "npl_principal_cents", "principal_cents",
                                   "npl_share")
    views.bounded_table(by_quarter, total=len(by_quarter), spec=views.by_quarter_spec(), symbol=symbol,
                        key="warnings.new.quarters", filename=f"new-npls-by-quarter-{name}")
