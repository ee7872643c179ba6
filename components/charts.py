"""Plotly figure builders: DataFrame in, go.Figure out, no Streamlit call inside (testable).

Values arrive in cents and are shown in currency units; every hover shows money with the symbol.
Labels come in already translated, so the builders know nothing about languages.
"""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from components.format import money, money_hover, money_ticks, number, plotly_separators
from components.format import month as fmt_month
from components.theme import CLASS_COLORS, SEGMENT_COLORS, TARGET_COLOR

LAYOUT = dict(margin=dict(l=10, r=10, t=40, b=10), legend=dict(orientation="h", y=-0.15), hovermode="x unified",
              height=380)


def _money_axis(fig: go.Figure, symbol: str) -> go.Figure:
    fig.update_yaxes(**money_ticks(symbol), tickformat="~s", rangemode="tozero")
    return localized(fig)


def localized(fig: go.Figure) -> go.Figure:
    """The reader's decimal and thousands separators on every axis, hover and text of a figure (es: 1.234,5)."""
    fig.update_layout(separators=plotly_separators())
    return fig


def stacked_balances(pivot: pd.DataFrame, *, names: dict[str, str], colors: dict[str, str], symbol: str,
                     title: str, total_name: str | None = None, target: pd.Series | None = None,
                     target_name: str = "") -> go.Figure:
    """Stacked bars of balance by month for each column of ``pivot`` (cents), optional total and target lines."""
    x = [fmt_month(m) for m in pivot.index]
    fig = go.Figure()
    for column in pivot.columns:
        fig.add_bar(x=x, y=pivot[column] / 100, name=names.get(column, column),
                    marker_color=colors.get(column), hovertemplate=f"{money_hover(symbol, 'y')}")
    if total_name:
        fig.add_scatter(x=x, y=pivot.sum(axis=1) / 100, name=total_name, mode="lines+markers",
                        line=dict(color="#212121", width=2), hovertemplate=f"{money_hover(symbol, 'y')}")
    if target is not None and not target.empty:
        fig.add_scatter(x=[fmt_month(m) for m in target.index], y=target / 100, name=target_name, mode="lines",
                        line=dict(color=TARGET_COLOR, dash="dash"), hovertemplate=f"{money_hover(symbol, 'y')}")
    fig.update_layout(barmode="stack", title=title, **LAYOUT)
    return localized(_money_axis(fig, symbol))


def class_colors() -> dict[str, str]:
    return CLASS_COLORS


def segment_colors() -> dict[str, str]:
    return SEGMENT_COLORS


def ranked_bars(frame: pd.DataFrame, *, category: str, value: str, change: str | None, symbol: str, title: str,
                value_name: str, change_name: str = "", color: str = "#c62828") -> go.Figure:
    """Horizontal bars of ``value`` (cents) per category, largest on top; hover shows the change."""
    ordered = frame.sort_values(value)
    custom = (ordered[change] / 100) if change else None
    hover = f"%{{y}}<br>{value_name}: {money_hover(symbol, 'x')}"
    if change:
        hover += f"<br>{change_name}: {money_hover(symbol, 'customdata', signed=True)}"
    fig = go.Figure(go.Bar(x=ordered[value] / 100, y=ordered[category], orientation="h", marker_color=color,
                           customdata=custom, hovertemplate=hover + "<extra></extra>", name=value_name))
    fig.update_layout(title=title, margin=LAYOUT["margin"], height=max(260, 32 * len(ordered) + 80))
    fig.update_xaxes(**money_ticks(symbol), tickformat="~s")
    return localized(fig)


def heatmap(matrix: pd.DataFrame, *, row_names: dict[str, str], col_names: dict[str, str], title: str,
            x_title: str, y_title: str, symbol: str | None) -> go.Figure:
    """A from x to heatmap; money when a symbol is given, counts otherwise."""
    values = matrix / 100 if symbol else matrix
    text = [[(money(v * 100, symbol) if symbol else number(v)) if v else "" for v in row] for row in values.values]
    fig = go.Figure(go.Heatmap(z=values.values, x=[col_names.get(c, c) for c in matrix.columns],
                               y=[row_names.get(r, r) for r in matrix.index], text=text, texttemplate="%{text}",
                               colorscale="Reds", showscale=False,
                               hovertemplate="%{y} → %{x}: %{text}<extra></extra>"))
    fig.update_layout(title=title, margin=LAYOUT["margin"], height=420)
    fig.update_xaxes(title=x_title, side="top")
    fig.update_yaxes(title=y_title, autorange="reversed")
    return localized(fig)
