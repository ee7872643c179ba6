"""NPLs with no named person: their KPI, a short list with downloads, and the bulk assignment preview.

The figures come from one read (data.officers.unowned_npl_totals / list_assignable_npls), the proposed officer
from one rule (domain.assignments.propose) and the write from one command (data.assignments.create_many), which
checks every row again: the preview only proposes, it decides nothing.
"""
from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from components.format import money, money_column, number, to_cents
from components.format import month as fmt_month
from components import forms, store, tables
from components.auth import Viewer
from components.i18n import label, t, tn
from components.kpis import Kpi
from data import assignments, officers
from domain import assignments as rules
from domain.classes import CLASSES
from domain.scope import Scope
from domain.segments import SEGMENTS
from domain.settings import Settings

SHORT_ROWS = 10
PREVIEW_ROWS = assignments.BULK_LIMIT
SHOWN_ROWS = "unowned.bulk.shown"
FLASH = "unowned.flash"


def totals(scope: Scope, month: dt.date, segment: str | None = None) -> tuple[int, int]:
    """(count, balance in cents) of the NPLs with no named person in this view."""
    return store.read(officers.unowned_npl_totals, scope=scope, month=month, segment=segment)


def kpi(figures: tuple[int, int], symbol: str, month: dt.date) -> Kpi:
    """The card: how many NPLs no one answers for, their balance beneath."""
    count, cents = figures
    return Kpi(t("unowned.kpi"), number(count), delta=money(cents, symbol, compact=True), delta_color="off",
               delta_arrow="off", help=t("unowned.kpi_help", month=fmt_month(month), balance=money(cents, symbol)))


def _labels() -> dict[str, str]:
    return {"contract_no": t("common.contract"), "borrower": t("common.borrower"),
            "cooperative": t("common.cooperative"), "loan_class": t("common.class"),
            "segment": t("common.segment"), "balance_cents": t("common.balance"),
            "days_past_due": t("common.days_past_due"), "issue_date": t("common.issue_date"),
            "originator": t("unowned.col.originator")}


def _words(frame: pd.DataFrame, names: dict[str, dict[str, str]]) -> pd.DataFrame:
    out = frame.copy()
    for column, words in names.items():
        out[column] = out[column].map(lambda v, w=words: w.get(v, v))
    return out


def summary(scope: Scope, month: dt.date, figures: tuple[int, int], *, symbol: str, key: str,
            segment: str | None = None) -> None:
    """The largest NPLs with no named person (a few on screen, all of them in the downloads)."""
    count, cents = figures
    if count == 0:
        st.success(t("unowned.none"))
        return
    st.caption(t("unowned.caption", count=number(count), balance=money(cents, symbol), month=fmt_month(month)))
    names = {"loan_class": {c: label("class", c) for c in CLASSES}, "segment": {s: label("segment", s) for s in SEGMENTS}}
    labels = _labels()
    arguments = dict(scope=scope, month=month, segment=segment)
    rows = store.read(officers.list_assignable_npls, limit=SHORT_ROWS, **arguments)
    tables.show(_words(rows, names)[list(labels)], labels=labels, money=["balance_cents"], symbol=symbol, key=key,
                filename=f"npls-no-named-person-{fmt_month(month)}", total_rows=count,
                full=lambda: _words(tables.read_now(officers.list_assignable_npls, limit=None, **arguments),
                                    names)[list(labels)])


def link_to_officers(cooperative_id: int | None) -> None:
    """From the overview: where the bulk assignment is (the officers page, same cooperative)."""
    target = "officers" if cooperative_id is None else f"officers?coop={int(cooperative_id)}"
    st.markdown(f"[{t('unowned.open_bulk')}]({target})")


# --- the bulk assignment -------------------------------------------------------------------------------------------
def _choices(npls: pd.DataFrame, active: pd.DataFrame, names: dict[int, str]) -> dict[int, int | None]:
    """One selector per cooperative whose rows need a chosen officer (old stock, or a new NPL whose granting
    officer has left): only the active officers of that cooperative."""
    needing = rules.cooperatives_needing_a_choice(npls)
    chosen: dict[int, int | None] = {}
    if not needing:
        return chosen
    st.caption(t("unowned.bulk.choose_hint"))
    columns = st.columns(min(3, len(needing)))
    for index, cooperative_id in enumerate(needing):
        pool = active[active.cooperative_id == cooperative_id]
        options = [int(i) for i in pool.id]
        name = str(npls.loc[npls.cooperative_id == cooperative_id, "cooperative"].iloc[0])
        with columns[index % len(columns)]:
            if not options:
                st.warning(t("unowned.bulk.no_active_officer", cooperative=name))
                chosen[cooperative_id] = None
                continue
            chosen[cooperative_id] = st.selectbox(t("unowned.bulk.officer_for", cooperative=name), options,
                                                  index=None, format_func=names.__getitem__,
                                                  placeholder=t("officers.form.choose"),
                                                  key=f"unowned.bulk.coop.{cooperative_id}")
    return chosen


def _editor_frame(proposal: pd.DataFrame) -> pd.DataFrame:
    basis = {rules.BY_ORIGINATOR: t("unowned.basis.originator"), rules.BY_COOPERATIVE: t("unowned.basis.cooperative")}
    # what can be edited comes first, so it is on screen without scrolling the table sideways
    return pd.DataFrame({
        "contract_no": proposal.contract_no,
        "officer_id": pd.array([None if o is None else int(o) for o in proposal.officer_id], dtype="Int64"),
        "target": proposal.target_cents.astype("float64") / 100,
        "deadline": list(proposal.deadline),
        "balance": proposal.balance_cents.astype("float64") / 100,
        "basis": [basis.get(b, "—") for b in proposal.basis],
        "segment": [label("segment", s) for s in proposal.segment],
        "loan_class": [label("class", c) for c in proposal.loan_class],
        "cooperative": proposal.cooperative, "borrower": proposal.borrower,
    }).reset_index(drop=True)


def _as_date(value: object) -> dt.date | None:
    if value is None or (not isinstance(value, dt.date) and pd.isna(value)):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    return value if isinstance(value, dt.date) else pd.Timestamp(value).date()


def rows_to_write(proposal: pd.DataFrame, edited: pd.DataFrame) -> list[assignments.NewAssignment]:
    """The edited preview as command rows: those with an officer, in the preview's order."""
    out = []
    for loan_id, officer_id, target, deadline in zip(proposal.loan_id, edited.officer_id, edited.target,
                                                     edited.deadline):
        if officer_id is None or pd.isna(officer_id):
            continue
        cents = None if target is None or pd.isna(target) else to_cents(float(target))
        out.append(assignments.NewAssignment(loan_id=int(loan_id), officer_id=int(officer_id),
                                             target_cents=cents or 0, deadline=_as_date(deadline)))
    return out


def flash() -> None:
    """The outcome of the last confirmed batch (shown once, after the page reran with the new figures)."""
    message = st.session_state.pop(FLASH, None)
    if message:
        st.success(message)


def bulk_assign(viewer: Viewer, *, scope: Scope, month: dt.date, figures: tuple[int, int], settings: Settings,
                today: dt.date) -> None:
    """Preview one proposed assignment per NPL with no named person; "Confirm" writes them as one batch."""
    count, _ = figures
    if count == 0:
        return
    symbol = settings.currency_symbol
    npls = store.read(officers.list_assignable_npls, scope=scope, month=month, limit=PREVIEW_ROWS)
    active = store.read(officers.list_officers, scope=scope, active_only=True)
    names = {int(r.id): f"{r.name} · {r.employee_no}" for r in active.itertuples()}
    st.caption(t("unowned.bulk.intro", days=settings.default_assignment_days))
    if count > len(npls):
        st.warning(t("unowned.bulk.capped", shown=number(len(npls)), total=number(count)))
    chosen = _choices(npls, active, names)
    proposal = rules.propose(npls, chosen=chosen, assigned_on=today, days=settings.default_assignment_days)
    columns = {"contract_no": t("common.contract"), "borrower": t("common.borrower"),
               "cooperative": t("common.cooperative"), "loan_class": t("common.class"),
               "segment": t("common.segment"), "balance": t("common.balance"), "basis": t("unowned.col.basis")}
    config = {name: st.column_config.Column(text) for name, text in columns.items()}
    config["balance"] = st.column_config.NumberColumn(columns["balance"], format=money_column(symbol, 2))
    config["officer_id"] = st.column_config.SelectboxColumn(t("common.officer"), options=list(names), width="medium",
                                                            format_func=lambda i: names.get(int(i), str(i)))
    config["target"] = st.column_config.NumberColumn(t("officers.form.target", symbol=symbol), min_value=0.0,
                                                     step=0.01, format=money_column(symbol, 2))
    config["deadline"] = st.column_config.DateColumn(t("officers.form.deadline"), min_value=today + dt.timedelta(1),
                                                     format="YYYY-MM-DD")
    version = "-".join(f"{c}:{o}" for c, o in sorted(chosen.items()))
    edited = st.data_editor(_editor_frame(proposal), hide_index=True, width="stretch", num_rows="fixed",
                            column_config=config, disabled=list(columns), placeholder="—",
                            key=f"unowned.bulk.editor.{version}")
    st.caption(t("unowned.bulk.rules"))
    rows = rows_to_write(proposal, edited)
    left_out = len(proposal) - len(rows)
    if left_out:
        st.caption(tn("unowned.bulk.left_out", left_out))
    # the rows the supervisor saw when pressing Confirm: a page run reads the list afresh (a write elsewhere moves
    # its table version), and a loan assigned meanwhile must refuse the batch, not silently drop out of it
    shown = st.session_state.get(SHOWN_ROWS, rows)
    if st.button(t("unowned.bulk.confirm", count=number(len(rows))), type="primary", disabled=not rows,
                 key="unowned.bulk.confirm"):
        done = forms.submit(assignments.create_many, actor=viewer.actor, rows=shown, today=today,
                            success=tn("unowned.bulk.done", len(shown)))
        if done is not None:
            st.session_state.pop(SHOWN_ROWS, None)
            st.session_state[FLASH] = tn("unowned.bulk.done", len(done))
            st.rerun()
    st.session_state[SHOWN_ROWS] = rows
