"""Plotly figure builders: DataFrame in, go.Figure out, no Streamlit call inside (testable).

Values arrive in cents and are shown in currency units; every hover shows money with the symbol.
Labels come in already translated, so the builders know nothing about languages.
"""
from __future__ import annotations

import math
import re

import pandas as pd
import plotly.graph_objects as go

from components.format import (axis_ticks, counts_in_myriads, money, money_hover, money_ticks, number,
                               plotly_separators)
from components.format import month as fmt_month
from components.theme import CLASS_COLORS, SEGMENT_COLORS, TARGET_COLOR

LAYOUT = dict(margin=dict(l=10, r=10, t=40, b=10), legend=dict(orientation="h", y=-0.15), hovermode="x unified",
              height=380)


def _money_axis(fig: go.Figure, symbol: str) -> go.Figure:
    fig.update_yaxes(**money_ticks(symbol), tickformat=SI_FORMAT, rangemode="tozero")
    return localized(fig)


def localized(fig: go.Figure) -> go.Figure:
    """The reader's number formats on a finished figure: the decimal and thousands separators on every axis, hover
    and text (es: 1.234,5), and in Chinese the money and count axes in 万/亿 (``myriad_axes``). Every builder ends
    with it, and so does anything that adds data to a built figure (the ticks follow the data)."""
    fig.update_layout(separators=plotly_separators())
    if counts_in_myriads():
        myriad_axes(fig)
    return fig


#: the axis formats the builders give money (SI: 1.2M) and counts (1,200): the axes Chinese readers read in 万/亿
SI_FORMAT, COUNT_FORMAT = "~s", ",d"
_AXIS_NAME = re.compile(r"^([xy])axis(\d*)$")
#: a Chinese count axis keeps Plotly's own labels below this (plain numbers need no unit)
_MYRIAD = 10_000


def myriad_axes(fig: go.Figure) -> go.Figure:
    """Money axes (``tickformat`` ``~s``) and count axes (``,d``) labelled in 万/亿 instead of Plotly's SI
    suffixes: Plotly's d3 formats know only k/M/G, so the ticks are placed here (``tickvals``) from the range of
    the data drawn on the axis, stacks and waterfalls summed, and labelled by ``format.axis_ticks``. Percentages
    and categories are left alone."""
    layout = fig.layout.to_plotly_json()
    for name, axis in layout.items():
        match = _AXIS_NAME.match(name)
        if not match or not isinstance(axis, dict):
            continue
        fmt, log = axis.get("tickformat"), axis.get("type") == "log"
        if fmt not in (SI_FORMAT, COUNT_FORMAT) and not (log and (axis.get("tickprefix") or axis.get("ticksuffix"))):
            continue
        values = _axis_values(fig, match.group(1), match.group(1) + match.group(2))
        if not values:
            continue
        symbol = axis.get("tickprefix") or axis.get("ticksuffix") or None
        largest = max(abs(v) for v in values)
        if log:
            ticks = _log_ticks([v for v in values if v > 0])
        else:
            low, high = min(0.0, *values), max(0.0, *values)
            if fmt == COUNT_FORMAT and max(abs(low), abs(high)) < _MYRIAD:
                continue
            ticks = _linear_ticks(low, high, whole=fmt == COUNT_FORMAT)
        if ticks:
            fig.update_layout({name: dict(tickmode="array", tickvals=ticks,
                                          ticktext=axis_ticks(ticks, symbol=(symbol or "").strip() or None,
                                                              per_tick=log, largest=largest))})
    return fig


def _axis_values(fig: go.Figure, letter: str, ref: str) -> list[float]:
    """Every extent the data reach on one axis: each value, each stack's positive and negative sums, each
    waterfall's running total."""
    values: list[float] = []
    stacks: dict[tuple, float] = {}
    stacked = fig.layout.barmode in ("stack", "relative")
    for trace in fig.data:
        kind = trace.type
        if kind not in ("bar", "scatter", "waterfall"):
            continue
        horizontal = getattr(trace, "orientation", None) == "h"
        on_value_axis = (letter == "x") == horizontal or kind == "scatter"
        if not on_value_axis or (getattr(trace, f"{letter}axis", None) or letter) != ref:
            continue
        numbers = [_float(v) for v in _listed(getattr(trace, letter))]
        if kind == "waterfall":
            total = 0.0
            for value, measure in zip(numbers, _listed(trace.measure) or ["relative"] * len(numbers)):
                total = value if measure in ("absolute", "total") and value is not None else total + (value or 0)
                values.append(total)
        elif kind == "bar" and stacked:
            categories = _listed(getattr(trace, "y" if horizontal else "x")) or list(range(len(numbers)))
            for category, value in zip(categories, numbers):
                if value is not None:
                    slot = (str(category), value >= 0)
                    stacks[slot] = stacks.get(slot, 0.0) + value
        else:
            values.extend(v for v in numbers if v is not None)
    return values + list(stacks.values())


def _listed(values: object) -> list:
    """A trace's data (None, a tuple, a numpy array, or a multi-category pair of lists) as a list."""
    if values is None:
        return []
    listed = list(values)
    if listed and isinstance(listed[0], (list, tuple)):  # multi-category axis: [[level 1...], [level 2...]]
        return [tuple(pair) for pair in zip(*listed)]
    return listed


def _float(value: object) -> float | None:
    try:
        number_ = float(value)
    except (TypeError, ValueError):
        return None
    return number_ if math.isfinite(number_) else None


def _linear_ticks(low: float, high: float, *, whole: bool, wanted: int = 5) -> list[float]:
    """About ``wanted`` round ticks (1, 2, 2.5 or 5 times a power of ten apart) covering low..high, one more
    step on each side for Plotly's padding (a tick outside the drawn range is not shown)."""
    span = (high - low) or abs(high) or 1.0
    raw = span / wanted
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    if whole:
        step = max(1.0, float(math.ceil(step)))
    first, last = math.floor(low / step) - 1, math.ceil(high / step) + 1
    return [round(i * step, 6) for i in range(first, last + 1)]


def _log_ticks(values: list[float]) -> list[float]:
    """1-2-5 ticks per decade over the data (1 per decade over more than three decades)."""
    if not values:
        return []
    low, high = math.floor(math.log10(min(values))), math.ceil(math.log10(max(values)))
    steps = (1,) if high - low > 3 else (1, 2, 5)
    return [m * 10.0 ** e for e in range(low, high + 1) for m in steps]


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
    fig.update_xaxes(**money_ticks(symbol), tickformat=SI_FORMAT)
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
