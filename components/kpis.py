"""The KPI row every page opens with."""
from __future__ import annotations

from dataclasses import dataclass

import streamlit as st


@dataclass(frozen=True)
class Kpi:
    label: str
    value: str
    delta: str | None = None
    #: "inverse" when a fall is good news (NPL balance), "normal" when a rise is
    delta_color: str = "inverse"
    help: str | None = None
    #: "off" for a delta that is a second figure (a balance beside a count) rather than a change
    delta_arrow: str = "auto"


PER_ROW = 5


def show(kpis: list[Kpi]) -> None:
    """Cards in rows of at most five, so labels and amounts stay readable on a laptop screen."""
    for start in range(0, len(kpis), PER_ROW):
        row = kpis[start:start + PER_ROW]
        for column, kpi in zip(st.columns(PER_ROW), row):
            column.metric(kpi.label, kpi.value, delta=kpi.delta, delta_color=kpi.delta_color, help=kpi.help,
                          border=True, delta_arrow=kpi.delta_arrow)
