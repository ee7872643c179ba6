"""Pieces of the overview page that hold logic: the KPI row, the cooperative drill-down, month pickers."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from components.format import money, month, number, points, share
from components import charts, filters, store, tables
from components.context import PageContext
from components.filters import Filters
from components.i18n import label, t
from components.kpis import Kpi
from data import portfolio, recoveries
from domain import figures
from domain.months import month_end, month_start, previous_month
from domain.classes import CLASSES
from domain.segments import NEW, OLD, SEGMENTS


def _delta(now_cents: int, then_cents: int | None, symbol: str) -> str | None:
    if then_cents is None:
        return None
    return _signed(now_cents - then_cents, symbol)


def _signed(cents: int, symbol: str) -> str:
    return ("+" if cents > 0 else "") + money(cents, symbol, compact=True)


def kpi_row(balances: pd.DataFrame, chosen: Filters, ctx: PageContext) -> list[Kpi]:
    """The headline figures for the last month of the period, all from domain.figures."""
    symbol, last = ctx.symbol, chosen.last
    seg = balances if chosen.segment is None else balances[balances.segment == chosen.segment]
    available = set(balances.month)

    def npl_at(when: dt.date) -> int | None:
        return figures.npl_balance(seg, when) if when in available else None

    now = figures.snapshot(seg, last)
    previous = previous_month(last)
    before = figures.snapshot(seg, previous) if previous in available else None
    year_start = dt.date(last.year - 1, 12, 1)
    cutoff_month = month_start(ctx.settings.segment_cutoff)
    recovered_month = store.read(recoveries.recovered_between, scope=chosen.scope, first_day=last,
                                 last_day=month_end(last), segment=chosen.segment)
    recovered_ytd = store.read(recoveries.recovered_between, scope=chosen.scope, first_day=dt.date(last.year, 1, 1),
                               last_day=month_end(last), segment=chosen.segment)
    # DOMAIN.md's recovery rate: recovered in the period / NPL balance at the period's start (the month end before)
    rate_month = recovery_rate_text(recovered_month, npl_at(previous))
    rate_ytd = recovery_rate_text(recovered_ytd, npl_at(year_start))
    ratio_delta = None
    if before is not None and now.npl_ratio is not None and before.npl_ratio is not None:
        ratio_delta = points(now.npl_ratio - before.npl_ratio)
    return [
        Kpi(t("overview.kpi.npl", month=month(last)), money(now.npl_cents, symbol, compact=True),
            _delta(now.npl_cents, before.npl_cents if before else None, symbol), help=t("overview.kpi.npl_help")),
        Kpi(t("overview.kpi.since_year"), _signed(now.npl_cents - npl_at(year_start), symbol)
            if npl_at(year_start) is not None else "—", help=t("overview.kpi.since_year_help", month=month(year_start))),
        Kpi(t("overview.kpi.since_cutoff"), _signed(now.npl_cents - npl_at(cutoff_month), symbol)
            if npl_at(cutoff_month) is not None else "—",
            help=t("overview.kpi.since_cutoff_help", month=month(cutoff_month))),
        Kpi(t("overview.kpi.ratio"), share(now.npl_ratio, 2), ratio_delta, help=t("overview.kpi.ratio_help")),
        Kpi(t("overview.kpi.count"), number(now.npl_count),
            number(now.npl_count - before.npl_count, signed=True) if before else None),
        Kpi(t("overview.kpi.old"), money(figures.npl_balance(balances, last, OLD), symbol, compact=True)),
        Kpi(t("overview.kpi.new"), money(figures.npl_balance(balances, last, NEW), symbol, compact=True)),
        Kpi(t("overview.kpi.recovered_month"), money(recovered_month, symbol, compact=True), rate_month,
            delta_color="off", delta_arrow="off",
            help=t("defects.recovery_rate_help", month=month(previous)) if rate_month else None),
        Kpi(t("overview.kpi.recovered_ytd"), money(recovered_ytd, symbol, compact=True), rate_ytd,
            delta_color="off", delta_arrow="off",
            help=t("defects.recovery_rate_help", month=month(year_start)) if rate_ytd else None),
    ]


def recovery_rate_text(recovered_cents: int, npl_at_start_cents: int | None) -> str | None:
    """The recovery rate beside a recovery card ("4.2 % of the NPLs at the start"), or None when the NPL
    balance at the start is unknown (a month before the first tape) or zero."""
    if npl_at_start_cents is None:
        return None
    rate = figures.recovery_rate(recovered_cents, npl_at_start_cents)
    return None if rate is None else t("defects.recovery_rate", rate=share(rate))


def cooperative_selection(by_coop: pd.DataFrame, chosen: Filters, symbol: str) -> None:
    """Ranked NPL bars per cooperative; clicking a bar narrows the page to that cooperative."""
    last = by_coop[by_coop.month == chosen.last].set_index("cooperative_id")
    first = by_coop[by_coop.month == chosen.first].set_index("cooperative_id")
    ranked = last[["cooperative", "npl_cents"]].copy()
    ranked["change_cents"] = ranked.npl_cents - first.npl_cents.reindex(ranked.index).fillna(0).astype("int64")
    fig = charts.ranked_bars(ranked.reset_index(), category="cooperative", value="npl_cents", change="change_cents",
                             symbol=symbol, title=t("overview.by_cooperative_title", month=month(chosen.last)),
                             value_name=t("overview.total_npl"),
                             change_name=t("overview.change_since", month=month(chosen.first)))
    event = st.plotly_chart(fig, key="chart.cooperatives", on_select="rerun", selection_mode="points")
    st.caption(t("overview.click_hint"))
    points = (event or {}).get("selection", {}).get("points", []) if event else []
    if points:
        name = points[0].get("y")
        match = ranked.index[ranked.cooperative == name]
        if len(match):
            st.query_params["coop"] = str(int(match[0]))
            st.session_state.pop(filters.widget_key("overview.coop"), None)
            st.rerun()


LARGEST_SHOWN = 100


def largest_labels() -> dict[str, str]:
    return {"contract_no": t("common.contract"), "borrower": t("common.borrower"),
            "cooperative": t("common.cooperative"), "responsible_officer": t("overview.responsible"),
            "loan_class": t("common.class"), "balance_cents": t("common.balance"),
            "days_past_due": t("common.days_past_due"), "segment": t("common.segment"),
            "issue_date": t("common.issue_date")}


def code_names() -> dict[str, dict[str, str]]:
    """Display names of the codes in the NPL list, translated now (downloads run on another thread)."""
    return {"loan_class": {c: label("class", c) for c in CLASSES}, "segment": {s: label("segment", s) for s in SEGMENTS}}


def words_for_codes(frame: pd.DataFrame, names: dict[str, dict[str, str]] | None = None) -> pd.DataFrame:
    names = names or code_names()
    out = frame.drop(columns=["loan_id"])
    for column, words in names.items():
        out[column] = out[column].map(lambda v, w=words: w.get(v, v))
    return out


def largest_table(chosen: Filters, symbol: str) -> None:
    """The largest NPLs of the last month: the first rows on screen, every row in the downloads."""
    arguments = dict(scope=chosen.scope, month=chosen.last, segment=chosen.segment)
    rows = store.read(portfolio.largest_npls, limit=LARGEST_SHOWN, **arguments)
    total = store.read(portfolio.count_npls, **arguments)
    names = code_names()
    tables.show(words_for_codes(rows, names), labels=largest_labels(), money=["balance_cents"], symbol=symbol,
                key="overview.largest", filename=f"largest-npls-{month(chosen.last)}", total_rows=total,
                full=lambda: words_for_codes(tables.read_now(portfolio.largest_npls, limit=None, **arguments), names))


def migration_months(months: list[dt.date], chosen: Filters) -> tuple[dt.date, dt.date]:
    """Two month pickers for the migration matrix, defaulting to the last month and the one before."""
    window = [m for m in months if chosen.first <= m <= chosen.last] or months
    left, right = st.columns(2)
    default_from = window[-2] if len(window) > 1 else window[0]
    first = left.selectbox(t("overview.migration_from"), window, index=window.index(default_from),
                           format_func=month, key="overview.migration.from")
    later = [m for m in window if m > first] or [first]
    second = right.selectbox(t("overview.migration_to"), later, index=len(later) - 1, format_func=month,
                             key="overview.migration.to")
    if second <= first:
        st.info(t("overview.migration_need_two"))
    return first, second
