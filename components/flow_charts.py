"""Figure builders of the NPL movement, the roll rates and the forecast: DataFrame in, go.Figure out.

No Streamlit call inside (testable); labels arrive translated, values in cents.
"""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from components.charts import LAYOUT, _money_axis, localized
from components.format import money, money_hover
from components.format import month as fmt_month
from domain.npl_flows import INFLOWS, OUTFLOWS, Movement

FORECAST_COLOR = "#6a1b9a"
ROLL_COLORS = {"normal_to_worse": "#f9a825", "special_mention_to_npl": "#ef6c00", "npl_cured": "#2e7d32"}


def waterfall(mv: Movement, *, names: dict[str, str], symbol: str, title: str) -> go.Figure:
    """Opening NPL, each inflow up, each outflow down, closing NPL: the bars add up to the closing balance."""
    terms = ["opening", *INFLOWS, *OUTFLOWS, "closing"]
    values = mv.as_dict()
    signed = [values["opening"], *(values[t] for t in INFLOWS), *(-values[t] for t in OUTFLOWS), values["closing"]]
    measure = ["absolute", *(["relative"] * (len(INFLOWS) + len(OUTFLOWS))), "total"]
    fig = go.Figure(go.Waterfall(
        x=[names[t] for t in terms], y=[v / 100 for v in signed], measure=measure,
        text=[money(v, symbol) for v in signed], textposition="outside",
        increasing=dict(marker_color="#c62828"), decreasing=dict(marker_color="#2e7d32"),
        totals=dict(marker_color="#455a64"), connector=dict(line=dict(color="#9e9e9e")),
        hovertemplate=f"%{{x}}: {money_hover(symbol)}<extra></extra>"))
    fig.update_layout(title=title, margin=LAYOUT["margin"], height=420, showlegend=False)
    return _money_axis(fig, symbol)


def roll_trend(trend: pd.DataFrame, *, names: dict[str, str], title: str) -> go.Figure:
    """One line per main roll (shares by month)."""
    fig = go.Figure()
    x = [fmt_month(m) for m in trend.index]
    for column in trend.columns:
        fig.add_scatter(x=x, y=trend[column] * 100, name=names.get(column, column), mode="lines+markers",
                        line=dict(color=ROLL_COLORS.get(column)), hovertemplate="%{y:.2f} %")
    fig.update_layout(title=title, **LAYOUT)
    fig.update_yaxes(ticksuffix=" %", rangemode="tozero")
    return localized(fig)


def add_forecast(fig: go.Figure, central: pd.Series, low: pd.Series, high: pd.Series, *, last_actual: tuple,
                 symbol: str, name: str, band_name: str) -> go.Figure:
    """The projected NPL balance (dotted, from the last actual month) and its band, on an NPL chart (localized
    again: a Chinese axis's ticks cover the band)."""
    start_month, start_cents = last_actual
    x = [fmt_month(start_month), *(fmt_month(m) for m in central.index)]
    hover = money_hover(symbol)
    fig.add_scatter(x=x, y=[start_cents / 100, *(high / 100)], mode="lines", line=dict(width=0),
                    showlegend=False, hoverinfo="skip", name=band_name)
    fig.add_scatter(x=x, y=[start_cents / 100, *(low / 100)], mode="lines", line=dict(width=0), fill="tonexty",
                    fillcolor="rgba(106, 27, 154, 0.15)", name=band_name, hovertemplate=hover)
    fig.add_scatter(x=x, y=[start_cents / 100, *(central / 100)], mode="lines+markers", name=name,
                    line=dict(color=FORECAST_COLOR, dash="dot", width=2), hovertemplate=hover)
    return localized(fig)

