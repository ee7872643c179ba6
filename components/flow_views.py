"""The overview's parts about where the NPLs went: movement, roll and cure rates, forecast, provision coverage.

Each part reads the movement summary (data.flows) through the read cache and hands it to domain.npl_flows,
domain.forecast or domain.provisions; each says what is missing instead of drawing an empty chart.
"""
from __future__ import annotations

import datetime as dt

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from components import flow_charts, store, tables
from components.context import PageContext
from components.filters import Filters
from components.format import money, month, share
from components.i18n import label, t
from components.kpis import Kpi
from data import flows
from domain import forecast as fc
from domain import figures, npl_flows, provisions
from domain.classes import CLASSES, CLOSED_LOAN
from domain.months import previous_month

MOVEMENT_MONTHS = 12


def read_rows(chosen: Filters, ctx: PageContext) -> pd.DataFrame:
    """The movement summary rows of every month up to the period's last (the forecast's history needs them)."""
    return store.read(flows.flow_rows, scope=chosen.scope, first=ctx.months[0], last=chosen.last,
                      segment=chosen.segment)


def term_names() -> dict[str, str]:
    return {term: t(f"flows.term.{term}") for term in npl_flows.TERMS}


def movement_section(rows: pd.DataFrame, chosen: Filters, ctx: PageContext) -> None:
    """Opening NPL, inflows, outflows by kind, closing NPL: a waterfall and the month-by-month table."""
    st.subheader(t("flows.movement.title"), anchor=False)
    last_year = previous_month(chosen.last, MOVEMENT_MONTHS)
    options = {"year": t("flows.movement.last_year", first=month(last_year), last=month(chosen.last)),
               "period": t("flows.movement.period", first=month(chosen.first), last=month(chosen.last))}
    which = st.segmented_control(t("flows.movement.which"), list(options), format_func=options.get,
                                 default="year", key="overview.flows.period") or "year"
    opening = last_year if which == "year" else chosen.first
    months = npl_flows.movement_months(ctx.months, opening, chosen.last)
    if not months:
        st.info(t("flows.movement.need_two"), icon=":material/info:")
        return
    period_rows = rows[rows.month.isin(months)]
    mv = npl_flows.movement(period_rows)
    if mv is None:
        st.info(t("flows.movement.none"), icon=":material/info:")
        return
    symbol = ctx.symbol
    first_open = previous_month(months[0])
    st.caption(t("flows.movement.sentence", first=month(first_open), last=month(months[-1]),
                 change=money(mv.closing - mv.opening, symbol), collected=money(mv.collected, symbol),
                 written_off=money(mv.written_off, symbol), foreclosed=money(mv.foreclosed, symbol),
                 cured=money(mv.cured, symbol), inflows=money(mv.inflows, symbol)))
    names = term_names()
    st.plotly_chart(flow_charts.waterfall(mv, names=names, symbol=symbol,
                                          title=t("flows.movement.chart", first=month(first_open),
                                                  last=month(months[-1]))), key="chart.flows.waterfall")
    monthly = npl_flows.monthly_movement(period_rows).reset_index()
    monthly["month"] = monthly.month.map(month)
    total = {"month": t("flows.movement.total"), **mv.as_dict()}
    table = pd.concat([monthly, pd.DataFrame([total])], ignore_index=True)
    tables.show(table, labels={"month": t("common.month"), **names}, money=list(npl_flows.TERMS), symbol=symbol,
                key="overview.flows.table", filename=f"npl-movement-{month(first_open)}-{month(months[-1])}")
    st.caption(t("flows.movement.definitions"))


def roll_section(rows: pd.DataFrame, chosen: Filters, ctx: PageContext) -> None:
    """The main roll and cure rates by month, per cooperative over the period, and the average shares."""
    st.subheader(t("flows.rolls.title"), anchor=False)
    months = npl_flows.movement_months(ctx.months, previous_month(chosen.first), chosen.last)
    period_rows = rows[rows.month.isin(months)]
    if period_rows.empty:
        st.info(t("flows.movement.need_two"), icon=":material/info:")
        return
    roll_names = {name: t(f"flows.roll.{name}") for name, *_ in npl_flows.MAIN_ROLLS}
    trend = npl_flows.roll_trend(period_rows)
    st.plotly_chart(flow_charts.roll_trend(trend, names=roll_names, title=t("flows.rolls.chart")),
                    key="chart.flows.rolls")
    st.caption(t("flows.rolls.help"))
    by_coop = npl_flows.roll_by_cooperative(period_rows)
    if len(by_coop) > 1:
        coop_names = ctx.cooperatives.set_index("id").name.to_dict()
        shown = by_coop.rename(index=coop_names, columns=roll_names).map(share)
        tables.grid(shown.rename_axis(t("common.cooperative")).reset_index())
    balance_tab, count_tab = st.tabs([t("common.balance"), t("common.count")])
    class_names = {c: label("class", c) for c in (*CLASSES, CLOSED_LOAN)}
    for tab, value in ((balance_tab, "opening_cents"), (count_tab, "loan_count")):
        matrix = npl_flows.transition_shares(period_rows, value)
        tables.grid(matrix.rename(index=class_names, columns=class_names).map(share)
                    .rename_axis(t("overview.from_to")), container=tab, hide_index=False)
    st.caption(t("flows.rolls.matrix_help", first=month(months[0]), last=month(months[-1])))


def forecast_parts(rows: pd.DataFrame, chosen: Filters, ctx: PageContext) -> tuple[fc.Forecast | None, list]:
    """The forecast from the period's last month and the future months it adds to the NPL chart."""
    if len(fc.window_months(ctx.months, chosen.last)) == 0:
        return None, []
    forecast = fc.forecast(rows, chosen.last)
    return forecast, list(forecast.npl.index)


def add_forecast(fig: go.Figure, forecast: fc.Forecast | None, npl_now: int, chosen: Filters, symbol: str) -> None:
    """Draw the forecast and its band on the overview's NPL chart."""
    if forecast is None:
        return
    flow_charts.add_forecast(fig, forecast.npl, forecast.low, forecast.high, last_actual=(chosen.last, npl_now),
                             symbol=symbol, name=t("flows.forecast.line", months=len(forecast.window)),
                             band_name=t("flows.forecast.band"))


def forecast_verdict(rows: pd.DataFrame, forecast: fc.Forecast | None, target: pd.Series | None,
                     ctx: PageContext) -> None:
    """'At this pace the target of YYYY-MM is met / missed by X', with the backtest's error beside it."""
    symbol = ctx.symbol
    if forecast is None:
        st.info(t("flows.forecast.need_history"), icon=":material/info:")
        return
    left, right = st.columns([3, 2])
    with left:
        when = fc.target_month(forecast.origin)
        check = fc.check_target(forecast, target, when) if target is not None else None
        if target is None:
            st.info(t("flows.forecast.no_target"), icon=":material/info:")
        elif check is None:
            st.info(t("flows.forecast.no_value", month=month(when)), icon=":material/info:")
        elif check.met:
            st.success(t("flows.forecast.met", month=month(when), target=money(check.target_cents, symbol),
                         projected=money(check.projected_cents, symbol), margin=money(-check.gap_cents, symbol)))
        else:
            st.warning(t("flows.forecast.missed", month=month(when), target=money(check.target_cents, symbol),
                         projected=money(check.projected_cents, symbol), gap=money(check.gap_cents, symbol)))
        st.caption(t("flows.forecast.how", first=month(forecast.window[0]), last=month(forecast.window[-1]),
                     months=len(forecast.window)))
    with right:
        test = fc.backtest(rows)
        if not test.origins:
            st.info(t("flows.backtest.need", window=fc.DEFAULT_WINDOW, ahead=6), icon=":material/info:")
            return
        three, six = st.columns(2)
        three.metric(t("flows.backtest.mape", months=3), share(test.mape.get(3)), border=True,
                     help=t("flows.backtest.help", origins=len(test.origins)))
        six.metric(t("flows.backtest.mape", months=6), share(test.mape.get(6)), border=True,
                   help=t("flows.backtest.help", origins=len(test.origins)))
        st.caption(t("flows.backtest.caption", origins=len(test.origins), first=month(test.origins[0]),
                     last=month(test.origins[-1])))


def coverage_kpi(chosen: Filters, ctx: PageContext) -> Kpi:
    """Provision coverage of the period's last month: provisions / NPL balance."""
    rows = store.read(flows.provision_rows, scope=chosen.scope, month=chosen.last, segment=chosen.segment)
    cover = provisions.coverage(rows, ctx.settings.provision_rates())
    help_key = "flows.coverage.help_reported" if cover.reported_cents else "flows.coverage.help"
    return Kpi(t("flows.coverage.label"), share(cover.ratio), money(cover.provisions_cents, ctx.symbol, compact=True),
               delta_color="off", delta_arrow="off", help=t(help_key))


def target_with_future(target: pd.Series | None, future: list[dt.date], *, start: tuple[dt.date, int] | None,
                       pct: float) -> pd.Series | None:
    """The overview's target path, carried on over the forecast's months (same start, same yearly rate)."""
    if target is None or start is None or not future:
        return target
    return figures.target_path(start[0], start[1], [*target.index, *future], pct)
