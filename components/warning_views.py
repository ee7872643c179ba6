"""Early warning: figure builders and page pieces (KPI row, bounded tables with deferred full downloads).

The ``*_chart`` functions are pure (DataFrame in, go.Figure out, no Streamlit) so they can be tested alone;
labels reach them translated. ``bounded_table`` shows the first rows of a watch list and builds the full
CSV/Excel only when a download is clicked, so the page never loads a whole list it does not show.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from plotly.colors import n_colors

from components.format import money, money_hover, money_ticks, number, points, share
from components.format import month as fmt_month
from components.charts import localized
from components import charts, store, tables
from components.charts import LAYOUT
from components.context import PageContext
from components.filters import Filters
from components.i18n import label, t
from components.kpis import Kpi
from components.theme import CLASS_COLORS
from domain import figures
from domain import warning_rules as rules
from domain.classes import CLASSES, LOSS, PERFORMING_CLASSES, SPECIAL_MENTION
from domain.segments import NEW

ROWS_SHOWN = 100


# --- pure figure builders -----------------------------------------------------------------------------------------
def special_mention_chart(trend: pd.DataFrame, *, symbol: str, title: str, balance_name: str,
                          count_name: str) -> go.Figure:
    """Special Mention balance by month (bars, class colour) with the number of loans (line, right axis)."""
    x = [fmt_month(m) for m in trend.month]
    fig = go.Figure()
    fig.add_bar(x=x, y=trend.balance_cents / 100, name=balance_name, marker_color=CLASS_COLORS[SPECIAL_MENTION],
                hovertemplate=f"{balance_name}: {money_hover(symbol, 'y')}<extra></extra>")
    fig.add_scatter(x=x, y=trend.loan_count, name=count_name, mode="lines+markers", yaxis="y2",
                    line=dict(color="#212121", width=2), hovertemplate=f"{count_name}: %{{y:,d}}<extra></extra>")
    fig.update_layout(title=title, **LAYOUT, yaxis=dict(**money_ticks(symbol), tickformat="~s", rangemode="tozero"),
                      yaxis2=dict(overlaying="y", side="right", rangemode="tozero", showgrid=False, tickmode="auto",
                                  tickformat=",d"))
    return localized(fig)


def hidden_by_officer_chart(by_officer: pd.DataFrame, *, class_names: dict[str, str], symbol: str, title: str,
                            count_name: str) -> go.Figure:
    """Hidden-NPL balance per officer (and cooperative), stacked by the class the loans are recorded in."""
    rows = by_officer.assign(who=by_officer.officer + " · " + by_officer.cooperative)
    order = rows.groupby("who").balance_cents.sum().sort_values().index.tolist()
    fig = go.Figure()
    for loan_class in PERFORMING_CLASSES:
        part = rows[rows.loan_class == loan_class].groupby("who")[["balance_cents", "loan_count"]].sum()
        part = part.reindex(order, fill_value=0)
        name = class_names.get(loan_class, loan_class)
        fig.add_bar(x=part.balance_cents / 100, y=order, orientation="h", name=name,
                    marker_color=CLASS_COLORS[loan_class], customdata=part.loan_count,
                    hovertemplate=f"%{{y}}<br>{name}: {money_hover(symbol, 'x')} (%{{customdata:,d}} {count_name})"
                                  "<extra></extra>")
    fig.update_layout(barmode="stack", title=title, margin=LAYOUT["margin"], legend=LAYOUT["legend"],
                      height=max(300, 34 * len(order) + 120))
    fig.update_xaxes(**money_ticks(symbol), tickformat="~s")
    return localized(fig)


CHART_TOP = 15


def ranked_chart(frame: pd.DataFrame, *, category: str, value: str, symbol: str, title: str, value_name: str,
                 color: str, top: int = CHART_TOP) -> go.Figure:
    """The largest ``top`` categories as ranked bars; the table under the chart lists every one."""
    grouped = frame.groupby(category, as_index=False)[value].sum().nlargest(top, value)
    return charts.ranked_bars(grouped, category=category, value=value, change=None, symbol=symbol, title=title,
                              value_name=value_name, color=color)


def quarter_colors(quarters: list[str]) -> dict[str, str]:
    """Oldest quarter darkest (Loss colour) to newest lightest (Special Mention colour), from the theme."""
    if not quarters:
        return {}
    low, high = (_rgb(CLASS_COLORS[SPECIAL_MENTION]), _rgb(CLASS_COLORS[LOSS]))
    shades = n_colors(high, low, len(quarters), colortype="rgb") if len(quarters) > 1 else [high]
    return dict(zip(sorted(quarters), shades))


def _rgb(hex_color: str) -> str:
    value = hex_color.lstrip("#")
    return "rgb({}, {}, {})".format(*(int(value[i:i + 2], 16) for i in (0, 2, 4)))


def vintage_chart(curves: pd.DataFrame, *, title: str, x_title: str, y_title: str) -> go.Figure:
    """One line per issue quarter: cumulative share of its principal that became NPL by months on book."""
    fig = go.Figure()
    colors = quarter_colors(sorted(curves.quarter.unique()))
    for quarter, group in curves.groupby("quarter"):
        shares = [None if v is None or pd.isna(v) else float(v) * 100 for v in group.npl_share]
        fig.add_scatter(x=group.months_on_book, y=shares, name=quarter, mode="lines+markers",
                        line=dict(color=colors[quarter], width=2),
                        hovertemplate=f"{quarter}<br>{x_title}: %{{x}}<br>{y_title}: %{{y:.2f}} %<extra></extra>")
    fig.update_layout(title=title, margin=LAYOUT["margin"], height=LAYOUT["height"],
                      legend=dict(orientation="v", x=1.02, y=1, title_text=""))
    fig.update_xaxes(title=x_title, dtick=3, rangemode="tozero")
    fig.update_yaxes(title=y_title, ticksuffix=" %", rangemode="tozero")
    return localized(fig)


# --- tables -----------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class TableSpec:
    """How a watch list is shown and exported; every text is translated before the spec is built, so the
    full download can be prepared off the script thread (where the session language is unknown)."""

    labels: dict[str, str]
    money: tuple[str, ...] = ()
    codes: dict[str, dict[str, str]] = field(default_factory=dict)
    #: boolean flag columns folded into one text column: {new column: {flag column: text}}
    reasons: dict[str, dict[str, str]] = field(default_factory=dict)


def prepare(frame: pd.DataFrame, spec: TableSpec) -> pd.DataFrame:
    """Codes to words, flags to a reasons column, cents to currency units, translated headers."""
    out = frame.copy()
    for column, names in spec.codes.items():
        out[column] = [names.get(v, v) if isinstance(v, str) else "—" for v in out[column]]
    for column, flags in spec.reasons.items():
        out[column] = [" · ".join(text for flag, text in flags.items() if row[flag]) for _, row in out.iterrows()] \
            if len(out) else []
    out = tables.money_columns(out[list(spec.labels)], list(spec.money))
    return out.rename(columns=spec.labels)


def full_loader(function: Callable[..., pd.DataFrame], **arguments) -> Callable[[], pd.DataFrame]:
    """The whole list (no limit), read only when a download is clicked; the scope is in ``arguments``."""
    return tables.read_all(function, limit=None, **arguments)


def bounded_table(rows: pd.DataFrame, *, total: int, spec: TableSpec, symbol: str, key: str, filename: str,
                  load_all: Callable[[], pd.DataFrame] | None = None) -> None:
    """The first rows of a list, 'showing N of M', and CSV/Excel of the full list built on click."""
    if rows.empty:
        st.info(t("warnings.table.empty"))
        return
    tables.show_display(prepare(rows, spec), money_headers=[spec.labels[c] for c in spec.money], symbol=symbol,
                        total=total)
    source = load_all or (lambda: rows)
    tables.downloads(lambda: prepare(source(), spec), filename=filename, key=key)


def watch_list(function: Callable[..., pd.DataFrame], arguments: dict, *, total: int, spec: TableSpec, symbol: str,
               key: str, filename: str) -> None:
    """Read the first ROWS_SHOWN rows of a data/ list through the cache; the download reads all of it."""
    bounded_table(store.read(function, **arguments, limit=ROWS_SHOWN), total=total, spec=spec, symbol=symbol, key=key,
                  filename=filename, load_all=full_loader(function, **arguments))


def class_names() -> dict[str, str]:
    return {c: label("class", c) for c in CLASSES}


def base_labels() -> dict[str, str]:
    return {"contract_no": t("common.contract"), "borrower": t("common.borrower"),
            "cooperative": t("common.cooperative"), "officer": t("warnings.col.officer")}


# --- KPI row ------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class WarningFigures:
    """The headline numbers of the page for the last month of the period."""

    special_mention: pd.DataFrame  # class_trend of Special Mention
    worsened: rules.Total
    at_risk: rules.Total
    hidden: pd.DataFrame  # list_hidden_npl_by_officer
    evergreen: pd.DataFrame  # list_evergreening_by_officer
    balances: pd.DataFrame  # portfolio balances_by_month


def _signed_money(cents: int | None, symbol: str) -> str | None:
    if cents is None:
        return None
    return ("+" if cents >= 0 else "") + money(cents, symbol, compact=True)


def kpi_row(data: WarningFigures, chosen: Filters, ctx: PageContext) -> list[Kpi]:
    """SM balance and change, Normal at risk, hidden NPLs and the ratio if reclassified, evergreening, new NPLs."""
    symbol, last = ctx.symbol, chosen.last
    sm = data.special_mention.set_index("month")
    sm_now = int(sm.balance_cents.get(last, 0))
    hidden_cents = int(data.hidden.balance_cents.sum())
    segment_rows = data.balances if chosen.segment is None else data.balances[data.balances.segment == chosen.segment]
    ratio_now = figures.ratio(figures.npl_balance(segment_rows, last), figures.gross_balance(segment_rows, last))
    ratio_after = rules.reclassified_npl_ratio(data.balances, last, hidden_cents, chosen.segment)
    ratio_delta = None if ratio_now is None or ratio_after is None else points(ratio_after - ratio_now)
    new_now = figures.npl_balance(data.balances, last, NEW)
    earlier = sorted(m for m in set(data.balances.month) if m < last)
    new_before = figures.npl_balance(data.balances, earlier[-1], NEW) if earlier else None
    return [
        Kpi(t("warnings.kpi.sm"), money(sm_now, symbol, compact=True),
            _signed_money(rules.change(data.special_mention, last), symbol),
            help=t("warnings.kpi.sm_help", month=fmt_month(last), count=number(int(sm.loan_count.get(last, 0))),
                   worsened=number(data.worsened.loan_count))),
        Kpi(t("warnings.kpi.at_risk"), money(data.at_risk.balance_cents, symbol, compact=True),
            help=t("warnings.kpi.at_risk_help", count=number(data.at_risk.loan_count),
                   days=rules.MATURITY_WINDOW_DAYS)),
        Kpi(t("warnings.kpi.hidden"), money(hidden_cents, symbol, compact=True),
            help=t("warnings.kpi.hidden_help", count=number(int(data.hidden.loan_count.sum())))),
        Kpi(t("warnings.kpi.ratio_after"), share(ratio_after, 2), ratio_delta,
            help=t("warnings.kpi.ratio_after_help", now=share(ratio_now, 2))),
        Kpi(t("warnings.kpi.evergreen"), money(int(data.evergreen.balance_cents.sum()), symbol, compact=True),
            help=t("warnings.kpi.evergreen_help", count=number(int(data.evergreen.loan_count.sum())),
                   principal=money(int(data.evergreen.principal_cents.sum()), symbol), first=fmt_month(chosen.first))),
        Kpi(t("warnings.kpi.new_npl"), money(new_now, symbol, compact=True),
            _signed_money(None if new_before is None else new_now - new_before, symbol),
            help=t("warnings.kpi.new_npl_help", cutoff=ctx.settings.segment_cutoff.isoformat())),
    ]


def months_in(ctx: PageContext, chosen: Filters) -> list[dt.date]:
    """The months of the chosen period that have data."""
    return [m for m in ctx.months if chosen.first <= m <= chosen.last]


# --- table specs (translated in the script thread) ---------------------------------------------------------------
def special_mention_spec() -> TableSpec:
    return TableSpec(
        labels={**base_labels(), "balance_cents": t("common.balance"), "overdue_cents": t("warnings.col.overdue"),
                "days_past_due": t("common.days_past_due"), "previous_class": t("warnings.col.previous_class"),
                "status": t("warnings.col.status")},
        money=("balance_cents", "overdue_cents"), codes={"previous_class": class_names()},
        reasons={"status": {"worsened": t("warnings.sm.worsened")}})


def at_risk_spec() -> TableSpec:
    return TableSpec(
        labels={**base_labels(), "loan_class": t("common.class"), "previous_class": t("warnings.col.previous_class"),
                "balance_cents": t("common.balance"), "overdue_cents": t("warnings.col.overdue"),
                "days_past_due": t("common.days_past_due"), "maturity_date": t("warnings.col.maturity"),
                "reasons": t("warnings.col.reasons")},
        money=("balance_cents", "overdue_cents"),
        codes={"loan_class": class_names(), "previous_class": class_names()},
        reasons={"reasons": {f"{reason}_flag": label("warnings.risk", reason) for reason in rules.NORMAL_RISK_REASONS}})


def hidden_spec() -> TableSpec:
    return TableSpec(
        labels={**base_labels(), "loan_class": t("warnings.col.recorded_class"),
                "floor_class": t("warnings.col.floor_class"), "days_past_due": t("common.days_past_due"),
                "balance_cents": t("common.balance"), "restructured_on": t("warnings.col.restructured_on"),
                "reason": t("warnings.col.reasons")},
        money=("balance_cents",),
        codes={"loan_class": class_names(), "floor_class": class_names(),
               "reason": {r: label("warnings.hidden", r) for r in rules.HIDDEN_REASONS}})


def provision_rates_text(rates: Mapping[str, float]) -> str:
    """The provision rate of each class (the settings'), as the under-classified list prices them."""
    return ", ".join(f"{label('class', c)} {share(rates[c], 0)}" for c in CLASSES)


def under_classified_spec() -> TableSpec:
    return TableSpec(
        labels={**base_labels(), "loan_class": t("warnings.col.recorded_class"),
                "floor_class": t("warnings.col.floor_class"), "days_past_due": t("common.days_past_due"),
                "balance_cents": t("common.balance"), "understated_cents": t("defects.under.col.understated"),
                "restructured_on": t("warnings.col.restructured_on"), "reason": t("defects.under.col.reason")},
        money=("balance_cents", "understated_cents"),
        codes={"loan_class": class_names(), "floor_class": class_names(),
               "reason": {r: label("warnings.hidden", r) for r in rules.HIDDEN_REASONS}})


def evergreen_spec() -> TableSpec:
    return TableSpec(
        labels={**base_labels(), "issue_date": t("common.issue_date"), "principal_cents": t("warnings.col.principal"),
                "balance_cents": t("common.balance"), "old_contract": t("warnings.col.old_contract"),
                "rules": t("warnings.col.reasons")},
        money=("principal_cents", "balance_cents"),
        reasons={"rules": {f"{rule}_flag": label("warnings.evergreen", rule) for rule in rules.EVERGREEN_RULES}})


def evergreen_by_officer_spec() -> TableSpec:
    return TableSpec(
        labels={"officer": t("warnings.col.officer"), "cooperative": t("common.cooperative"),
                "loan_count": t("common.count"), "principal_cents": t("warnings.col.principal"),
                "balance_cents": t("common.balance"), "link_count": label("warnings.evergreen", rules.EVERGREEN_LINK),
                "window_count": label("warnings.evergreen", rules.EVERGREEN_WINDOW),
                "interest_count": label("warnings.evergreen", rules.EVERGREEN_INTEREST)},
        money=("principal_cents", "balance_cents"))


def new_npl_by_officer_spec() -> TableSpec:
    return TableSpec(
        labels={"officer": t("warnings.col.officer"), "cooperative": t("common.cooperative"),
                "npl_count": t("warnings.col.npl_count"), "npl_cents": t("warnings.col.npl_balance"),
                "gross_cents": t("warnings.col.new_gross"), "npl_ratio": t("warnings.col.npl_ratio")},
        money=("npl_cents", "gross_cents"))


def by_quarter_spec() -> TableSpec:
    return TableSpec(
        labels={"quarter": t("warnings.col.quarter"), "loans_issued": t("warnings.col.loans_issued"),
                "principal_cents": t("warnings.col.principal"), "npl_loans": t("warnings.col.npl_count"),
                "npl_principal_cents": t("warnings.col.npl_principal"), "npl_share": t("warnings.col.npl_share")},
        money=("principal_cents", "npl_principal_cents"))


def with_shares(frame: pd.DataFrame, numerator: str, denominator: str, column: str) -> pd.DataFrame:
    """Add a share column shown as text ('12.3 %', or a dash when there is nothing to divide by)."""
    out = frame.copy()
    out[column] = [share(figures.ratio(n, d)) for n, d in zip(out[numerator], out[denominator])]
    return out
