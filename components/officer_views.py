"""The officers area: officer table, accountability gap, officer detail, assignment forms and their charts.

The detail view is shared by the supervisor's drill-down (pages/officers.py) and the officer's own record
(pages/my_record.py), so an officer sees exactly the figures their supervisor sees. Chart builders at the
top are pure (DataFrame in, go.Figure out); the Streamlit pieces below them own their widget keys.
"""
from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable
from urllib.parse import urlencode

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from components.tables import dashes
from components.format import money, money_hover, money_ticks, number, plain, share, to_cents
from components.format import date as fmt_date
from components.charts import localized
from components import charts, forms, kpis, store, tables
from components.auth import Viewer
from components.context import PageContext
from components.i18n import label, t
from components.kpis import Kpi
from components.theme import CLASS_COLORS, METHOD_COLORS, TARGET_COLOR
from data import assignments, officers
from domain import accountability, figures
from domain.assignments import DEADLINE_STATUSES, OPEN, default_deadline
from domain.classes import CLASSES
from domain.roles import can

OFFICER_PARAM = "officer"
DECISIONS_PAGE = "decisions"
TABLE_ROWS = 100
LAGGARD_COLOR = CLASS_COLORS["doubtful"]
OTHER_COLOR = TARGET_COLOR
PARITY_COLOR = "#9e9e9e"
LAYOUT = dict(margin=dict(l=10, r=10, t=40, b=10), legend=dict(orientation="h", y=-0.2), height=400)


# --- pure figure builders --------------------------------------------------------------------------------------
def recovery_scatter(table: pd.DataFrame, *, symbol: str, title: str, x_title: str, y_title: str,
                     laggard_name: str, other_name: str, parity_name: str) -> go.Figure:
    """Recovery rate (y) against target (x, log scale) per officer; below the dashed 100 % line = short of target.

    A rate rather than the amount on y keeps small and large portfolios readable on one chart; the hover
    shows both amounts. Officers with no target are left out. Each point carries the officer id as
    customdata so a click can open the officer's record.
    """
    fig = go.Figure()
    rated = table[table.target_cents > 0]
    for flag, name, color in ((False, other_name, OTHER_COLOR), (True, laggard_name, LAGGARD_COLOR)):
        rows = rated[rated.laggard == flag]
        amounts = [f"{money(r, symbol)} / {money(tg, symbol)}" for r, tg in zip(rows.recovered_cents, rows.target_cents)]
        fig.add_scatter(x=rows.target_cents / 100, y=rows.recovery_rate.astype("float64"), mode="markers", name=name,
                        customdata=rows.officer_id, text=[html.escape(str(n)) for n in rows.officer],
                        hovertext=amounts, marker=dict(color=color, size=11, line=dict(width=1, color="#ffffff")),
                        hovertemplate=(f"%{{text}}<br>{html.escape(y_title)}: %{{y:.0%}}<br>%{{hovertext}}"
                                       "<extra></extra>"))
    fig.add_hline(y=1.0, line=dict(color=PARITY_COLOR, dash="dash"), annotation_text=html.escape(parity_name),
                  annotation_position="top left")
    fig.update_layout(title=title, **LAYOUT)
    fig.update_xaxes(title=x_title, type="log", **money_ticks(symbol))
    fig.update_yaxes(title=y_title, tickformat=".0%", rangemode="tozero")
    return localized(fig)


def cooperative_bars(by_coop: pd.DataFrame, *, symbol: str, title: str, target_name: str,
                     recovered_name: str) -> go.Figure:
    """Target and recovered side by side per cooperative, the recovery rate in the hover."""
    names = [html.escape(str(n)) for n in by_coop.cooperative]
    rates = [share(r) for r in by_coop.recovery_rate]
    fig = go.Figure()
    fig.add_bar(x=names, y=by_coop.target_cents / 100, name=target_name, marker_color=PARITY_COLOR,
                hovertemplate=f"%{{x}}<br>{html.escape(target_name)}: {money_hover(symbol, 'y')}<extra></extra>")
    fig.add_bar(x=names, y=by_coop.recovered_cents / 100, name=recovered_name, marker_color=OTHER_COLOR,
                customdata=rates,
                hovertemplate=f"%{{x}}<br>{html.escape(recovered_name)}: {money_hover(symbol, 'y')} (%{{customdata}})"
                              "<extra></extra>")
    fig.update_layout(title=title, barmode="group", **LAYOUT)
    fig.update_yaxes(**money_ticks(symbol), tickformat="~s", rangemode="tozero")
    return localized(fig)


def on_time_line(rates: pd.DataFrame, *, title: str, rate_name: str, decided_name: str) -> go.Figure:
    """On-time rate by month of deadline (line) over the number of assignments judged that month (bars)."""
    x = [m.strftime("%Y-%m") for m in rates.month]
    fig = go.Figure()
    fig.add_bar(x=x, y=rates.decided, name=decided_name, yaxis="y2", marker_color="#cfd8dc",
                hovertemplate=f"{html.escape(decided_name)}: %{{y:,}}<extra></extra>")
    fig.add_scatter(x=x, y=rates.rate, name=rate_name, mode="lines+markers", line=dict(color=OTHER_COLOR, width=2),
                    customdata=rates.met, hovertemplate=f"{html.escape(rate_name)}: %{{y:.0%}} "
                                                        "(%{customdata})<extra></extra>")
    fig.update_layout(title=title, hovermode="x unified",
                      yaxis=dict(tickformat=".0%", range=[0, 1.05], title=rate_name),
                      yaxis2=dict(overlaying="y", side="right", showgrid=False, rangemode="tozero", tickformat=",d",
                                  dtick=max(1, int(rates.decided.max() if len(rates) else 1) // 4)), **LAYOUT)
    return localized(fig)


def recoveries_by_method(timeline: pd.DataFrame, *, names: dict[str, str], symbol: str, title: str) -> go.Figure:
    """An officer's recoveries by month, stacked by collection method (the method colours of every page)."""
    pivot = timeline.pivot_table(index="month", columns="method", values="recovered_cents", aggfunc="sum",
                                 fill_value=0)
    pivot = pivot[[m for m in METHOD_COLORS if m in pivot.columns]]
    return charts.stacked_balances(pivot, names=names, colors=METHOD_COLORS, symbol=symbol, title=title)


def decisions_link(officer_id: int, assignment_ids: list[int]) -> str:
    """The decisions page's 'propose' address (its contract): decisions?propose=1&officer=..&assignments=.."""
    query = {"propose": 1, "officer": int(officer_id), "assignments": ",".join(str(int(i)) for i in assignment_ids)}
    return f"{DECISIONS_PAGE}?{urlencode(query, safe=',')}"


# --- navigation between the list and one officer ----------------------------------------------------------------
def requested_officer() -> int | None:
    """The officer id in the address (?officer=ID), or None when absent or not a number."""
    raw = st.query_params.get(OFFICER_PARAM)
    try:
        value = int(raw) if raw is not None else None
    except ValueError:
        return None
    return value if value is not None and 0 < value < 2**31 else None


def _nonce() -> int:
    return int(st.session_state.get("officers.nonce", 0))


def open_officer(officer_id: int) -> None:
    st.query_params[OFFICER_PARAM] = str(int(officer_id))
    st.rerun()


def back_button() -> None:
    """Leave the detail view; fresh widget keys so the old selection does not reopen it."""
    if st.button(t("officers.detail.back"), icon=":material/arrow_back:", key="officers.back"):
        st.query_params.pop(OFFICER_PARAM, None)
        st.session_state["officers.nonce"] = _nonce() + 1
        st.rerun()


# --- the list view -----------------------------------------------------------------------------------------------
def gap_kpi(gap_counts: dict[str, int], unowned_npls: int) -> Kpi:
    """The accountability gap card (domain.accountability.accountability_gap): overdue or missed assignments
    with no decision plus NPLs with no named person; those awaiting approval beneath."""
    awaiting = int(gap_counts.get(accountability.AWAITING_APPROVAL, 0))
    return Kpi(t("officers.kpi.gaps"), number(accountability.accountability_gap(gap_counts, unowned_npls)),
               delta=t("defects.gap.awaiting", count=number(awaiting)), delta_color="off", delta_arrow="off",
               help=t("defects.gap.kpi_help", undecided=number(int(gap_counts.get(accountability.NO_DECISION, 0))),
                      unowned=number(unowned_npls), awaiting=number(awaiting)))


def kpi_row(totals: dict, gap: Kpi, symbol: str) -> list[Kpi]:
    return [
        Kpi(t("officers.kpi.open"), number(totals['open']), help=t("officers.kpi.open_help",
                                                                   balance=money(totals["open_balance_cents"], symbol))),
        Kpi(t("officers.kpi.recovered"), money(totals["recovered_cents"], symbol, compact=True),
            help=t("officers.kpi.recovered_help", target=money(totals["target_cents"], symbol))),
        Kpi(t("officers.kpi.recovery_rate"), share(totals["recovery_rate"]), help=t("officers.help.recovery_rate")),
        Kpi(t("officers.kpi.on_time"), share(totals["on_time_rate"]), help=t("officers.help.on_time")),
        Kpi(t("officers.kpi.due_soon"), number(totals['due_soon'])),
        Kpi(t("officers.kpi.overdue"), number(totals['overdue'])),
        Kpi(t("officers.kpi.missed"), number(totals['missed'])),
        gap,
    ]


def charts_section(table: pd.DataFrame, *, symbol: str, rates: pd.DataFrame, per_cooperative: bool) -> int | None:
    """The charts of the list view; returns the officer clicked in the scatter, if any."""
    titles = [t("officers.chart.by_officer"), t("officers.chart.on_time")]
    if per_cooperative:
        titles.insert(1, t("officers.chart.by_cooperative"))
    tabs = st.tabs(titles)
    with tabs[0]:
        fig = recovery_scatter(table, symbol=symbol, title=t("officers.chart.by_officer_title"),
                               x_title=t("officers.col.target"), y_title=t("officers.col.recovery_rate"),
                               laggard_name=t("officers.legend.laggard"), other_name=t("officers.legend.other"),
                               parity_name=t("officers.legend.parity"))
        event = st.plotly_chart(fig, key=f"officers.scatter.{_nonce()}", on_select="rerun", selection_mode="points")
        st.caption(t("officers.chart.click_hint"))
    if per_cooperative:
        with tabs[1]:
            st.plotly_chart(cooperative_bars(accountability.by_cooperative(table), symbol=symbol,
                                             title=t("officers.chart.by_cooperative_title"),
                                             target_name=t("officers.col.target"),
                                             recovered_name=t("officers.col.recovered")), key="officers.coops")
    with tabs[-1]:
        if rates.empty:
            st.info(t("officers.chart.no_deadlines"))
        else:
            st.plotly_chart(on_time_line(rates, title=t("officers.chart.on_time_title"),
                                         rate_name=t("officers.col.on_time_rate"),
                                         decided_name=t("officers.legend.decided")), key="officers.on_time")
    for point in (event.selection.points if event else []):
        if point.get("customdata") is not None:
            return int(point["customdata"])
    return None


def _table_labels() -> dict[str, str]:
    keys = ("flag", "officer", "cooperative", "open", "open_balance_cents", "target_cents", "recovered_cents",
            "recovery_rate", "met", "due_soon", "overdue", "missed", "on_time_rate", "new_npl_count",
            "new_npl_cents", "latest_rating", "decisions_approved")
    return {k: t(f"officers.col.{k.removesuffix('_cents')}") for k in keys}


def _display_table(table: pd.DataFrame) -> pd.DataFrame:
    shown = table.assign(flag=[t("officers.flag.laggard") if lag else "" for lag in table.laggard],
                         latest_rating=[label("review_rating", r) if isinstance(r, str) else "—"
                                        for r in table.latest_rating],
                         recovery_rate=table.recovery_rate.astype("float64"),
                         on_time_rate=table.on_time_rate.astype("float64"))
    return shown[list(_table_labels())]


def officer_table(table: pd.DataFrame, *, symbol: str, show_cooperative: bool) -> int | None:
    """The sortable officer table, laggards first and shaded; returns the officer whose row was selected."""
    labels = _table_labels()
    shown = _display_table(table)
    if not show_cooperative:
        shown = shown.drop(columns=["cooperative"])
    money_cols = ["open_balance_cents", "target_cents", "recovered_cents", "new_npl_cents"]
    display = tables.money_columns(shown, money_cols).rename(columns=labels)
    shade = [bool(v) for v in table.laggard]
    styled = display.style.apply(
        lambda row: [f"background-color: {LAGGARD_COLOR}22" if shade[row.name] else ""] * len(row), axis=1)
    config = {labels[c]: st.column_config.ProgressColumn(format="percent", min_value=0.0, max_value=1.0)
              for c in ("recovery_rate", "on_time_rate")}
    event = tables.grid(styled, money_headers=[labels[c] for c in money_cols], symbol=symbol, decimals=0,
                        column_config=config, on_select="rerun", selection_mode="single-row",
                        key=f"officers.table.{_nonce()}")
    st.caption(t("officers.table_hint"))
    export = tables.money_columns(_display_table(table), money_cols).rename(columns=labels)
    tables.downloads(export, filename="officers", key="officers.table.download")
    rows = event.selection.rows if event else []
    return int(table.iloc[rows[0]].officer_id) if rows else None


def officer_picker(table: pd.DataFrame) -> int | None:
    """A selectbox that opens an officer's record (the keyboard-friendly drill-down)."""
    names = dict(zip(table.officer_id, table.officer))
    return st.selectbox(t("officers.pick"), list(names), index=None, format_func=lambda i: str(names[i]),
                        placeholder=t("officers.pick_placeholder"), key=f"officers.pick.{_nonce()}")


def _gap_rows(gaps: pd.DataFrame, today: dt.date, status_words: dict[str, str] | None = None,
              state_words: dict[str, str] | None = None) -> pd.DataFrame:
    words = status_words or {s: label("deadline_status", s) for s in DEADLINE_STATUSES}
    states = state_words or {s: t(f"defects.gap.state.{s}") for s in accountability.GAP_STATES}
    return gaps.assign(days_late=[accountability.days_late(d, today) for d in gaps.deadline],
                       status=[words.get(s, s) for s in gaps.status],
                       decision_state=[states.get(s, s) for s in gaps.decision_state])


def gap_list(gaps: pd.DataFrame, *, total: int, symbol: str, today: dt.date,
             read_all: Callable[[], pd.DataFrame]) -> None:
    """Missed or overdue assignments with no decision, oldest first, each with a link to propose one."""
    if gaps.empty:
        st.success(t("officers.gap.none"))
        return
    shown = gaps.head(TABLE_ROWS)
    by_officer = (shown.groupby(["officer_id", "officer"], as_index=False)
                  .agg(assignments=("assignment_id", list), oldest=("deadline", "min")))
    by_officer["count"] = by_officer.assignments.map(len)
    by_officer["link"] = [decisions_link(o, ids) for o, ids in zip(by_officer.officer_id, by_officer.assignments)]
    by_officer = by_officer.sort_values("oldest")
    link = st.column_config.LinkColumn(t("officers.gap.propose"), display_text=t("officers.gap.propose_text"))
    tables.grid(by_officer[["officer", "count", "oldest", "link"]].rename(columns={
        "officer": t("common.officer"), "count": t("officers.gap.count"), "oldest": t("officers.gap.oldest")}),
        column_config={"link": link}, key="officers.gap.by_officer")
    rows = _gap_rows(shown, today).assign(
        link=[decisions_link(o, [a]) for o, a in zip(shown.officer_id, shown.assignment_id)])
    labels = {"assignment_id": t("officers.col.assignment"), "officer": t("common.officer"),
              "cooperative": t("common.cooperative"), "contract_no": t("common.contract"),
              "borrower": t("common.borrower"), "deadline": t("officers.col.deadline"),
              "days_late": t("officers.col.days_late"), "status": t("officers.col.status"),
              "decision_state": t("defects.gap.col.state"),
              "target_cents": t("officers.col.target"), "recovered_cents": t("officers.col.recovered")}
    columns = [*labels, "link"]
    display = tables.money_columns(rows[columns], ["target_cents", "recovered_cents"]).rename(columns=labels)
    tables.grid(display, money_headers=[labels["target_cents"], labels["recovered_cents"]], symbol=symbol, decimals=0,
                plain=[labels["assignment_id"]], column_config={"link": link}, key="officers.gap.rows")
    if total > len(shown):
        st.caption(t("table.showing", shown=number(len(shown)), total=number(total)))
    status_words = {s: label("deadline_status", s) for s in DEADLINE_STATUSES}  # translated now, used later
    state_words = {s: t(f"defects.gap.state.{s}") for s in accountability.GAP_STATES}

    def export() -> pd.DataFrame:
        full = _gap_rows(read_all(), today, status_words, state_words)
        return tables.money_columns(full[list(labels)], ["target_cents", "recovered_cents"]).rename(columns=labels)

    tables.downloads(export, filename="accountability-gap", key="officers.gap.download")


# --- forms -------------------------------------------------------------------------------------------------------
def _flash() -> None:
    message = st.session_state.pop("officers.flash", None)
    if message:
        st.success(message)


def _after(result: object, message: str) -> None:
    if result is not None:
        st.session_state["officers.flash"] = message
        st.rerun()


def _officer_choice(officer_list: pd.DataFrame, key: str) -> int | None:
    names = {int(r.id): f"{r.name} · {r.employee_no}" for r in officer_list.itertuples()}
    return st.selectbox(t("officers.form.officer"), list(names), index=None, format_func=names.__getitem__,
                        placeholder=t("officers.form.choose"), key=key)


def assign_form(viewer: Viewer, *, npls: pd.DataFrame, officer_list: pd.DataFrame, symbol: str,
                today: dt.date, days: int) -> None:
    """Assign an NPL with no responsible officer: officer, target and deadline (checked by the command)."""
    _flash()
    if npls.empty:
        st.info(t("officers.form.all_assigned"))
        return
    loans = {int(r.loan_id): f"{r.contract_no} · {r.borrower} · {label('class', r.loan_class)} · "
                             f"{money(r.balance_cents, symbol)}" for r in npls.itertuples()}
    with st.form("officers.assign", clear_on_submit=False):
        loan_id = st.selectbox(t("officers.form.loan"), list(loans), index=None, format_func=loans.__getitem__,
                               placeholder=t("officers.form.choose"), key="officers.assign.loan")
        officer_id = _officer_choice(officer_list, "officers.assign.officer")
        left, right = st.columns(2)
        target = left.number_input(t("officers.form.target", symbol=symbol), min_value=0.0, step=100.0,
                                   format="%.2f", key="officers.assign.target")
        deadline = right.date_input(t("officers.form.deadline"), value=default_deadline(today, days),
                                    key="officers.assign.deadline")
        st.caption(t("officers.form.rules"))
        submitted = st.form_submit_button(t("officers.form.assign"), type="primary")
    if submitted:
        _after(forms.submit(assignments.create, actor=viewer.actor, loan_id=loan_id, officer_id=officer_id,
                            target_cents=to_cents(target) or 0, deadline=deadline, today=today),
               t("officers.form.assigned"))


def reassign_form(viewer: Viewer, *, open_rows: pd.DataFrame, officer_list: pd.DataFrame, symbol: str,
                  today: dt.date, days: int) -> None:
    """Hand one of this officer's open assignments to another officer; the old one stays in the history."""
    _flash()
    choices = {int(r.assignment_id): f"#{r.assignment_id} · {r.contract_no} · {r.borrower} · "
                                     f"{money(r.target_cents, symbol)} · {fmt_date(r.deadline)}"
               for r in open_rows.itertuples()}
    with st.form("officers.reassign", clear_on_submit=False):
        assignment_id = st.selectbox(t("officers.form.assignment"), list(choices), index=None,
                                     format_func=choices.__getitem__, placeholder=t("officers.form.choose"),
                                     key="officers.reassign.assignment")
        officer_id = _officer_choice(officer_list, "officers.reassign.officer")
        left, right = st.columns(2)
        target = left.number_input(t("officers.form.target", symbol=symbol), min_value=0.0, step=100.0,
                                   format="%.2f", key="officers.reassign.target")
        deadline = right.date_input(t("officers.form.deadline"), value=default_deadline(today, days),
                                    key="officers.reassign.deadline")
        st.caption(t("officers.form.reassign_rules"))
        submitted = st.form_submit_button(t("officers.form.reassign"), type="primary")
    if submitted:
        _after(forms.submit(assignments.reassign, actor=viewer.actor, assignment_id=assignment_id,
                            officer_id=officer_id, target_cents=to_cents(target) or 0, deadline=deadline, today=today),
               t("officers.form.reassigned"))


# --- one officer's record ------------------------------------------------------------------------------------------
def _assignments_table(rows: pd.DataFrame, symbol: str) -> None:
    labels = {"assignment_id": t("officers.col.assignment"), "contract_no": t("common.contract"),
              "borrower": t("common.borrower"), "loan_class": t("common.class"),
              "balance_cents": t("common.balance"), "assigned_on": t("officers.col.assigned_on"),
              "deadline": t("officers.col.deadline"), "status": t("officers.col.status"),
              "target_cents": t("officers.col.target"), "recovered_cents": t("officers.col.recovered"),
              "closed_on": t("officers.col.closed_on"), "previous_assignment_id": t("officers.col.previous")}
    shown = rows.assign(status=[label("deadline_status", s) for s in rows.status],
                        loan_class=[label("class", c) if isinstance(c, str) else "—" for c in rows.loan_class])
    tables.show(shown[list(labels)], labels=labels, money=["balance_cents", "target_cents", "recovered_cents"],
                symbol=symbol, key="officers.detail.assignments", filename="officer-assignments")


def _history(scope, officer_id: int, symbol: str) -> None:
    reviews = store.read(officers.list_reviews, scope=scope, officer_id=officer_id)
    decisions = store.read(officers.list_decisions, scope=scope, officer_id=officer_id)
    st.markdown(f"**{t('officers.detail.reviews')}**")
    if reviews.empty:
        st.caption(t("officers.detail.no_reviews"))
    else:
        shown = reviews.assign(rating=[label("review_rating", r) for r in reviews.rating])
        tables.grid(dashes(shown.drop(columns=["review_id"])).rename(columns={
            "period_start": t("officers.col.period_start"), "period_end": t("officers.col.period_end"),
            "rating": t("officers.col.latest_rating"), "findings": t("officers.col.findings"),
            "reviewer": t("officers.col.reviewer")}), key="officers.reviews")
    st.markdown(f"**{t('officers.detail.decisions')}**")
    if decisions.empty:
        st.caption(t("officers.detail.no_decisions"))
        return
    shown = decisions.assign(kind=[label("decision_kind", k) for k in decisions.kind],
                             status=[label("decision_status", s) for s in decisions.status],
                             amount_cents=decisions.amount_cents.astype("float64") / 100)
    shown = dashes(shown)
    tables.grid(shown.rename(columns={
        "decision_id": "#", "kind": t("officers.col.kind"), "status": t("officers.col.status"),
        "amount_cents": t("officers.col.amount"), "months": t("officers.col.months"),
        "effective_on": t("officers.col.effective_on"), "reason": t("officers.col.reason"),
        "proposed_by": t("officers.col.proposed_by"), "proposed_at": t("officers.col.proposed_at"),
        "decided_by": t("officers.col.decided_by"), "decided_at": t("officers.col.decided_at"),
        "revocation_reason": t("officers.col.revocation_reason"), "assignments": t("officers.col.assignments")}),
        money_headers=[t("officers.col.amount")], symbol=symbol, decimals=0, plain=["#"], key="officers.decisions")


def detail(viewer: Viewer, officer_id: int, *, ctx: PageContext, today: dt.date, manage: bool) -> None:
    """One officer's record: KPIs, assignments with deadline status, recoveries, loans by class, history.

    Refuses (with a message, showing nothing) an officer outside the viewer's scope, e.g. a forged URL.
    """
    scope, symbol, month = viewer.scope, ctx.symbol, ctx.months[-1]
    info = store.read(officers.get_officer, scope=scope, officer_id=officer_id)
    if info is None:
        st.error(t("officers.detail.not_found"))
        return
    st.subheader(plain(info["name"]), anchor=False)  # typed names: escaped, never markdown
    st.caption(t("officers.detail.caption", cooperative=plain(info["cooperative"]),
                 employee_no=plain(info["employee_no"]),
                 hired=fmt_date(info["hired_on"]),
                 state=t("officers.detail.active") if info["active"] else t("officers.detail.inactive")))
    facts = store.read(officers.list_officer_facts, scope=scope, month=month, officer_id=officer_id)
    by_status = store.read(officers.assignments_by_status, scope=scope, today=today, month=month,
                           officer_id=officer_id)
    row = accountability.officer_table(facts, by_status).iloc[0]
    cards = [Kpi(t("officers.kpi.open"), number(row.open), help=t("officers.kpi.open_help",
                                                                  balance=money(row.open_balance_cents, symbol))),
             Kpi(t("officers.col.target"), money(row.target_cents, symbol, compact=True)),
             Kpi(t("officers.kpi.recovered"), money(row.recovered_cents, symbol, compact=True)),
             Kpi(t("officers.kpi.recovery_rate"), share(row.recovery_rate), help=t("officers.help.recovery_rate")),
             Kpi(t("officers.kpi.on_time"), share(row.on_time_rate), help=t("officers.help.on_time")),
             Kpi(t("officers.kpi.overdue"), number(row.overdue)), Kpi(t("officers.kpi.missed"), number(row.missed)),
             Kpi(t("officers.col.new_npl_count"), number(row.new_npl_count),
                 help=t("officers.help.new_npl", balance=money(row.new_npl_cents, symbol)))]
    kpis.show(cards)
    if row.laggard:
        st.warning(t("officers.detail.laggard"))
    rows = accountability.with_status(store.read(officers.list_assignments, scope=scope, officer_id=officer_id,
                                                 month=month), today=today)
    tabs = st.tabs([t("officers.detail.tab.assignments"), t("officers.detail.tab.recoveries"),
                    t("officers.detail.tab.loans"), t("officers.detail.tab.history")])
    with tabs[0]:
        if rows.empty:
            st.info(t("officers.detail.no_assignments"))
        else:
            _assignments_table(rows, symbol)
            rates = accountability.on_time_by_month(store.read(officers.on_time_by_deadline_month, scope=scope,
                                                               today=today, officer_id=officer_id))
            if not rates.empty:
                st.plotly_chart(on_time_line(rates, title=t("officers.chart.on_time_title"),
                                             rate_name=t("officers.col.on_time_rate"),
                                             decided_name=t("officers.legend.decided")), key="officers.detail.on_time")
    with tabs[1]:
        timeline = store.read(officers.collection_timeline, scope=scope, officer_id=officer_id)
        if timeline.empty:
            st.info(t("officers.detail.no_actions"))
        else:
            st.plotly_chart(recoveries_by_method(timeline, names={m: label("method", m) for m in METHOD_COLORS},
                                                 symbol=symbol, title=t("officers.chart.recoveries_title")),
                            key="officers.detail.recoveries")
            st.caption(t("officers.detail.recoveries_caption", actions=number(int(timeline.actions.sum())),
                         recovered=money(int(timeline.recovered_cents.sum()), symbol),
                         cost=money(int(timeline.cost_cents.sum()), symbol)))
    with tabs[2]:
        balances = store.read(officers.officer_balances_by_month, scope=scope, officer_id=officer_id,
                              first=ctx.months[0], last=month)
        if balances.empty:
            st.info(t("officers.detail.no_loans"))
        else:
            st.plotly_chart(charts.stacked_balances(
                figures.class_pivot(balances), names={c: label("class", c) for c in CLASSES},
                colors=charts.class_colors(), symbol=symbol, title=t("officers.chart.loans_title")),
                key="officers.detail.loans")
    with tabs[3]:
        _history(scope, officer_id, symbol)
    if manage and can(viewer.role, "assign"):
        open_rows = rows[rows.outcome == OPEN]
        with st.expander(t("officers.form.reassign_title"), expanded=False, icon=":material/swap_horiz:"):
            if open_rows.empty:
                st.caption(t("officers.form.nothing_open"))
            else:
                candidates = store.read(officers.list_officers, scope=scope, active_only=True)
                candidates = candidates[(candidates.id != officer_id)
                                        & (candidates.cooperative_id == info["cooperative_id"])]
                reassign_form(viewer, open_rows=open_rows, officer_list=candidates, symbol=symbol, today=today,
                              days=ctx.settings.default_assignment_days)
