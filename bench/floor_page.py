"""The framework floor: a page that draws as many charts, metrics and tables as a real page, from constants.

Why: a page's render time includes what Streamlit itself needs to serialise and send its elements. This
script does only that, with no database and no computation, so ``real page / floor`` shows how much a
page costs beyond the framework. The counts come from the environment (set by bench/run.py from the
AppTest result of the real page): BENCH_FLOOR_CHARTS, BENCH_FLOOR_METRICS, BENCH_FLOOR_FRAMES.
"""
import os

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

CHARTS = int(os.environ.get("BENCH_FLOOR_CHARTS", "0"))
METRICS = int(os.environ.get("BENCH_FLOOR_METRICS", "0"))
FRAMES = int(os.environ.get("BENCH_FLOOR_FRAMES", "0"))

MONTHS = [f"2024-{m:02d}" for m in range(1, 13)] + [f"2025-{m:02d}" for m in range(1, 13)] + \
         [f"2026-{m:02d}" for m in range(1, 13)]
SERIES = ("normal", "special_mention", "substandard", "doubtful", "loss")
TABLE = pd.DataFrame({"contract_no": [f"C01-2024-{i:06d}" for i in range(100)],
                      "borrower": [f"Borrower {i}" for i in range(100)],
                      "cooperative": ["Hezhuang Rural Credit Cooperative"] * 100,
                      "loan_class": [SERIES[i % 5] for i in range(100)],
                      "balance": [1000.0 + 37 * i for i in range(100)],
                      "days_past_due": [i * 3 for i in range(100)],
                      "issue_date": ["2024-03-15"] * 100})

st.title("Framework floor")
for i in range(METRICS):
    st.metric(f"Metric {i}", f"{1234567 + i:,}", delta="-3.2%", border=True)
for i in range(CHARTS):
    figure = go.Figure([go.Bar(x=MONTHS, y=[(k + 1) * (j + 10) for j in range(len(MONTHS))], name=name)
                        for k, name in enumerate(SERIES)])
    figure.update_layout(barmode="stack", title=f"Chart {i}", height=380)
    st.plotly_chart(figure, key=f"floor.chart.{i}")
for i in range(FRAMES):
    st.dataframe(TABLE, hide_index=True, key=f"floor.frame.{i}")
